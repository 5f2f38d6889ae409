/**
 * The chunk index: where parsed and manual chunks live for listing and retrieval.
 * One interface, two implementations (SQLite FTS5 + stored vectors; Elasticsearch), one contract suite.
 */

/** A chunk as stored in the index (CONTRACT §8.1 gives the API names; these are the index names). */
export interface ChunkRecord {
  /** 16 lowercase hex; `chunkId(content, document_id)` for content-addressed chunks. */
  id: string;
  tenant_id: string;
  dataset_id: string;
  document_id: string;
  document_name: string;
  content: string;
  /**
   * Pre-tokenised content for full-text search (e.g. from a CJK segmenter). When absent the index
   * analyses `content` itself. Read back as given, or as the index's own analysis when none was given.
   */
  content_tokens?: string[];
  /**
   * Searchable tokens of the document name. Absent → derived from `document_name` (parsed chunks).
   * Manual chunks pass `[]`: their document name is not searchable (CONTRACT §8.2).
   */
  title_tokens?: string[];
  important_keywords: string[];
  questions: string[];
  /** `[page, x0, x1, top, bottom]` per position. */
  positions: number[][];
  image_id: string;
  available: boolean;
  vector: Float32Array | null;
  embedding_model: string;
  /** `YYYY-MM-DD HH:MM:SS` */
  create_time: string;
  /** float seconds */
  create_timestamp: number;
  /** Order within the document, for stable listing. */
  page_order: number;
  doc_type: string;
  pagerank?: number;
  extra?: Record<string, unknown>;
}

/** Fields an update may change. The id, tenant, dataset and document of a chunk never change. */
export type ChunkPatch = Partial<
  Pick<
    ChunkRecord,
    | 'content'
    | 'content_tokens'
    | 'title_tokens'
    | 'document_name'
    | 'important_keywords'
    | 'questions'
    | 'positions'
    | 'image_id'
    | 'available'
    | 'vector'
    | 'embedding_model'
    | 'page_order'
    | 'doc_type'
    | 'pagerank'
    | 'extra'
  >
>;

export interface ListByDocumentQuery {
  tenantId: string;
  datasetId: string;
  documentId: string;
  /** Full-text match within the document (any query term); absent or blank → every chunk. */
  keywords?: string;
  /** 1-based */
  page: number;
  pageSize: number;
  /** Add `highlight` (content with matched terms in `<em>…</em>`) when keywords are given. */
  highlight?: boolean;
}

export interface ListedChunk extends ChunkRecord {
  highlight?: string;
}

export interface ListByDocumentResult {
  /** Chunks matching the keywords (all chunks of the document without keywords). */
  total: number;
  chunks: ListedChunk[];
}

export interface SearchQuery {
  tenantIds: string[];
  datasetIds: string[];
  /** Restrict to these documents (absent or empty → every document of the datasets). */
  documentIds?: string[];
  /** The question; its terms are OR-ed and ranked by BM25. */
  text: string;
  /** Extra terms (e.g. LLM keyword expansion), OR-ed with the text's terms. */
  terms?: string[];
  /** Query embedding; absent → vector_similarity 0 and no vector candidates. */
  vector?: Float32Array;
  /** Candidate pool per channel: the top-K by BM25 ∪ the top-K by cosine. */
  topK: number;
  similarityThreshold: number;
  /** similarity = w·vector + (1−w)·term. Values outside [0,1] are applied as given. */
  vectorWeight: number;
  /** 1-based */
  page: number;
  pageSize: number;
  highlight?: boolean;
}

export interface SearchHit extends ChunkRecord {
  similarity: number;
  vector_similarity: number;
  term_similarity: number;
  highlight?: string;
}

export interface SearchResult {
  /** Number of candidates at or above the similarity threshold. */
  total: number;
  hits: SearchHit[];
}

export interface EnsureOptions {
  /** Dimensions of the embedding model's vectors (the Elasticsearch mapping needs them up front). */
  vectorDims?: number;
}

export interface ChunkIndex {
  /** Creates whatever the tenant's chunks need (tables, index, mapping). Idempotent. */
  ensure(tenantId: string, options?: EnsureOptions): Promise<void>;
  /** Inserts or replaces by (tenant, id): a redelivered parse task never duplicates chunks. */
  upsert(chunks: ChunkRecord[]): Promise<void>;
  get(tenantId: string, chunkId: string): Promise<ChunkRecord | null>;
  /** Returns false when the chunk does not exist. */
  update(tenantId: string, chunkId: string, patch: ChunkPatch): Promise<boolean>;
  /** Deletes those of `ids` that belong to the document; returns how many were deleted. */
  deleteByIds(tenantId: string, datasetId: string, documentId: string, ids: string[]): Promise<number>;
  deleteByDocument(tenantId: string, datasetId: string, documentId: string): Promise<number>;
  deleteByDataset(tenantId: string, datasetId: string): Promise<number>;
  /** Shows or hides every chunk of a document; returns how many chunks it touched. */
  setAvailability(tenantId: string, documentId: string, available: boolean): Promise<number>;
  countByDocument(tenantId: string, datasetId: string, documentId: string): Promise<number>;
  listByDocument(query: ListByDocumentQuery): Promise<ListByDocumentResult>;
  search(query: SearchQuery): Promise<SearchResult>;
  close(): Promise<void>;
}

export interface DocAgg {
  doc_name: string;
  doc_id: string;
  count: number;
}

/** Chunks per document among `hits`, most first (ties keep first-seen order). */
export function docAggs(hits: ReadonlyArray<Pick<ChunkRecord, 'document_id' | 'document_name'>>): DocAgg[] {
  const byDoc = new Map<string, DocAgg>();
  for (const h of hits) {
    const agg = byDoc.get(h.document_id);
    if (agg) agg.count++;
    else byDoc.set(h.document_id, { doc_name: h.document_name, doc_id: h.document_id, count: 1 });
  }
  return [...byDoc.values()].sort((a, b) => b.count - a.count);
}
