import type { Block } from '../document.types.js';
import { squash, tableBlock } from '../table-text.js';

/**
 * HTML DOM → blocks, shared by the HTML extractor and DOCX (mammoth renders DOCX as HTML).
 * Only the structural fields of cheerio's (domhandler) nodes are used, so this type is enough.
 */
export interface DomNode {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: DomNode[];
}

const SKIP = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'head', 'title', 'meta', 'link', 'iframe', 'object', 'embed',
  'canvas', 'select', 'button', 'input', 'textarea', 'map', 'audio', 'video', 'img', 'picture', 'source',
]);
/** Page furniture, dropped when we read a whole body rather than a readability article. */
const CHROME = new Set(['nav', 'header', 'footer', 'aside', 'form']);
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'footer', 'aside', 'nav', 'blockquote', 'figure', 'figcaption',
  'address', 'center', 'form', 'fieldset', 'legend', 'details', 'summary', 'dl', 'dt', 'dd', 'li', 'body', 'html',
  'caption', 'hgroup', 'tr', 'td', 'th', 'tbody', 'thead', 'tfoot',
]);

export interface WalkOptions {
  dropChrome?: boolean;
  /** Heading texts that readability demoted from h1 to h2, restored to level 1. */
  h1Texts?: Set<string>;
}

function isElement(node: DomNode): boolean {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

/** Source line breaks in HTML are just spaces; only `<br>` and blocks break lines. */
function collapse(data: string | undefined): string {
  return data ? data.replace(/\s+/g, ' ') : '';
}

function headingLevel(name: string): number | undefined {
  return /^h[1-6]$/.test(name) ? Number(name[1]) : undefined;
}

/** All text under a node on one logical line; `<br>` and block children become line breaks. */
export function inlineText(node: DomNode): string {
  const parts: string[] = [];
  const visit = (n: DomNode): void => {
    if (n.type === 'text') {
      parts.push(collapse(n.data));
      return;
    }
    if (!isElement(n) || !n.name || SKIP.has(n.name)) {
      if (n.type === 'root') for (const c of n.children ?? []) visit(c);
      return;
    }
    if (n.name === 'br') {
      parts.push('\n');
      return;
    }
    const block = BLOCK.has(n.name) || n.name === 'table' || n.name === 'ul' || n.name === 'ol' || n.name === 'pre';
    if (block) parts.push('\n');
    for (const c of n.children ?? []) visit(c);
    if (block) parts.push('\n');
    else if (n.name === 'td' || n.name === 'th') parts.push(' ');
  };
  visit(node);
  return cleanLines(parts.join(''));
}

/** Whitespace runs → one space within lines; blank lines dropped. */
function cleanLines(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

function rawText(node: DomNode): string {
  if (node.type === 'text') return node.data ?? '';
  if (node.name === 'br') return '\n';
  return (node.children ?? []).map(rawText).join('');
}

function listLines(list: DomNode, depth: number, out: string[]): void {
  const ordered = list.name === 'ol';
  let n = Number(list.attribs?.start ?? '1') || 1;
  for (const child of list.children ?? []) {
    if (!isElement(child)) {
      const stray = squash(child.data ?? '');
      if (stray && child.type === 'text') out.push(`${'  '.repeat(depth)}${stray}`);
      continue;
    }
    const nested: DomNode[] = [];
    const own: DomNode = { type: 'tag', name: 'span', children: [] };
    for (const c of child.children ?? []) {
      if (c.name === 'ul' || c.name === 'ol') nested.push(c);
      else own.children!.push(c);
    }
    const text = inlineText(own).replace(/\n/g, ' ');
    if (text) out.push(`${'  '.repeat(depth)}${ordered ? `${n}.` : '-'} ${text}`);
    n++;
    for (const sub of nested) listLines(sub, depth + 1, out);
  }
}

function tableRows(table: DomNode): { rows: string[][]; header: boolean; caption?: string } {
  const rows: string[][] = [];
  let header = false;
  let caption: string | undefined;
  const visitRow = (tr: DomNode, inHead: boolean): void => {
    const cells: string[] = [];
    let allTh = true;
    for (const cell of tr.children ?? []) {
      if (cell.name !== 'td' && cell.name !== 'th') continue;
      if (cell.name === 'td') allTh = false;
      cells.push(inlineText(cell).replace(/\n/g, ' '));
      // A spanning cell still occupies its columns, so later cells stay under their headers.
      const span = Math.min(Number(cell.attribs?.colspan ?? '1') || 1, 50);
      for (let i = 1; i < span; i++) cells.push('');
    }
    if (rows.length === 0 && cells.length > 1 && (inHead || allTh)) header = true;
    rows.push(cells);
  };
  for (const child of table.children ?? []) {
    if (child.name === 'tr') visitRow(child, false);
    else if (child.name === 'thead' || child.name === 'tbody' || child.name === 'tfoot') {
      for (const tr of child.children ?? []) if (tr.name === 'tr') visitRow(tr, child.name === 'thead');
    } else if (child.name === 'caption') caption = inlineText(child).replace(/\n/g, ' ');
  }
  return { rows, header, caption };
}

/** Walks a DOM subtree and returns its blocks in document order. */
export function domToBlocks(root: DomNode, options: WalkOptions = {}): Block[] {
  const blocks: Block[] = [];
  let inline: string[] = [];

  const flush = (): void => {
    if (inline.length === 0) return;
    const text = cleanLines(inline.join(''));
    inline = [];
    if (text) blocks.push({ kind: 'paragraph', text });
  };

  const visit = (node: DomNode): void => {
    if (node.type === 'text') {
      inline.push(collapse(node.data));
      return;
    }
    if (node.type === 'root') {
      for (const c of node.children ?? []) visit(c);
      return;
    }
    if (!isElement(node) || !node.name) return;
    const name = node.name;
    if (SKIP.has(name) || (options.dropChrome && CHROME.has(name))) return;
    const level = headingLevel(name);
    if (level !== undefined) {
      flush();
      // Documentation generators append a permalink mark (¶, #) to every heading.
      const text = inlineText(node).replace(/\n/g, ' ').replace(/\s*[¶#§🔗]+$/u, '').trim();
      if (text) blocks.push({ kind: 'heading', text, level: level === 2 && options.h1Texts?.has(text) ? 1 : level });
      return;
    }
    switch (name) {
      case 'br':
        inline.push('\n');
        return;
      case 'hr':
        flush();
        return;
      case 'pre': {
        flush();
        const code = rawText(node).replace(/^\n+|\s+$/g, '');
        if (code.trim()) blocks.push({ kind: 'code', text: code });
        return;
      }
      case 'ul':
      case 'ol': {
        flush();
        const lines: string[] = [];
        listLines(node, 0, lines);
        if (lines.length) blocks.push({ kind: 'list', text: lines.join('\n') });
        return;
      }
      case 'table': {
        flush();
        const { rows, header, caption } = tableRows(node);
        if (caption) blocks.push({ kind: 'paragraph', text: caption });
        const block = tableBlock(rows, header ? { header: true } : {});
        if (block) blocks.push(block);
        return;
      }
      default:
        if (BLOCK.has(name)) {
          flush();
          for (const c of node.children ?? []) visit(c);
          flush();
        } else {
          for (const c of node.children ?? []) visit(c);
        }
    }
  };

  visit(root);
  flush();
  return blocks;
}
