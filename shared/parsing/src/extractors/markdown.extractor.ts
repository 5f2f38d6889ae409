import { Lexer, type Token, type Tokens } from 'marked';
import type { Block, ExtractedDocument } from '../document.types.js';
import { decodeText } from '../detect/text-decode.js';
import { squash, tableBlock } from '../table-text.js';

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The lexer leaves character references in text; chunks should hold the characters. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** Inline tokens → plain text: emphasis and links keep their words, inline HTML is dropped. */
function plain(tokens: Token[] | undefined, fallback = ''): string {
  if (!tokens) return decodeEntities(fallback);
  let out = '';
  for (const t of tokens) {
    switch (t.type) {
      case 'text':
        out += (t as Tokens.Text).tokens ? plain((t as Tokens.Text).tokens) : decodeEntities((t as Tokens.Text).text);
        break;
      case 'codespan':
      case 'escape':
        out += decodeEntities((t as Tokens.Codespan).text);
        break;
      case 'br':
        out += '\n';
        break;
      case 'html':
        break;
      case 'image':
        out += (t as Tokens.Image).text;
        break;
      default:
        out += 'tokens' in t && Array.isArray(t.tokens) ? plain(t.tokens as Token[]) : decodeEntities(String((t as Tokens.Generic).text ?? ''));
    }
  }
  return out;
}

/** Soft line breaks inside a markdown paragraph are just spaces. */
function paragraphText(tokens: Token[] | undefined, fallback: string): string {
  return plain(tokens, fallback)
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join(' ');
}

function listLines(list: Tokens.List, depth: number, out: string[]): void {
  let n = typeof list.start === 'number' ? list.start : 1;
  for (const item of list.items) {
    const own: string[] = [];
    for (const t of item.tokens) {
      if (t.type === 'list') continue;
      own.push(paragraphText('tokens' in t ? (t.tokens as Token[]) : undefined, (t as Tokens.Generic).text ?? ''));
    }
    const marker = list.ordered ? `${n}.` : '-';
    const box = item.task ? (item.checked ? '[x] ' : '[ ] ') : '';
    const text = own.filter(Boolean).join(' ');
    if (text) out.push(`${'  '.repeat(depth)}${marker} ${box}${text}`);
    n++;
    for (const t of item.tokens) if (t.type === 'list') listLines(t as Tokens.List, depth + 1, out);
  }
}

function tokensToBlocks(tokens: Token[], blocks: Block[]): void {
  for (const t of tokens) {
    switch (t.type) {
      case 'heading': {
        const h = t as Tokens.Heading;
        const text = squash(plain(h.tokens, h.text));
        if (text) blocks.push({ kind: 'heading', text, level: h.depth });
        break;
      }
      case 'paragraph':
      case 'text': {
        const text = paragraphText((t as Tokens.Paragraph).tokens, (t as Tokens.Paragraph).text);
        if (text) blocks.push({ kind: 'paragraph', text });
        break;
      }
      case 'code': {
        const text = (t as Tokens.Code).text.replace(/\s+$/, '');
        if (text.trim()) blocks.push({ kind: 'code', text });
        break;
      }
      case 'table': {
        const table = t as Tokens.Table;
        const rows = [table.header.map((c) => squash(plain(c.tokens, c.text))), ...table.rows.map((r) => r.map((c) => squash(plain(c.tokens, c.text))))];
        const block = tableBlock(rows, { header: true });
        if (block) blocks.push(block);
        break;
      }
      case 'list': {
        const lines: string[] = [];
        listLines(t as Tokens.List, 0, lines);
        if (lines.length) blocks.push({ kind: 'list', text: lines.join('\n') });
        break;
      }
      case 'blockquote':
        tokensToBlocks((t as Tokens.Blockquote).tokens, blocks);
        break;
      case 'html': {
        // Block HTML (comments, <div>s, MDX components): keep only the words.
        const text = squash(decodeEntities((t as Tokens.HTML).text.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<[^>]+>/g, ' ')));
        if (text) blocks.push({ kind: 'paragraph', text });
        break;
      }
      default:
        break;
    }
  }
}

export function markdownToBlocks(source: string): Block[] {
  const blocks: Block[] = [];
  tokensToBlocks(new Lexer({ gfm: true }).lex(source.replace(/\r\n?/g, '\n')), blocks);
  return blocks;
}

/** YAML front matter is metadata, not prose; only its `title` is kept. */
function splitFrontMatter(source: string): { body: string; title?: string } {
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(source);
  if (!m) return { body: source };
  const title = /^title:\s*["']?(.+?)["']?\s*$/m.exec(m[1]!)?.[1];
  return { body: source.slice(m[0].length), ...(title ? { title } : {}) };
}

export function extractMarkdown(data: Uint8Array): ExtractedDocument {
  const { body, title: metaTitle } = splitFrontMatter(decodeText(data));
  const blocks = markdownToBlocks(body);
  const title = metaTitle ?? blocks.find((b) => b.kind === 'heading' && b.level === 1)?.text ?? blocks.find((b) => b.kind === 'heading')?.text;
  return { type: 'markdown', ...(title ? { title } : {}), blocks };
}
