import type { Client, estypes } from '@elastic/elasticsearch';
import type {
  ChunkIndex,
  ChunkPatch,
  ChunkRecord,
  EnsureOptions,
  ListByDocumentQuery,
  ListByDocumentResult,
  ListedChunk,
  SearchHit,
  SearchQuery,
  SearchResult,
} from '../chunk-index.js';
import { applyPatch } from '../chunk-patch.js';
import { cosine, pageOf, rankCandidates, type Candidate } from '../scoring.js';
import { highlight } from '../text/highlight.js';
import { contentTokens, queryTerms, titleTokens } from '../text/tokenize.js';
import {
  DEFAULT_FIELD_BOOSTS,
  indexMappings,
  listBody,
  scopeFilters,
  textCandidatesBody,
  textQuery,
  toSource,
  VECTOR_FIELD,
  vectorCandidatesBody,
  vectorField,
  vectorMapping,
  type FieldBoosts,
} from './es-requests.js';

export interface ElasticsearchChunkIndexOptions {
  client: Client;
  /** Index name = prefix + tenant id (lower-cased). Default `ragflow_`, as RAGFlow names them. */
  indexPrefix?: string;
  /** Refresh after bulk/index writes: `wait_for` (default) makes writes searchable before returning. */
  refresh?: boolean | 'wait_for';
  boosts?: Partial<FieldBoosts>;
  /** Extra settings for new indices (shards, replicas, ...). */
  settings?: estypes.IndicesIndexSettings;
  /** Documents per bulk request. Default 500. */
  bulkSize?: number;
}

/** Elasticsearch caps `size`, `k` and `from + size` at 10 000 by default. */
const MAX_WINDOW = 10_000;

interface Source {
  [field: string]: unknown;
}

function fromSource(src: Source): ChunkRecord {
  let vector: Float32Array | null = null;
  for (const [k, v] of Object.entries(src)) {
    if (VECTOR_FIELD.test(k) && Array.isArray(v)) vector = Float32Array.from(v as number[]);
  }
  const content = String(src.content ?? '');
  const record: ChunkRecord = {
    id: String(src.id),
    tenant_id: String(src.tenant_id),
    dataset_id: String(src.dataset_id),
    document_id: String(src.document_id),
    document_name: String(src.document_name ?? ''),
    content,
    content_tokens: Array.isArray(src.content_tokens) ? (src.content_tokens as string[]) : contentTokens(content),
    title_tokens: Array.isArray(src.title_tokens) ? (src.title_tokens as string[]) : titleTokens(String(src.document_name ?? '')),
    important_keywords: (src.important_keywords as string[] | undefined) ?? [],
    questions: (src.questions as string[] | undefined) ?? [],
    positions: (src.positions as number[][] | undefined) ?? [],
    image_id: String(src.image_id ?? ''),
    available: src.available !== false,
    vector,
    embedding_model: String(src.embedding_model ?? ''),
    create_time: String(src.create_time ?? ''),
    create_timestamp: Number(src.create_timestamp ?? 0),
    page_order: Number(src.page_order ?? 0),
    doc_type: String(src.doc_type ?? ''),
  };
  if (typeof src.pagerank === 'number') record.pagerank = src.pagerank;
  if (src.extra && typeof src.extra === 'object') record.extra = src.extra as Record<string, unknown>;
  return record;
}

function isErrorItem(item: estypes.MsearchResponseItem): item is estypes.ErrorResponseBase {
  return 'error' in item && !('hits' in item);
}

/**
 * The chunk index on Elasticsearch: one index per tenant (`ragflow_<tenant>`), English-analysed text
 * fields ranked by BM25, `q_<dims>_vec` dense vectors (cosine, HNSW). Hybrid search sends one
 * `_msearch` with a BM25 search and a kNN search (top-K each, same filters), then scores the union
 * exactly as SqliteChunkIndex does (src/scoring.ts) and fetches the page's chunks.
 */
export class ElasticsearchChunkIndex implements ChunkIndex {
  private readonly client: Client;
  private readonly prefix: string;
  private readonly refresh: boolean | 'wait_for';
  private readonly boosts: FieldBoosts;
  private readonly settings: estypes.IndicesIndexSettings | undefined;
  private readonly bulkSize: number;
  /** Indices known to exist → vector dims known to be mapped. */
  private readonly known = new Map<string, Set<number>>();

  constructor(options: ElasticsearchChunkIndexOptions) {
    this.client = options.client;
    this.prefix = options.indexPrefix ?? 'ragflow_';
    this.refresh = options.refresh ?? 'wait_for';
    this.boosts = { ...DEFAULT_FIELD_BOOSTS, ...options.boosts };
    for (const [k, v] of Object.entries(this.boosts)) if (!(v >= 1)) throw new RangeError(`boost ${k} must be >= 1 (combined_fields)`);
    this.settings = options.settings;
    this.bulkSize = Math.max(1, options.bulkSize ?? 500);
  }

  indexName(tenantId: string): string {
    return `${this.prefix}${tenantId}`.toLowerCase();
  }

  async ensure(tenantId: string, options: EnsureOptions = {}): Promise<void> {
    const index = this.indexName(tenantId);
    if (!this.known.has(index)) {
      if (!(await this.client.indices.exists({ index }))) {
        try {
          await this.client.indices.create({
            index,
            mappings: indexMappings(options.vectorDims),
            ...(this.settings ? { settings: this.settings } : {}),
          });
          this.known.set(index, new Set(options.vectorDims ? [options.vectorDims] : []));
          return;
        } catch (err) {
          // Another replica created it first.
          if (!/resource_already_exists_exception/.test(String((err as Error).message))) throw err;
        }
      }
      this.known.set(index, new Set());
    }
    if (options.vectorDims) await this.ensureVectorField(index, options.vectorDims);
  }

  private async ensureVectorField(index: string, dims: number): Promise<void> {
    const mapped = this.known.get(index);
    if (mapped?.has(dims)) return;
    await this.client.indices.putMapping({ index, properties: { [vectorField(dims)]: vectorMapping(dims) } });
    mapped?.add(dims);
  }

  async upsert(chunks: ChunkRecord[]): Promise<void> {
    const byTenant = new Map<string, Set<number>>();
    for (const c of chunks) {
      if (!c.id || !c.tenant_id || !c.dataset_id || !c.document_id) throw new TypeError(`chunk ${String(c.id)}: id, tenant_id, dataset_id and document_id are required`);
      const dims = byTenant.get(c.tenant_id) ?? new Set<number>();
      if (c.vector && c.vector.length > 0) dims.add(c.vector.length);
      byTenant.set(c.tenant_id, dims);
    }
    for (const [tenantId, dims] of byTenant) {
      await this.ensure(tenantId);
      for (const d of dims) await this.ensureVectorField(this.indexName(tenantId), d);
    }
    for (let i = 0; i < chunks.length; i += this.bulkSize) {
      const operations: (estypes.BulkOperationContainer | Record<string, unknown>)[] = [];
      for (const c of chunks.slice(i, i + this.bulkSize)) {
        operations.push({ index: { _index: this.indexName(c.tenant_id), _id: c.id } }, toSource(c));
      }
      const res = await this.client.bulk({ operations, refresh: this.refresh });
      if (res.errors) {
        const failed = res.items.find((it) => Object.values(it)[0]?.error);
        const error = failed ? Object.values(failed)[0]?.error : undefined;
        throw new Error(`bulk upsert failed: ${error?.type ?? 'unknown'}: ${error?.reason ?? ''}`);
      }
    }
  }

  async get(tenantId: string, chunkId: string): Promise<ChunkRecord | null> {
    const res = await this.client.get<Source>({ index: this.indexName(tenantId), id: chunkId, _source_exclude_vectors: false }, { ignore: [404] });
    if (!res.found || !res._source || res._source.tenant_id !== tenantId) return null;
    return fromSource(res._source);
  }

  async update(tenantId: string, chunkId: string, patch: ChunkPatch): Promise<boolean> {
    const res = await this.client.get<Source>({ index: this.indexName(tenantId), id: chunkId, _source_exclude_vectors: false }, { ignore: [404] });
    if (!res.found || !res._source || res._source.tenant_id !== tenantId) return false;
    const merged = applyPatch(fromSource(res._source), Array.isArray(res._source.content_tokens), patch);
    await this.client.index({
      index: this.indexName(tenantId),
      id: chunkId,
      document: toSource(merged),
      refresh: this.refresh,
      if_seq_no: res._seq_no,
      if_primary_term: res._primary_term,
    });
    return true;
  }

  private async deleteWhere(tenantId: string, filters: estypes.QueryDslQueryContainer[]): Promise<number> {
    const res = await this.client.deleteByQuery({
      index: this.indexName(tenantId),
      query: { bool: { filter: filters } },
      refresh: true,
      conflicts: 'proceed',
      ignore_unavailable: true,
    });
    return res.deleted ?? 0;
  }

  async deleteByIds(tenantId: string, datasetId: string, documentId: string, ids: string[]): Promise<number> {
    const wanted = [...new Set(ids.filter(Boolean))];
    if (wanted.length === 0) return 0;
    return this.deleteWhere(tenantId, [
      ...scopeFilters({ tenantIds: [tenantId], datasetIds: [datasetId], documentIds: [documentId], availableOnly: false }),
      { ids: { values: wanted } },
    ]);
  }

  async deleteByDocument(tenantId: string, datasetId: string, documentId: string): Promise<number> {
    return this.deleteWhere(tenantId, scopeFilters({ tenantIds: [tenantId], datasetIds: [datasetId], documentIds: [documentId], availableOnly: false }));
  }

  async deleteByDataset(tenantId: string, datasetId: string): Promise<number> {
    return this.deleteWhere(tenantId, scopeFilters({ tenantIds: [tenantId], datasetIds: [datasetId], availableOnly: false }));
  }

  async setAvailability(tenantId: string, documentId: string, available: boolean): Promise<number> {
    const res = await this.client.updateByQuery({
      index: this.indexName(tenantId),
      query: { bool: { filter: [{ term: { tenant_id: tenantId } }, { term: { document_id: documentId } }] } },
      script: { source: 'ctx._source.available = params.available', lang: 'painless', params: { available } },
      refresh: true,
      conflicts: 'proceed',
      ignore_unavailable: true,
    });
    return res.updated ?? 0;
  }

  async countByDocument(tenantId: string, datasetId: string, documentId: string): Promise<number> {
    const res = await this.client.count({
      index: this.indexName(tenantId),
      query: { bool: { filter: scopeFilters({ tenantIds: [tenantId], datasetIds: [datasetId], documentIds: [documentId], availableOnly: false }) } },
      ignore_unavailable: true,
    });
    return res.count;
  }

  async listByDocument(q: ListByDocumentQuery): Promise<ListByDocumentResult> {
    const keywords = (q.keywords ?? '').trim();
    const terms = keywords ? queryTerms(keywords) : [];
    const text = keywords ? textQuery(terms, this.boosts) : null;
    if (keywords && !text) return { total: 0, chunks: [] };
    const size = Math.max(0, Math.floor(q.pageSize));
    const from = Math.max(0, Math.floor(q.page) - 1) * size;
    if (!(q.page >= 1) || from >= MAX_WINDOW) {
      return { total: await this.countByDocumentMatching(q, text), chunks: [] };
    }
    const filters = scopeFilters({ tenantIds: [q.tenantId], datasetIds: [q.datasetId], documentIds: [q.documentId], availableOnly: false });
    const res = await this.client.search<Source>({
      index: this.indexName(q.tenantId),
      ignore_unavailable: true,
      ...listBody(filters, text, from, Math.min(size, MAX_WINDOW - from)),
    });
    const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
    const chunks: ListedChunk[] = res.hits.hits.map((h) => {
      const c: ListedChunk = fromSource(h._source!);
      if (q.highlight && keywords) c.highlight = highlight(c.content, terms);
      return c;
    });
    return { total, chunks };
  }

  private async countByDocumentMatching(q: ListByDocumentQuery, text: estypes.QueryDslQueryContainer | null): Promise<number> {
    const filters = scopeFilters({ tenantIds: [q.tenantId], datasetIds: [q.datasetId], documentIds: [q.documentId], availableOnly: false });
    const res = await this.client.count({
      index: this.indexName(q.tenantId),
      query: text ? { bool: { filter: filters, must: [text] } } : { bool: { filter: filters } },
      ignore_unavailable: true,
    });
    return res.count;
  }

  async search(q: SearchQuery): Promise<SearchResult> {
    const tenantIds = [...new Set(q.tenantIds.filter(Boolean))];
    const datasetIds = [...new Set(q.datasetIds.filter(Boolean))];
    const documentIds = [...new Set((q.documentIds ?? []).filter(Boolean))];
    if (tenantIds.length === 0 || datasetIds.length === 0) return { total: 0, hits: [] };
    const topK = Math.min(MAX_WINDOW, Math.max(0, Math.floor(q.topK)));
    const terms = queryTerms(q.text ?? '', q.terms ?? []);
    const text = textQuery(terms, this.boosts);
    const vector = q.vector && q.vector.length > 0 ? q.vector : undefined;
    if (topK === 0 || (!text && !vector)) return { total: 0, hits: [] };

    const indices = tenantIds.map((t) => this.indexName(t));
    if (vector) await this.prepareVectorSearch(indices, vector.length);
    const filters = scopeFilters({ tenantIds, datasetIds, documentIds, availableOnly: true });
    const header: estypes.MsearchMultisearchHeader = { index: indices, ignore_unavailable: true };
    const searches: estypes.MsearchRequestItem[] = [];
    if (text) searches.push(header, textCandidatesBody(filters, text, topK, vector ? vectorField(vector.length) : undefined));
    if (vector) searches.push(header, vectorCandidatesBody(filters, vector, topK));
    const res = await this.client.msearch<Source>({ searches });

    const candidates = new Map<string, Candidate<{ index: string; id: string }>>();
    res.responses.forEach((item, i) => {
      if (isErrorItem(item)) throw new Error(`search failed: ${item.error.type}: ${item.error.reason ?? ''}`);
      const isText = text !== null && i === 0;
      for (const h of item.hits.hits) {
        const key = `${h._index}\u0000${h._id}`;
        const score = h._score ?? 0;
        if (isText) {
          const stored = vector ? h._source?.[vectorField(vector.length)] : undefined;
          const cos = Array.isArray(stored) ? cosine(vector!, Float32Array.from(stored as number[])) : 0;
          candidates.set(key, { key: { index: h._index, id: h._id! }, bm25: score, cosine: cos, order: h._id! });
        } else if (!candidates.has(key)) {
          candidates.set(key, { key: { index: h._index, id: h._id! }, cosine: 2 * score - 1, order: h._id! });
        }
      }
    });
    const ranked = rankCandidates(candidates.values(), q);
    const page = pageOf(ranked, q.page, q.pageSize);
    const sources = await this.fetchPage(indices, page.map((p) => p.key));
    const hits: SearchHit[] = [];
    for (const p of page) {
      const src = sources.get(`${p.key.index}\u0000${p.key.id}`);
      if (!src) continue;
      const hit: SearchHit = { ...fromSource(src), similarity: p.similarity, vector_similarity: p.vector_similarity, term_similarity: p.term_similarity };
      if (q.highlight) hit.highlight = highlight(hit.content, terms);
      hits.push(hit);
    }
    return { total: ranked.length, hits };
  }

  /** kNN on an index without the query's vector field is an error: map it on indices that exist. */
  private async prepareVectorSearch(indices: string[], dims: number): Promise<void> {
    for (const index of indices) {
      if (!this.known.has(index)) {
        if (!(await this.client.indices.exists({ index }))) continue;
        this.known.set(index, new Set());
      }
      await this.ensureVectorField(index, dims);
    }
  }

  private async fetchPage(indices: string[], keys: { index: string; id: string }[]): Promise<Map<string, Source>> {
    const out = new Map<string, Source>();
    if (keys.length === 0) return out;
    const targets = [...new Set(keys.map((k) => k.index))].filter((i) => indices.includes(i));
    const res = await this.client.search<Source>({
      index: targets,
      ignore_unavailable: true,
      // The same chunk id may exist in several tenants' indices: room for every copy.
      size: keys.length * targets.length,
      query: { ids: { values: [...new Set(keys.map((k) => k.id))] } },
      _source: { exclude_vectors: false },
    });
    for (const h of res.hits.hits) if (h._source) out.set(`${h._index}\u0000${h._id}`, h._source);
    return out;
  }

  async close(): Promise<void> {
    // The client belongs to the caller, who closes it.
  }
}
