import type { Block, BlockKind, ExtractedDocument } from '../document.types.js';
import { decodeText } from '../detect/text-decode.js';

/**
 * Plain text and source code: paragraphs are separated by blank lines. Line breaks inside a
 * paragraph are kept, because the default delimiter is the newline and code needs its lines.
 */
export function textBlocks(text: string, kind: BlockKind = 'paragraph'): Block[] {
  const blocks: Block[] = [];
  const normalized = text.replace(/\r\n?/g, '\n');
  for (const para of normalized.split(/\n[ \t\f\v]*\n/)) {
    const trimmed = para.replace(/^\n+|\s+$/g, '');
    if (trimmed.trim()) blocks.push({ kind, text: trimmed });
  }
  return blocks;
}

export function extractPlainText(data: Uint8Array, code: boolean): ExtractedDocument {
  return { type: 'text', blocks: textBlocks(decodeText(data), code ? 'code' : 'paragraph') };
}
