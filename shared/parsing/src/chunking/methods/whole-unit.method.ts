import type { Block, ChunkDraft, ExtractedDocument } from '../../document.types.js';
import { parseCsv, sniffDelimiter } from '../../extractors/csv-parse.js';
import { ParseError } from '../../parse-error.js';
import { headerNames, htmlTable, rowAsFields } from '../../table-text.js';
import { countTokens } from '../../tokenizer.js';
import { draftOf, makePiece } from '../merge.js';
import type { ChunkSettings } from '../settings.js';
import { naiveChunks } from './naive.method.js';

/** Methods whose unit is fixed by the file, not by a token budget: one, table, presentation, email. */

function blockText(b: Block, html4excel: boolean): string {
  if (html4excel && b.kind === 'table' && b.rows?.length) {
    const names = b.header ? headerNames(b.rows) : headerNames(b.rows).map((_, i) => `column ${i + 1}`);
    return htmlTable(names, b.header ? b.rows.slice(1) : b.rows, b.sheet);
  }
  return b.text;
}

/** `one`: the whole document is a single chunk, whatever its size. */
export function oneChunk(doc: ExtractedDocument, s: ChunkSettings): ChunkDraft[] {
  const draft = draftOf(doc.blocks.map((b) => makePiece(blockText(b, s.html4excel), '\n', b.positions ? { positions: b.positions } : {})), doc.title ? { title: doc.title } : {});
  return draft ? [draft] : [];
}

/** A text document that is really delimited data (TSV/CSV saved as .txt) read as one table. */
function delimitedTable(doc: ExtractedDocument): Block | undefined {
  if (doc.type !== 'text') return undefined;
  const text = doc.blocks.map((b) => b.text).join('\n');
  const delimiter = sniffDelimiter(text, '\t');
  const rows = parseCsv(text, delimiter).filter((r) => r.some((c) => c.trim()));
  const wide = rows.filter((r) => r.length >= 2).length;
  return rows.length >= 2 && wide >= rows.length * 0.8 ? { kind: 'table', text, rows, header: true } : undefined;
}

/** `table`: every data row is a chunk, `header: value; header: value`; the first row names the columns. */
export function tableChunks(doc: ExtractedDocument, filename: string): ChunkDraft[] {
  const tables = doc.blocks.filter((b) => b.kind === 'table' && (b.rows?.length ?? 0) >= 2);
  const fallback = tables.length ? undefined : delimitedTable(doc);
  if (fallback) tables.push(fallback);
  if (tables.length === 0) {
    throw new ParseError('NOTHING_FOUND', { method: 'table', file: filename, need: 'it needs a table with a header row (CSV, a spreadsheet, or a table inside the document)' });
  }
  const out: ChunkDraft[] = [];
  for (const t of tables) {
    const rows = t.rows!;
    const header = headerNames(rows);
    for (const row of rows.slice(1)) {
      const content = rowAsFields(header, row);
      if (content) out.push({ content, tokens: countTokens(content), ...(t.sheet ? { title: t.sheet } : {}) });
    }
  }
  return out;
}

/** `presentation`: one chunk per slide (PPTX) or per page (PDF); a slide's first line is its title. */
export function presentationChunks(doc: ExtractedDocument, filename: string): ChunkDraft[] {
  if (doc.type === 'pptx') {
    return doc.blocks
      .filter((b) => b.kind === 'slide')
      .map((b) => ({ content: b.text, tokens: countTokens(b.text), title: b.text.split('\n')[0]! }));
  }
  if (doc.type === 'pdf') {
    const pages = new Map<number, Block[]>();
    for (const b of doc.blocks) {
      const list = pages.get(b.page ?? 0) ?? [];
      list.push(b);
      pages.set(b.page ?? 0, list);
    }
    const out: ChunkDraft[] = [];
    for (const blocks of pages.values()) {
      const draft = draftOf(blocks.map((b) => makePiece(b.text, '\n', b.positions ? { positions: b.positions } : {})));
      if (draft) out.push({ ...draft, title: blocks.find((b) => b.kind === 'heading')?.text ?? draft.content.split('\n')[0]! });
    }
    return out;
  }
  throw new ParseError('METHOD_WRONG_TYPE', { method: 'presentation', file: filename, need: 'it needs slides (.pptx) or pages (.pdf)' });
}

/** `email`: the header (subject, from, to, date, attachments) is a chunk; the body is chunked like `naive`. */
export function emailChunks(doc: ExtractedDocument, s: ChunkSettings, filename: string): ChunkDraft[] {
  if (doc.type !== 'email') throw new ParseError('METHOD_WRONG_TYPE', { method: 'email', file: filename, need: 'it needs an email message (.eml or .msg)' });
  const out: ChunkDraft[] = [];
  let header: Block | undefined;
  let intro: Block[] = [];
  let body: Block[] = [];
  const flush = (): void => {
    // Headings right before a forwarded message's header ("Attachment: …") introduce that message.
    const trailing: Block[] = [];
    while (body.length && body[body.length - 1]!.kind === 'heading') trailing.unshift(body.pop()!);
    const subject = header ? /^Subject: (.*)$/m.exec(header.text)?.[1] : undefined;
    const title = subject ? { title: subject } : {};
    if (header) {
      const content = [...intro.map((b) => b.text), header.text].join('\n');
      out.push({ content, tokens: countTokens(content), ...title });
    }
    out.push(...naiveChunks(body, s).map((c) => ({ ...c, ...title })));
    intro = trailing;
    body = [];
  };
  for (const b of doc.blocks) {
    if (b.kind === 'email_header') {
      flush();
      header = b;
    } else body.push(b);
  }
  flush();
  // Trailing headings with no message after them are still text.
  if (intro.length) out.push(...naiveChunks(intro, s));
  return out;
}
