import { RagError, splitModelRef, type CallerContext, type Dataset, type RetrievalChunk } from '@rag/contracts';
import { docAggs, type ChunkIndex, type SearchHit } from '@rag/chunk-index';
import type { Knex } from '@rag/platform';
import { DocumentRepository } from '../data/document.repository.js';
import { NO_MATCH_SENTINEL, filterDocuments, type MetadataCondition } from './metadata-filter.js';
import { pyFloat, pyInt } from './py.js';
import type { DatasetPort, ModelPort } from './ports.js';

export interface RetrievalParams {
  datasets: Dataset[];
  question: string;
  documentIds: string[];
  page: number;
  pageSize: number;
  similarityThreshold: number;
  vectorWeight: number;
  topK: number;
  rerankId?: string;
  keyword: boolean;
  highlight: boolean;
  metadataCondition?: MetadataCondition | null;
  signal?: AbortSignal;
}

export interface RetrievalResult {
  total: number;
  hits: SearchHit[];
  doc_aggs: { doc_name: string; doc_id: string; count: number }[];
}

/** The retrieval response's chunk (§8.3): no questions, no vector. */
export function retrievalChunk(h: SearchHit, highlight: boolean): RetrievalChunk {
  return {
    id: h.id,
    content: h.content,
    content_ltks: h.content_tokens?.join(' ') ?? h.content.toLowerCase(),
    document_id: h.document_id,
    document_keyword: h.document_name,
    dataset_id: h.dataset_id,
    important_keywords: h.important_keywords,
    image_id: h.image_id,
    similarity: h.similarity,
    vector_similarity: h.vector_similarity,
    term_similarity: h.term_similarity,
    positions: h.positions,
    doc_type_kwd: h.doc_type,
    mom_id: (h.extra?.mom_id as string | undefined) ?? '',
    ...(highlight ? { highlight: h.highlight ?? h.content } : {}),
  };
}

/**
 * Hybrid retrieval over one or more datasets (§8.3, §16): embeds the question with the datasets'
 * model, optionally expands keywords with the tenant's chat model and reranks, and filters by
 * document ids or metadata.
 */
export class RetrievalService {
  private readonly repo: DocumentRepository;

  constructor(
    db: Knex,
    private readonly datasets: DatasetPort,
    private readonly index: ChunkIndex,
    private readonly models: ModelPort,
  ) {
    this.repo = new DocumentRepository(db);
  }

  /** Request checks of POST /api/v1/retrieval, in RAGFlow's order. */
  async fromRequest(ctx: CallerContext, body: Record<string, unknown>): Promise<RetrievalParams | 'empty'> {
    const ids = body.dataset_ids;
    if (!ids) throw new RagError('DATASET_IDS_REQUIRED');
    if (!Array.isArray(ids)) throw new RagError('DATASET_IDS_LIST');
    const datasets = await this.datasets.accessible(ctx, ids.map(String));
    for (const id of ids) if (!datasets.some((d) => d.id === String(id))) throw new RagError('DATASET_NOT_YOURS', { dataset_id: String(id) });
    const models = new Set(datasets.map((d) => splitModelRef(d.embedding_model).name));
    if (models.size > 1) throw new RagError('MIXED_EMBEDDING_MODELS');
    if (!('question' in body)) throw new RagError('QUESTION_REQUIRED');
    const question = String(body.question ?? '');
    const documentIds = body.document_ids ?? [];
    if (!Array.isArray(documentIds)) throw new RagError('DOCUMENTS_SHOULD_BE_LIST');
    if (documentIds.length) {
      const docs = await this.repo.getManyInDatasets(datasets, documentIds.map(String));
      for (const id of documentIds.map(String)) {
        if (!docs.some((x) => x.id === id)) throw new RagError('DATASETS_DONT_OWN_DOCUMENT', { document_id: id });
      }
    }
    if (!question) return 'empty';
    const highlightRaw = body.highlight;
    return {
      datasets,
      question,
      documentIds: documentIds.map(String),
      page: Math.max(pyInt(body.page, 1), 1),
      pageSize: pyInt(body.page_size, 30),
      similarityThreshold: pyFloat(body.similarity_threshold, 0.2),
      vectorWeight: pyFloat(body.vector_similarity_weight, 0.3),
      topK: pyInt(body.top_k, 1024),
      rerankId: typeof body.rerank_id === 'string' && body.rerank_id ? body.rerank_id : undefined,
      keyword: !!body.keyword,
      highlight: !(highlightRaw === 'False' || highlightRaw === 'false'),
      metadataCondition: (body.metadata_condition as MetadataCondition | undefined) ?? null,
    };
  }

  async retrieve(p: RetrievalParams): Promise<RetrievalResult> {
    const empty: RetrievalResult = { total: 0, hits: [], doc_aggs: [] };
    if (!p.datasets.length || p.pageSize <= 0) return empty;
    let documentIds = p.documentIds;
    if (!documentIds.length && p.metadataCondition) {
      const matched = filterDocuments(await this.repo.metaOfDatasets(p.datasets.map((d) => d.id)), p.metadataCondition);
      if (matched !== null) {
        if (!matched.length) return empty;
        documentIds = matched;
      }
    }
    const owner = p.datasets[0]!;
    const embedder = await this.models.embedder(owner.tenant_id, owner.embedding_model);
    const { vectors } = await embedder.embed([p.question], p.signal ? { signal: p.signal } : {});
    let terms: string[] | undefined;
    if (p.keyword) terms = await this.keywords(owner.tenant_id, p.question, p.signal);
    const tenantIds = [...new Set(p.datasets.map((d) => d.tenant_id))];
    const base = {
      tenantIds,
      datasetIds: p.datasets.map((d) => d.id),
      documentIds: documentIds.length ? documentIds : undefined,
      text: p.question,
      terms,
      vector: vectors[0],
      topK: p.topK,
      similarityThreshold: p.similarityThreshold,
      vectorWeight: p.vectorWeight,
      highlight: p.highlight,
    };
    if (!p.rerankId) {
      const r = await this.index.search({ ...base, page: p.page, pageSize: p.pageSize });
      return { total: r.total, hits: r.hits, doc_aggs: docAggs(r.hits) };
    }
    // With a rerank model, the whole candidate pool is rescored, then paged here.
    const pool = await this.index.search({ ...base, similarityThreshold: 0, page: 1, pageSize: Math.min(p.topK, 1024) });
    const reranker = await this.models.reranker(owner.tenant_id, p.rerankId);
    const { scores } = await reranker.rerank(p.question, pool.hits.map((h) => h.content), p.signal ? { signal: p.signal } : {});
    const rescored = pool.hits
      .map((h, i) => ({ ...h, vector_similarity: scores[i] ?? 0, similarity: p.vectorWeight * (scores[i] ?? 0) + (1 - p.vectorWeight) * h.term_similarity }))
      .filter((h) => h.similarity >= p.similarityThreshold)
      .sort((a, b) => b.similarity - a.similarity);
    const hits = rescored.slice((p.page - 1) * p.pageSize, p.page * p.pageSize);
    return { total: rescored.length, hits, doc_aggs: docAggs(hits) };
  }

  /** Keyword expansion with the tenant's chat model (`keyword: true`). */
  private async keywords(tenantId: string, question: string, signal?: AbortSignal): Promise<string[]> {
    const chat = await this.models.chat(tenantId, await this.models.defaultChat(tenantId));
    const { text } = await chat.complete(
      [
        { role: 'system', content: 'Extract the most important keywords or phrases of the user text. Answer with at most 8 keywords separated by commas, nothing else.' },
        { role: 'user', content: question },
      ],
      { temperature: 0.2, max_tokens: 64, ...(signal ? { signal } : {}) },
    );
    return text.split(/[,，\n]/).map((k) => k.trim()).filter((k) => k && k.length < 64);
  }

  /** §16: Dify's external-knowledge retrieval. */
  async dify(ctx: CallerContext, body: Record<string, unknown>): Promise<{ records: Record<string, unknown>[] }> {
    const datasetId = String(body.knowledge_id);
    const dataset = (await this.datasets.accessible(ctx, [datasetId]))[0];
    if (!dataset) throw new RagError('KNOWLEDGEBASE_NOT_FOUND');
    const setting = (body.retrieval_setting ?? {}) as Record<string, unknown>;
    const topK = pyInt(setting.top_k, 1024);
    const result = await this.retrieve({
      datasets: [dataset],
      question: String(body.query ?? ''),
      documentIds: [],
      page: 1,
      pageSize: topK,
      similarityThreshold: pyFloat(setting.score_threshold, 0),
      vectorWeight: 0.3,
      topK,
      keyword: false,
      highlight: false,
      metadataCondition: (body.metadata_condition as MetadataCondition | undefined) ?? null,
    });
    const docs = new Map((await this.repo.getMany(dataset, [...new Set(result.hits.map((h) => h.document_id))])).map((d) => [d.id, d]));
    return {
      records: result.hits.map((h) => ({
        content: h.content,
        score: h.similarity,
        title: h.document_name,
        metadata: { ...(docs.get(h.document_id)?.meta_fields ?? {}), doc_id: h.document_id },
      })),
    };
  }
}

export { NO_MATCH_SENTINEL };
