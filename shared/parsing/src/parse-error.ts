/**
 * Every way parsing can fail, in one table: a stable `code` the worker can branch on and a message
 * written for the person who uploaded the file (it ends up in the document's progress_msg).
 */
export type ParseErrorCode = 'encrypted' | 'no_text' | 'corrupt' | 'empty' | 'unsupported' | 'needs_ocr' | 'needs_llm';

export const ParseErrorRegistry = {
  EMPTY: { code: 'empty', template: 'Empty file' },
  BLANK: { code: 'empty', template: 'The file contains only whitespace' },
  // file types
  UNSUPPORTED_TYPE: { code: 'unsupported', template: 'This type of file is not supported ({ext})' },
  LEGACY_OFFICE: { code: 'unsupported', template: 'Legacy {kind} files are not supported; save the file as {modern} and upload it again' },
  IMAGE_FILE: { code: 'needs_ocr', template: 'This file is an image; reading it needs OCR, which is not available' },
  BINARY_AS_TEXT: { code: 'corrupt', template: 'The file is named .{ext} but contains binary data, not text' },
  UNKNOWN_ZIP: { code: 'unsupported', template: 'The file is a zip archive but not a DOCX, XLSX or PPTX document' },
  // pdf
  PDF_ENCRYPTED: { code: 'encrypted', template: 'This PDF is encrypted and cannot be read' },
  PDF_NO_TEXT: { code: 'no_text', template: 'This PDF has no text layer (scanned images need OCR, which is not available)' },
  PDF_CORRUPT: { code: 'corrupt', template: 'The file is not a valid PDF ({detail})' },
  // office / zip containers
  ZIP_CORRUPT: { code: 'corrupt', template: 'The file is not a valid {kind} (zip archive is corrupt)' },
  NOT_ZIP: { code: 'corrupt', template: 'The file is not a valid {kind} (it is not a zip archive)' },
  ZIP_TOO_LARGE: { code: 'unsupported', template: 'The {kind} expands to {size} MB, more than the {limit} MB the parser accepts' },
  /** Measured while inflating (the declared sizes lied), so only "more than" is known. */
  ZIP_BOMB: { code: 'unsupported', template: 'The {kind} expands to more than the {limit} MB the parser accepts' },
  OFFICE_PART_MISSING: { code: 'corrupt', template: 'The file is not a valid {kind} ({part} is missing)' },
  OFFICE_ENCRYPTED: { code: 'encrypted', template: 'This {kind} is password-protected and cannot be read' },
  OLE_CORRUPT: { code: 'corrupt', template: 'The file is not a valid {kind} (compound file is corrupt: {detail})' },
  // structured text
  JSON_INVALID: { code: 'corrupt', template: 'The file is not valid JSON ({detail})' },
  EMAIL_INVALID: { code: 'corrupt', template: 'The file is not a valid email message ({detail})' },
  // generic
  READ_FAILED: { code: 'corrupt', template: 'The {kind} could not be read ({detail})' },
  NO_TEXT: { code: 'no_text', template: 'The {kind} contains no text' },
  // chunking
  UNKNOWN_METHOD: { code: 'unsupported', template: 'Unknown chunk method: {method}' },
  METHOD_NEEDS_OCR: { code: 'needs_ocr', template: 'The {method} chunk method needs OCR or a vision model, which is not available' },
  METHOD_NEEDS_LLM: { code: 'needs_llm', template: 'The {method} chunk method needs a language model; it is not done by the parser' },
  METHOD_WRONG_TYPE: { code: 'unsupported', template: 'The {method} chunk method cannot be used for {file}: {need}' },
  NOTHING_FOUND: { code: 'unsupported', template: 'The {method} chunk method found nothing to chunk in {file}: {need}' },
} as const satisfies Record<string, { code: ParseErrorCode; template: string }>;

export type ParseErrorReason = keyof typeof ParseErrorRegistry;

export class ParseError extends Error {
  override readonly name = 'ParseError';
  readonly code: ParseErrorCode;
  /** The registry key, finer than `code` (e.g. `PDF_ENCRYPTED`). */
  readonly reason: ParseErrorReason;

  constructor(reason: ParseErrorReason, params: Record<string, string | number> = {}, options?: { cause?: unknown }) {
    const entry = ParseErrorRegistry[reason];
    super(entry.template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole)), options);
    this.code = entry.code;
    this.reason = reason;
  }
}

export function isParseError(err: unknown): err is ParseError {
  return err instanceof ParseError;
}

/** A library's error message, shortened so it fits in a sentence. */
export function errorDetail(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const oneLine = raw.replace(/\s+/g, ' ').trim() || 'unknown error';
  return oneLine.length > 160 ? `${oneLine.slice(0, 157)}...` : oneLine;
}
