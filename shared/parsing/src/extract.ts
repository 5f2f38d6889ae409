import JSZip from 'jszip';
import { detectFormat, type Detected } from './detect/file-type.detector.js';
import { decodeText } from './detect/text-decode.js';
import { ZipStructureError, measureInflatedSize } from './detect/zip-inflation.js';
import type { ExtractOptions, ExtractedDocument } from './document.types.js';
import { extractCsv } from './extractors/csv.extractor.js';
import { extractDocx } from './extractors/docx.extractor.js';
import { extractEmail } from './extractors/email.extractor.js';
import { extractHtml } from './extractors/html.extractor.js';
import { extractJson } from './extractors/json.extractor.js';
import { extractMarkdown } from './extractors/markdown.extractor.js';
import { extractMsg, isOutlookMessage } from './extractors/msg.extractor.js';
import { extractPdf } from './extractors/pdf.extractor.js';
import { extractPlainText } from './extractors/plain-text.extractor.js';
import { extractPptx } from './extractors/pptx.extractor.js';
import { extractRtf } from './extractors/rtf.extractor.js';
import { extractXlsx } from './extractors/xlsx.extractor.js';
import { CompoundFile, CompoundFileError } from './ole/compound-file.js';
import { ParseError, errorDetail } from './parse-error.js';

const OFFICE_MAIN_PART: [part: string, kind: 'DOCX' | 'XLSX' | 'PPTX'][] = [
  ['word/document.xml', 'DOCX'],
  ['xl/workbook.xml', 'XLSX'],
  ['ppt/presentation.xml', 'PPTX'],
];

/** Uncompressed bytes we are willing to inflate from one upload (everything is held in memory). */
const MAX_UNZIPPED_MB = 1024;

/**
 * A zip bomb would exhaust memory inside the Office libraries, where it cannot be caught. First the
 * sizes the central directory declares (jszip keeps them on an internal field, read defensively):
 * an honest archive that is too big is refused without inflating anything. Then, because a bomb
 * declares small sizes, the bytes the archive really inflates to, measured with the output
 * thrown away as it comes (detect/zip-inflation.ts).
 */
async function guardExpansion(data: Buffer, zip: JSZip, kind: string, signal: AbortSignal | undefined): Promise<void> {
  guardDeclaredExpansion(zip, kind);
  const budget = MAX_UNZIPPED_MB * 1024 * 1024;
  let inflated: number;
  try {
    inflated = await measureInflatedSize(data, budget, signal);
  } catch (err) {
    if (err instanceof ZipStructureError) throw new ParseError('ZIP_CORRUPT', { kind }, { cause: err });
    throw err;
  }
  if (inflated > budget) throw new ParseError('ZIP_BOMB', { kind: kind === 'document' ? 'zip archive' : kind, limit: MAX_UNZIPPED_MB });
}

function guardDeclaredExpansion(zip: JSZip, kind: string): void {
  let total = 0;
  zip.forEach((_, file) => {
    const size = (file as unknown as { _data?: { uncompressedSize?: unknown } })._data?.uncompressedSize;
    // jszip reads the 32-bit field as signed: sizes of 2 GB and more come out negative.
    if (typeof size === 'number' && size !== 0) total += size < 0 ? size + 2 ** 32 : size;
  });
  const mb = Math.ceil(total / (1024 * 1024));
  if (mb > MAX_UNZIPPED_MB) throw new ParseError('ZIP_TOO_LARGE', { kind: kind === 'document' ? 'zip archive' : kind, size: mb, limit: MAX_UNZIPPED_MB });
}

async function extractZip(data: Buffer, detected: Detected, opts: ExtractOptions): Promise<ExtractedDocument> {
  const kind = ['DOCX', 'XLSX', 'PPTX'].includes(detected.declaredKind) ? detected.declaredKind : 'document';
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(data);
  } catch (err) {
    throw new ParseError('ZIP_CORRUPT', { kind }, { cause: err });
  }
  await guardExpansion(data, zip, kind, opts.signal);
  // The parts inside decide, not the name: an XLSX renamed to .docx is still a workbook.
  const real = OFFICE_MAIN_PART.find(([part]) => zip.file(part))?.[1];
  if (!real) {
    if (kind !== 'document') throw new ParseError('OFFICE_PART_MISSING', { kind, part: OFFICE_MAIN_PART.find(([, k]) => k === kind)![0] });
    throw new ParseError('UNKNOWN_ZIP');
  }
  try {
    if (real === 'DOCX') return await extractDocx(data, zip);
    if (real === 'XLSX') return await extractXlsx(data, zip);
    return await extractPptx(zip, opts.signal);
  } catch (err) {
    if (err instanceof ParseError || opts.signal?.aborted) throw err;
    throw new ParseError('READ_FAILED', { kind: real, detail: errorDetail(err) }, { cause: err });
  }
}

function extractOle(data: Buffer, detected: Detected): ExtractedDocument {
  const kind = detected.declaredKind;
  let cfb: CompoundFile;
  try {
    cfb = CompoundFile.open(data);
    const names = new Set(cfb.children(cfb.root).map((e) => e.name));
    // Password-protected DOCX/XLSX/PPTX are stored as an encrypted package inside a compound file.
    if (names.has('EncryptionInfo') || names.has('EncryptedPackage')) throw new ParseError('OFFICE_ENCRYPTED', { kind: kind === 'file' ? 'Office document' : kind });
    if (isOutlookMessage(cfb)) return extractMsg(cfb);
    if (names.has('WordDocument')) throw new ParseError('LEGACY_OFFICE', { kind: 'Word 97-2003 (.doc)', modern: '.docx' });
    if (names.has('Workbook') || names.has('Book')) throw new ParseError('LEGACY_OFFICE', { kind: 'Excel 97-2003 (.xls)', modern: '.xlsx' });
    if (names.has('PowerPoint Document')) throw new ParseError('LEGACY_OFFICE', { kind: 'PowerPoint 97-2003 (.ppt)', modern: '.pptx' });
  } catch (err) {
    if (err instanceof CompoundFileError) throw new ParseError('OLE_CORRUPT', { kind, detail: err.message }, { cause: err });
    throw err;
  }
  throw new ParseError('UNSUPPORTED_TYPE', { ext: detected.ext ? `.${detected.ext} (compound file)` : 'compound file' });
}

async function extractDetected(data: Buffer, detected: Detected, opts: ExtractOptions): Promise<ExtractedDocument> {
  switch (detected.format) {
    case 'pdf':
      return extractPdf(data, opts);
    case 'zip':
      return extractZip(data, detected, opts);
    case 'ole':
      return extractOle(data, detected);
    case 'rtf':
      return extractRtf(data);
    case 'html':
      return extractHtml(data);
    case 'markdown':
      return extractMarkdown(data);
    case 'csv':
      return extractCsv(data, detected.ext);
    case 'json':
    case 'jsonl':
      return extractJson(data, detected.format === 'jsonl');
    case 'email':
      return extractEmail(data);
    case 'text':
    case 'code':
      return extractPlainText(data, detected.format === 'code');
  }
}

const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const TEXT_FORMATS = new Set(['text', 'code', 'csv', 'json', 'jsonl', 'markdown', 'rtf']);

/** Trimmed blocks, empty ones dropped; a document left with nothing is an error, not an empty result. */
function finish(doc: ExtractedDocument, detected: Detected, data: Buffer): ExtractedDocument {
  const blocks = doc.blocks.filter((b) => {
    // Control characters come from broken font encodings and binary junk; they only confuse tokenizers.
    b.text = b.text.replace(CONTROL_CHARS, ' ').replace(/^\s*\n|\s+$/g, '');
    return b.text.trim().length > 0;
  });
  if (blocks.length === 0) {
    if (TEXT_FORMATS.has(detected.format) && !decodeText(data).trim()) throw new ParseError('BLANK');
    throw new ParseError('NO_TEXT', { kind: doc.type === 'text' ? 'file' : doc.type.toUpperCase() });
  }
  return { ...doc, blocks };
}

/**
 * Reads a file into blocks. The type comes from the extension and the bytes (see the detector);
 * every failure is a `ParseError` with a code the caller can act on and a message for the user.
 */
export async function extract(input: Buffer | Uint8Array, filename: string, opts: ExtractOptions = {}): Promise<ExtractedDocument> {
  opts.signal?.throwIfAborted();
  // Some libraries below (mailparser, mammoth) insist on a Buffer; a view shares the bytes.
  const data = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (data.length === 0) throw new ParseError('EMPTY');
  let detected: Detected | undefined;
  try {
    detected = detectFormat(data, filename);
    return finish(await extractDetected(data, detected, opts), detected, data);
  } catch (err) {
    if (err instanceof ParseError) throw err;
    // Cancellation is the caller's decision, not a property of the file.
    if (opts.signal?.aborted) throw err;
    const kind = detected ? (detected.format === 'zip' || detected.format === 'ole' ? detected.declaredKind : detected.format.toUpperCase()) : 'file';
    throw new ParseError('READ_FAILED', { kind, detail: errorDetail(err) }, { cause: err });
  }
}
