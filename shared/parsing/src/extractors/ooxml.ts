import { XMLParser } from 'fast-xml-parser';
import type JSZip from 'jszip';

/**
 * Small helpers over fast-xml-parser's order-preserving output, for the Office Open XML parts we
 * read by hand (slides, charts, relationships). Elements are matched by local name, because the
 * namespace prefixes (`p:`, `a:`, `c:`) are conventions, not guarantees.
 */
export type XNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  htmlEntities: true,
});

export function parseXml(xml: string): XNode[] {
  return parser.parse(xml) as XNode[];
}

export function tagOf(node: XNode): string | undefined {
  for (const key of Object.keys(node)) if (key !== ':@') return key;
  return undefined;
}

export function localName(node: XNode): string {
  const tag = tagOf(node) ?? '';
  const colon = tag.indexOf(':');
  return colon >= 0 ? tag.slice(colon + 1) : tag;
}

export function kids(node: XNode): XNode[] {
  const tag = tagOf(node);
  const value = tag ? node[tag] : undefined;
  return Array.isArray(value) ? (value as XNode[]) : [];
}

export function attr(node: XNode, name: string): string | undefined {
  return (node[':@'] as Record<string, string> | undefined)?.[name];
}

/**
 * A relationship reference (`r:id`, `r:embed`): the prefixed attribute, whatever the prefix, so it
 * is never confused with a plain `id` on the same element (as on `<p:sldId id="256" r:id="rId2">`).
 */
export function relAttr(node: XNode, name: string): string | undefined {
  const attrs = node[':@'] as Record<string, string> | undefined;
  if (!attrs) return undefined;
  for (const [k, v] of Object.entries(attrs)) if (k.endsWith(`:${name}`) && !k.startsWith('xmlns')) return v;
  return undefined;
}

export function child(node: XNode, name: string): XNode | undefined {
  return kids(node).find((k) => localName(k) === name);
}

/** Descendants with the given local name, in document order, not descending into matches. */
export function findAll(nodes: XNode[], name: string, out: XNode[] = []): XNode[] {
  for (const n of nodes) {
    if (localName(n) === name) out.push(n);
    else findAll(kids(n), name, out);
  }
  return out;
}

/** All text under a node (the `#text` leaves), in order. */
export function textOf(node: XNode): string {
  if ('#text' in node) return String(node['#text']);
  let out = '';
  for (const k of kids(node)) out += textOf(k);
  return out;
}

export async function readPart(zip: JSZip, path: string): Promise<string | undefined> {
  const file = zip.file(path);
  return file ? file.async('string') : undefined;
}

/** `ppt/slides/slide1.xml` + `../media/x.png` → `ppt/media/x.png`. */
export function resolvePath(fromPart: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = fromPart.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg) parts.push(seg);
  }
  return parts.join('/');
}

/** A part's relationships: id → absolute part path (external targets are skipped). */
export async function relationships(zip: JSZip, part: string): Promise<Map<string, string>> {
  const slash = part.lastIndexOf('/');
  const relsPath = `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
  const xml = await readPart(zip, relsPath);
  const out = new Map<string, string>();
  if (!xml) return out;
  for (const rel of findAll(parseXml(xml), 'Relationship')) {
    const id = attr(rel, 'Id');
    const target = attr(rel, 'Target');
    if (id && target && attr(rel, 'TargetMode') !== 'External') out.set(id, resolvePath(part, target));
  }
  return out;
}

/** Titles that tools fill in by themselves say nothing about the document. */
const PLACEHOLDER_TITLE = /^(slide\s*\d*|untitled|document\s*\d*|presentation\s*\d*|powerpoint presentation|book\s*\d*|sheet\s*\d*|title)$/i;

/** `docProps/core.xml` dc:title, when the author set a real one. */
export async function coreTitle(zip: JSZip): Promise<string | undefined> {
  const xml = await readPart(zip, 'docProps/core.xml');
  if (!xml) return undefined;
  const title = findAll(parseXml(xml), 'title')[0];
  const text = title ? textOf(title).replace(/\s+/g, ' ').trim() : '';
  return text && !PLACEHOLDER_TITLE.test(text) ? text : undefined;
}
