import type { ExtractedDocument } from '../document.types.js';
import { decodeText } from '../detect/text-decode.js';
import { tableBlock } from '../table-text.js';
import { parseCsv, sniffDelimiter } from './csv-parse.js';

export function extractCsv(data: Uint8Array, ext: string): ExtractedDocument {
  const text = decodeText(data).replace(/^\uFEFF/, '');
  const rows = parseCsv(text, sniffDelimiter(text, ext === 'tsv' ? '\t' : ','));
  const block = tableBlock(rows.map((r) => r.map((c) => c.trim())), { header: true });
  return { type: 'csv', blocks: block ? [block] : [] };
}
