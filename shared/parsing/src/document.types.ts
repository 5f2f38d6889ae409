/**
 * The shapes that cross this package's boundary: what extraction produces and what chunking
 * returns. Extraction is format-neutral (blocks keep structure); the chunk methods decide how a
 * block is rendered into chunk text.
 */

export type DocumentType = 'pdf' | 'docx' | 'xlsx' | 'csv' | 'pptx' | 'html' | 'markdown' | 'json' | 'email' | 'text';

export type BlockKind = 'heading' | 'paragraph' | 'table' | 'slide' | 'list' | 'code' | 'email_header' | 'row';

/** `[page, x0, x1, top, bottom]` in PDF points, page 1-based, `top`/`bottom` measured from the top of the page (§8.1 `positions`). */
export type Position = [number, number, number, number, number];

export interface Block {
  kind: BlockKind;
  /** Plain text. Tables: rows joined by `\n`, cells by ` | `. Slides: title line first. */
  text: string;
  /** Heading level, 1 = most important. */
  level?: number;
  /** 1-based PDF page or slide number. */
  page?: number;
  positions?: Position[];
  /** Table cells, row by row. */
  rows?: string[][];
  /** True when `rows[0]` names the columns (spreadsheets, CSV, `<th>` rows, markdown tables). */
  header?: boolean;
  /** Worksheet name for spreadsheet tables. */
  sheet?: string;
}

export interface ExtractedDocument {
  type: DocumentType;
  title?: string;
  blocks: Block[];
  /** PDF pages or slides in the file. */
  pages?: number;
  /** Things skipped on the way (an unreadable page, an attachment we cannot read); never fatal. */
  warnings?: string[];
}

export interface ExtractOptions {
  /** PDF page ranges to read, 1-based and inclusive, as parser_config `pages` (`[[1, 10], [20, 25]]`). */
  pages?: number[][] | null;
  /** Checked between pages and parts, so a cancelled task stops early. */
  signal?: AbortSignal;
}

/** The parser_config keys chunking reads (§5.5); anything else is ignored. */
export interface ParserConfigLike {
  chunk_token_num?: number;
  delimiter?: string;
  /** Overlap between consecutive naive chunks: a percent (10 = 10%); values below 1 are read as fractions. */
  overlapped_percent?: number;
  html4excel?: boolean;
  raptor?: { use_raptor?: boolean } & Record<string, unknown>;
  graphrag?: { use_graphrag?: boolean } & Record<string, unknown>;
  [key: string]: unknown;
}

export interface ChunkContext {
  filename: string;
}

export interface ChunkDraft {
  content: string;
  /** cl100k_base token count of `content`. */
  tokens: number;
  positions?: Position[];
  important_keywords?: string[];
  questions?: string[];
  /** The section (heading path, slide title, email subject) the chunk comes from, when known. */
  title?: string;
}
