import type { ChunkRecord } from '../chunk-index.js';
import { analyzeForIndex, contentTokens, titleTokens } from '../text/tokenize.js';
import { scopeText } from './fts-query.js';

/** A `chunks` row as SQLite returns it (with the vector joined in when asked for). */
export interface ChunkRow {
  pk: number;
  id: string;
  tenant_id: string;
  dataset_id: string;
  document_id: string;
  document_name: string;
  content: string;
  content_tokens: string | null;
  title_tokens: string;
  important_keywords: string;
  questions: string;
  positions: string;
  image_id: string;
  available: number;
  embedding_model: string;
  create_time: string;
  create_timestamp: number;
  page_order: number;
  doc_type: string;
  pagerank: number | null;
  extra: string | null;
  dims?: number | null;
  vec?: Buffer | null;
}

export type ChunkRowValues = Omit<ChunkRow, 'pk' | 'dims' | 'vec'>;

export const ROW_COLUMNS = [
  'id', 'tenant_id', 'dataset_id', 'document_id', 'document_name', 'content', 'content_tokens', 'title_tokens',
  'important_keywords', 'questions', 'positions', 'image_id', 'available', 'embedding_model', 'create_time',
  'create_timestamp', 'page_order', 'doc_type', 'pagerank', 'extra',
] as const satisfies readonly (keyof ChunkRowValues)[];

function requireText(value: unknown, field: string, id: unknown): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`chunk ${String(id)}: ${field} must be a non-empty string`);
  return value;
}

export function toRowValues(c: ChunkRecord): ChunkRowValues {
  requireText(c.id, 'id', c.id);
  requireText(c.tenant_id, 'tenant_id', c.id);
  requireText(c.dataset_id, 'dataset_id', c.id);
  requireText(c.document_id, 'document_id', c.id);
  if (c.vector !== null && c.vector !== undefined && !(c.vector instanceof Float32Array)) {
    throw new TypeError(`chunk ${c.id}: vector must be a Float32Array or null`);
  }
  return {
    id: c.id,
    tenant_id: c.tenant_id,
    dataset_id: c.dataset_id,
    document_id: c.document_id,
    document_name: c.document_name ?? '',
    content: c.content ?? '',
    content_tokens: c.content_tokens ? JSON.stringify(c.content_tokens) : null,
    title_tokens: JSON.stringify(c.title_tokens ?? titleTokens(c.document_name ?? '')),
    important_keywords: JSON.stringify(c.important_keywords ?? []),
    questions: JSON.stringify(c.questions ?? []),
    positions: JSON.stringify(c.positions ?? []),
    image_id: c.image_id ?? '',
    available: c.available === false ? 0 : 1,
    embedding_model: c.embedding_model ?? '',
    create_time: c.create_time ?? '',
    create_timestamp: Number(c.create_timestamp ?? 0),
    page_order: Number(c.page_order ?? 0),
    doc_type: c.doc_type ?? '',
    pagerank: c.pagerank ?? null,
    extra: c.extra ? JSON.stringify(c.extra) : null,
  };
}

/** The text each FTS column indexes for a chunk. */
export function ftsValues(row: ChunkRowValues): Record<'content' | 'important_keywords' | 'questions' | 'title_tokens' | 'scope', string> {
  const tokens = row.content_tokens ? (JSON.parse(row.content_tokens) as string[]).join(' ') : row.content;
  return {
    content: analyzeForIndex(tokens),
    important_keywords: analyzeForIndex((JSON.parse(row.important_keywords) as string[]).join('\n')),
    questions: analyzeForIndex((JSON.parse(row.questions) as string[]).join('\n')),
    title_tokens: analyzeForIndex((JSON.parse(row.title_tokens) as string[]).join(' ')),
    scope: scopeText(row.dataset_id, row.document_id),
  };
}

export function vectorBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function vectorFromBlob(blob: Buffer, dims: number): Float32Array {
  const out = new Float32Array(dims);
  new Uint8Array(out.buffer).set(blob.subarray(0, dims * 4));
  return out;
}

export function fromRow(r: ChunkRow): ChunkRecord {
  const record: ChunkRecord = {
    id: r.id,
    tenant_id: r.tenant_id,
    dataset_id: r.dataset_id,
    document_id: r.document_id,
    document_name: r.document_name,
    content: r.content,
    content_tokens: r.content_tokens ? (JSON.parse(r.content_tokens) as string[]) : contentTokens(r.content),
    title_tokens: JSON.parse(r.title_tokens) as string[],
    important_keywords: JSON.parse(r.important_keywords) as string[],
    questions: JSON.parse(r.questions) as string[],
    positions: JSON.parse(r.positions) as number[][],
    image_id: r.image_id,
    available: r.available === 1,
    vector: r.vec && r.dims ? vectorFromBlob(r.vec, r.dims) : null,
    embedding_model: r.embedding_model,
    create_time: r.create_time,
    create_timestamp: r.create_timestamp,
    page_order: r.page_order,
    doc_type: r.doc_type,
  };
  if (r.pagerank !== null) record.pagerank = r.pagerank;
  if (r.extra) record.extra = JSON.parse(r.extra) as Record<string, unknown>;
  return record;
}
