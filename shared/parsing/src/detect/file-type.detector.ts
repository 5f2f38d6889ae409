import { ParseError } from '../parse-error.js';
import { looksBinary } from './text-decode.js';

/**
 * What a file really is. The extension says what the uploader meant; magic bytes say what the
 * bytes are. Containers win (a PDF named .docx is read as a PDF); a declared container whose
 * bytes are not one is reported as corrupt rather than read as text.
 */
export type Format =
  | 'pdf' | 'zip' | 'ole' | 'rtf' | 'html' | 'markdown' | 'csv' | 'json' | 'jsonl' | 'email' | 'text' | 'code';

export interface Detected {
  format: Format;
  /** Lower-case extension without the dot ('' when none). */
  ext: string;
  /** For containers: the kind the extension promised, used in messages (DOCX, XLSX, PPTX, MSG...). */
  declaredKind: string;
}

const TEXT_EXTS: Record<string, Format> = {
  htm: 'html', html: 'html', xhtml: 'html',
  md: 'markdown', mdx: 'markdown', markdown: 'markdown',
  csv: 'csv', tsv: 'csv',
  json: 'json', jsonl: 'jsonl', ldjson: 'jsonl', ndjson: 'jsonl',
  eml: 'email',
  rtf: 'rtf',
  txt: 'text', text: 'text', log: 'text', yml: 'text', yaml: 'text', xml: 'text', ini: 'text', cfg: 'text', conf: 'text',
  py: 'code', js: 'code', mjs: 'code', cjs: 'code', java: 'code', c: 'code', cpp: 'code', cc: 'code', h: 'code', hpp: 'code',
  php: 'code', go: 'code', ts: 'code', tsx: 'code', jsx: 'code', sh: 'code', cs: 'code', kt: 'code', sql: 'code', rs: 'code',
  rb: 'code', swift: 'code', scala: 'code', lua: 'code', r: 'code', css: 'code', scss: 'code', toml: 'code', bat: 'code', ps1: 'code',
};

const CONTAINER_EXTS: Record<string, { format: Format; kind: string }> = {
  pdf: { format: 'pdf', kind: 'PDF' },
  docx: { format: 'zip', kind: 'DOCX' },
  xlsx: { format: 'zip', kind: 'XLSX' },
  xlsm: { format: 'zip', kind: 'XLSX' },
  pptx: { format: 'zip', kind: 'PPTX' },
  msg: { format: 'ole', kind: 'MSG' },
};

const LEGACY: Record<string, [kind: string, modern: string]> = {
  doc: ['Word 97-2003 (.doc)', '.docx'],
  xls: ['Excel 97-2003 (.xls)', '.xlsx'],
  ppt: ['PowerPoint 97-2003 (.ppt)', '.pptx'],
  wps: ['WPS (.wps)', '.docx'],
};

const IMAGE_EXTS = new Set('jpg jpeg png tif tiff gif bmp webp avif apng pcx tga exif fpx svg psd cdr pcd dxf ufo eps ai raw heic ico icon'.split(' '));

export function extensionOf(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

type Magic = 'pdf' | 'zip' | 'ole' | 'rtf' | 'png' | 'jpeg' | 'gif' | undefined;

function startsWith(data: Uint8Array, bytes: number[], at = 0): boolean {
  if (data.length < at + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (data[at + i] !== bytes[i]) return false;
  return true;
}

function sniffMagic(data: Uint8Array): Magic {
  if (startsWith(data, [0x50, 0x4b, 0x03, 0x04]) || startsWith(data, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(data, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole';
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47])) return 'png';
  if (startsWith(data, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(data, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (startsWith(data, [0x7b, 0x5c, 0x72, 0x74, 0x66])) return 'rtf'; // {\rtf
  // PDF readers accept the header anywhere in the first KB (some generators prepend junk).
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, 1024));
  if (head.indexOf('%PDF-') >= 0) return 'pdf';
  return undefined;
}

export function detectFormat(data: Uint8Array, filename: string): Detected {
  const ext = extensionOf(filename);
  const magic = sniffMagic(data);
  const container = CONTAINER_EXTS[ext];
  const declaredKind = container?.kind ?? (ext ? ext.toUpperCase() : 'file');

  if (magic === 'pdf') return { format: 'pdf', ext, declaredKind };
  if (magic === 'zip') return { format: 'zip', ext, declaredKind };
  if (magic === 'ole') return { format: 'ole', ext, declaredKind };
  // Word happily saves RTF under a .doc name; the bytes say what it is.
  if (magic === 'rtf') return { format: 'rtf', ext, declaredKind };
  if (magic === 'png' || magic === 'jpeg' || magic === 'gif' || IMAGE_EXTS.has(ext)) throw new ParseError('IMAGE_FILE');

  if (container) {
    if (container.format === 'pdf') throw new ParseError('PDF_CORRUPT', { detail: 'no %PDF header' });
    if (container.format === 'zip') throw new ParseError('NOT_ZIP', { kind: container.kind });
    // A .msg that is not a compound file may still be a MIME message saved under that name.
    if (!looksBinary(data)) return { format: 'email', ext, declaredKind };
    throw new ParseError('OLE_CORRUPT', { kind: container.kind, detail: 'no compound file header' });
  }
  const legacy = LEGACY[ext];
  if (legacy) throw new ParseError('LEGACY_OFFICE', { kind: legacy[0], modern: legacy[1] });

  const textFormat = TEXT_EXTS[ext];
  if (looksBinary(data)) {
    if (textFormat) throw new ParseError('BINARY_AS_TEXT', { ext });
    throw new ParseError('UNSUPPORTED_TYPE', { ext: ext ? `.${ext}` : 'no extension' });
  }
  if (textFormat) return { format: textFormat, ext, declaredKind };
  if (!ext || ext.length > 8) return { format: 'text', ext, declaredKind };
  throw new ParseError('UNSUPPORTED_TYPE', { ext: `.${ext}` });
}
