/**
 * Request bodies for the Elasticsearch chunk index, as pure functions so tests can assert them
 * exactly. Field names are this project's (not RAGFlow's `kb_id`/`content_ltks`/...): one schema for
 * both implementations.
 */
import type { estypes } from '@elastic/elasticsearch';
import type { ChunkRecord } from '../chunk-index.js';
import { analyzeForIndex, isCjk, titleTokens, type QueryTerm } from '../text/tokenize.js';

/** Boost of each text field (Elasticsearch requires boosts ≥ 1 in `combined_fields`). */
export interface FieldBoosts {
  fts_content: number;
  important_keywords: number;
  questions: number;
  title_tokens: number;
}

/** The same weights as SqliteChunkIndex's bm25() columns. */
export const DEFAULT_FIELD_BOOSTS: FieldBoosts = { fts_content: 1, important_keywords: 2, questions: 2, title_tokens: 3 };

/** RAGFlow names dense vector fields by their dimensions; so do we: one index holds several models. */
export function vectorField(dims: number): string {
  return `q_${dims}_vec`;
}

export const VECTOR_FIELD = /^q_(\d+)_vec$/;

const english = { type: 'text', analyzer: 'english' } as const;
const keyword = { type: 'keyword' } as const;
const stored = { index: false, doc_values: false } as const;

export function vectorMapping(dims: number): estypes.MappingProperty {
  return { type: 'dense_vector', dims, index: true, similarity: 'cosine' };
}

/** Index mapping: keyword filters, English-analysed text, and the vector field when dims are known. */
export function indexMappings(vectorDims?: number): estypes.MappingTypeMapping {
  const properties: Record<string, estypes.MappingProperty> = {
    id: keyword,
    tenant_id: keyword,
    dataset_id: keyword,
    document_id: keyword,
    document_name: keyword,
    content: { type: 'text', index: false },
    content_tokens: { type: 'keyword', index: false, doc_values: false },
    fts_content: english,
    important_keywords: english,
    questions: english,
    title_tokens: english,
    positions: { type: 'float', ...stored },
    image_id: keyword,
    available: { type: 'boolean' },
    embedding_model: keyword,
    create_time: keyword,
    create_timestamp: { type: 'double' },
    page_order: { type: 'double' },
    doc_type: keyword,
    pagerank: { type: 'float' },
    extra: { type: 'object', enabled: false },
  };
  if (vectorDims) properties[vectorField(vectorDims)] = vectorMapping(vectorDims);
  return { dynamic: false, properties };
}

/** The stored document of a chunk (its `_source`). */
export function toSource(c: ChunkRecord): Record<string, unknown> {
  const src: Record<string, unknown> = {
    id: c.id,
    tenant_id: c.tenant_id,
    dataset_id: c.dataset_id,
    document_id: c.document_id,
    document_name: c.document_name ?? '',
    content: c.content ?? '',
    fts_content: analyzeForIndex(c.content_tokens ? c.content_tokens.join(' ') : (c.content ?? '')),
    title_tokens: c.title_tokens ?? titleTokens(c.document_name ?? ''),
    important_keywords: c.important_keywords ?? [],
    questions: c.questions ?? [],
    positions: c.positions ?? [],
    image_id: c.image_id ?? '',
    available: c.available !== false,
    embedding_model: c.embedding_model ?? '',
    create_time: c.create_time ?? '',
    create_timestamp: Number(c.create_timestamp ?? 0),
    page_order: Number(c.page_order ?? 0),
    doc_type: c.doc_type ?? '',
  };
  if (c.content_tokens) src.content_tokens = c.content_tokens;
  if (c.pagerank !== undefined) src.pagerank = c.pagerank;
  if (c.extra) src.extra = c.extra;
  if (c.vector && c.vector.length > 0) src[vectorField(c.vector.length)] = Array.from(c.vector);
  return src;
}

/** Filters shared by every query: the tenants, datasets, documents, and (for search) availability. */
export function scopeFilters(f: { tenantIds: string[]; datasetIds: string[]; documentIds?: string[]; availableOnly: boolean }): estypes.QueryDslQueryContainer[] {
  const filters: estypes.QueryDslQueryContainer[] = [{ terms: { tenant_id: f.tenantIds } }, { terms: { dataset_id: f.datasetIds } }];
  if (f.documentIds && f.documentIds.length > 0) filters.push({ terms: { document_id: f.documentIds } });
  if (f.availableOnly) filters.push({ term: { available: true } });
  return filters;
}

function boostedFields(b: FieldBoosts): string[] {
  return (Object.entries(b) as [keyof FieldBoosts, number][]).map(([f, w]) => (w === 1 ? f : `${f}^${w}`));
}

/**
 * The BM25 part: the query's words OR-ed in one `combined_fields` query (BM25F over the four text
 * fields, like FTS5's weighted columns), CJK bigrams as phrase queries. Repeated words stay repeated
 * (query term frequency), as in SqliteChunkIndex. Null when the query has no terms.
 */
export function textQuery(terms: QueryTerm[], boosts: FieldBoosts): estypes.QueryDslQueryContainer | null {
  const fields = boostedFields(boosts);
  const words = terms.filter((t) => t.tokens.length === 1 && !isCjk(t.tokens[0]!)).map((t) => t.tokens[0]!);
  const phrases = terms.filter((t) => !(t.tokens.length === 1 && !isCjk(t.tokens[0]!))).map((t) => t.tokens.join(''));
  const should: estypes.QueryDslQueryContainer[] = [];
  if (words.length > 0) should.push({ combined_fields: { query: words.join(' '), fields, operator: 'or' } });
  for (const p of phrases) should.push({ multi_match: { query: p, type: 'phrase', fields } });
  if (should.length === 0) return null;
  return should.length === 1 ? should[0]! : { bool: { should, minimum_should_match: 1 } };
}

/**
 * Full-text candidates: top-K by BM25 within the filters. Only ids and scores come back, plus the
 * vector field when the query has a vector (its cosine is computed here, as RAGFlow does).
 */
export function textCandidatesBody(
  filters: estypes.QueryDslQueryContainer[],
  text: estypes.QueryDslQueryContainer,
  topK: number,
  vectorFieldName?: string,
): estypes.SearchSearchRequestBody {
  return {
    size: topK,
    query: { bool: { filter: filters, must: [text] } },
    _source: vectorFieldName ? { includes: [vectorFieldName], exclude_vectors: false } : false,
    track_total_hits: false,
  };
}

/**
 * Vector candidates: approximate top-K by cosine (HNSW) within the same filters. For a `cosine`
 * dense_vector Elasticsearch scores (1 + cosine) / 2, so the cosine is read back from the score.
 */
export function vectorCandidatesBody(filters: estypes.QueryDslQueryContainer[], vector: Float32Array, topK: number): estypes.SearchSearchRequestBody {
  return {
    size: topK,
    knn: {
      field: vectorField(vector.length),
      query_vector: Array.from(vector),
      k: topK,
      num_candidates: Math.min(10_000, Math.max(100, topK * 2)),
      filter: filters,
    },
    _source: false,
    track_total_hits: false,
  };
}

/** Ordered listing of one document, optionally restricted to full-text matches. */
export function listBody(
  filters: estypes.QueryDslQueryContainer[],
  text: estypes.QueryDslQueryContainer | null,
  from: number,
  size: number,
): estypes.SearchSearchRequestBody {
  return {
    from,
    size,
    query: text ? { bool: { filter: filters, must: [text] } } : { bool: { filter: filters } },
    sort: [{ page_order: 'asc' }, { create_timestamp: 'asc' }, { id: 'asc' }],
    track_total_hits: true,
    _source: { exclude_vectors: false },
  };
}
