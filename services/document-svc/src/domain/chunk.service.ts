import { EventTypes, RagError, type CallerContext, type Dataset } from '@rag/contracts';
import { chunkId, type ChunkIndex, type ChunkRecord } from '@rag/chunk-index';
import type { Knex } from '@rag/platform';
import { DocumentRepository, toApi, type DocumentRow } from '../data/document.repository.js';
import { dedupe, pyInt } from './py.js';
import type { DatasetPort, EventPort, ModelPort } from './ports.js';

/** Python's `TypeError` for a non-string in a joined list (what RAGFlow answers, code 100). */
function assertStrings(list: unknown[]): void {
  const i = list.findIndex((x) => typeof x !== 'string');
  if (i >= 0) {
    const t = list[i] === null ? 'NoneType' : typeof list[i] === 'number' ? (Number.isInteger(list[i]) ? 'int' : 'float') : typeof list[i] === 'boolean' ? 'bool' : Array.isArray(list[i]) ? 'list' : 'dict';
    throw new RagError('EXCEPTION', { message: `TypeError('sequence item ${i}: expected str instance, ${t} found')` });
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function localTime(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Mixes title and body vectors 0.1 / 0.9 (§8.2) and renormalises. */
export function mixVectors(title: Float32Array, body: Float32Array, titleWeight = 0.1): Float32Array {
  const out = new Float32Array(body.length);
  let norm = 0;
  for (let i = 0; i < body.length; i++) {
    out[i] = titleWeight * (title[i] ?? 0) + (1 - titleWeight) * body[i]!;
    norm += out[i]! * out[i]!;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

export function chunkView(c: ChunkRecord): Record<string, unknown> {
  return {
    id: c.id,
    content: c.content,
    document_id: c.document_id,
    docnm_kwd: c.document_name,
    important_keywords: c.important_keywords,
    questions: c.questions,
    dataset_id: c.dataset_id,
    image_id: c.image_id,
    available: c.available,
    positions: c.positions,
  };
}

/** §8.2: chunks of one document, listed, added, updated and deleted by hand. */
export class ChunkService {
  private readonly repo: DocumentRepository;

  constructor(
    private readonly db: Knex,
    private readonly datasets: DatasetPort,
    private readonly index: ChunkIndex,
    private readonly models: ModelPort,
    private readonly events: EventPort,
  ) {
    this.repo = new DocumentRepository(db);
  }

  private async scope(ctx: CallerContext, datasetId: string, documentId: string): Promise<{ dataset: Dataset; doc: DocumentRow }> {
    const dataset = (await this.datasets.accessible(ctx, [datasetId]))[0];
    if (!dataset) throw new RagError('DATASET_NOT_YOURS', { dataset_id: datasetId });
    const doc = await this.repo.get(dataset, documentId);
    if (!doc) throw new RagError('DOCUMENT_NOT_YOURS', { document: documentId });
    return { dataset, doc };
  }

  async list(ctx: CallerContext, datasetId: string, documentId: string, q: Record<string, string | undefined>) {
    const { doc } = await this.scope(ctx, datasetId, documentId);
    if (q.id) {
      const c = await this.index.get(doc.tenant_id, q.id);
      if (!c || c.document_id !== documentId) throw new RagError('CHUNK_NOT_FOUND', { dataset_id: datasetId, chunk_id: q.id });
      return { total: 1, chunks: [chunkView(c)], doc: toApi(doc) };
    }
    const page = Math.max(pyInt(q.page, 1), 1);
    const pageSize = pyInt(q.page_size, 30);
    if (pageSize <= 0) return { total: (await this.index.listByDocument({ tenantId: doc.tenant_id, datasetId, documentId, keywords: q.keywords, page: 1, pageSize: 1 })).total, chunks: [], doc: toApi(doc) };
    const r = await this.index.listByDocument({ tenantId: doc.tenant_id, datasetId, documentId, keywords: q.keywords, page, pageSize, highlight: !!q.keywords });
    return { total: r.total, chunks: r.chunks.map(chunkView), doc: toApi(doc) };
  }

  private async embed(dataset: Dataset, doc: DocumentRow, content: string, questions: string[]): Promise<{ vector: Float32Array; tokens: number }> {
    const model = await this.models.embedder(dataset.tenant_id, dataset.embedding_model);
    const body = questions.length ? questions.join('\n') : content;
    const { vectors, tokens } = await model.embed([doc.name, body]);
    return { vector: mixVectors(vectors[0]!, vectors[1]!), tokens };
  }

  async add(ctx: CallerContext, datasetId: string, documentId: string, body: Record<string, unknown>) {
    const { dataset, doc } = await this.scope(ctx, datasetId, documentId);
    if (body.content === null) throw new RagError('EXCEPTION', { message: `TypeError("unsupported operand type(s) for +: 'NoneType' and 'str'")` });
    const content = body.content === undefined ? '' : String(body.content);
    if (!content.trim()) throw new RagError('CONTENT_REQUIRED');
    const keywords = body.important_keywords ?? [];
    if (!Array.isArray(keywords)) throw new RagError('KEYWORDS_REQUIRED_LIST');
    const rawQuestions = body.questions ?? [];
    if (!Array.isArray(rawQuestions)) throw new RagError('QUESTIONS_REQUIRED_LIST');
    assertStrings(keywords);
    assertStrings(rawQuestions);
    const questions = (rawQuestions as string[]).map((q) => q.trim()).filter(Boolean);
    const { vector, tokens } = await this.embed(dataset, doc, content, questions);
    const now = new Date();
    const record: ChunkRecord = {
      id: chunkId(content, documentId),
      tenant_id: doc.tenant_id,
      dataset_id: datasetId,
      document_id: documentId,
      document_name: doc.name,
      content,
      title_tokens: [],
      important_keywords: keywords as string[],
      questions,
      positions: [],
      image_id: '',
      available: true,
      vector,
      embedding_model: dataset.embedding_model,
      create_time: localTime(now),
      create_timestamp: now.getTime() / 1000,
      page_order: Number.MAX_SAFE_INTEGER,
      doc_type: '',
    };
    await this.index.ensure(doc.tenant_id, { vectorDims: vector.length });
    const existed = !!(await this.index.get(doc.tenant_id, record.id));
    await this.index.upsert([record]);
    if (!existed) await this.adjustCounts(doc, 1, tokens);
    return {
      chunk: {
        id: record.id,
        content,
        document_id: documentId,
        important_keywords: record.important_keywords,
        questions,
        dataset_id: datasetId,
        create_time: record.create_time,
        create_timestamp: record.create_timestamp,
      },
    };
  }

  private async adjustCounts(doc: DocumentRow, chunkDelta: number, tokenDelta: number): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx('documents')
        .where({ id: doc.id })
        .update({ chunk_count: trx.raw('chunk_count + ?', [chunkDelta]), token_count: trx.raw('token_count + ?', [tokenDelta]), update_time: Date.now() });
      await this.events.add(trx, EventTypes.documentCountsChanged, doc.tenant_id, { dataset_id: doc.dataset_id, document_id: doc.id, chunk_delta: chunkDelta, token_delta: tokenDelta });
    });
    void this.events.flush().catch(() => undefined);
  }

  async update(ctx: CallerContext, datasetId: string, documentId: string, chunkIdParam: string, body: Record<string, unknown>): Promise<void> {
    const owned = ctx.tenantIds.length ? ctx.tenantIds : [ctx.tenantId];
    let chunk: ChunkRecord | null = null;
    for (const t of owned) {
      const found: ChunkRecord | null = chunk ? null : await this.index.get(t, chunkIdParam);
      // Only a chunk of the document in the path counts; any other is answered as unknown.
      if (found && found.dataset_id === datasetId && found.document_id === documentId) chunk = found;
    }
    if (!chunk) throw new RagError('CANT_FIND_CHUNK', { chunk_id: chunkIdParam });
    const { dataset, doc } = await this.scope(ctx, datasetId, documentId);
    const patch: Partial<ChunkRecord> = {};
    const content = body.content === undefined || body.content === null ? chunk.content : String(body.content);
    patch.content = content;
    if ('important_keywords' in body) {
      if (!Array.isArray(body.important_keywords)) throw new RagError('KEYWORDS_SHOULD_BE_LIST');
      assertStrings(body.important_keywords);
      patch.important_keywords = body.important_keywords as string[];
    }
    if ('questions' in body) {
      if (!Array.isArray(body.questions)) throw new RagError('QUESTIONS_SHOULD_BE_LIST');
      assertStrings(body.questions);
      patch.questions = (body.questions as string[]).map((q) => q.trim()).filter(Boolean);
    }
    if ('available' in body) {
      const a = body.available;
      patch.available = !!pyInt(typeof a === 'boolean' ? Number(a) : a, 1);
    }
    if ('positions' in body) {
      if (!Array.isArray(body.positions)) throw new RagError('POSITIONS_SHOULD_BE_LIST');
      patch.positions = body.positions as number[][];
    }
    if (doc.chunk_method === 'qa') {
      const parts = content.split(/[\t\n]/).filter((p) => p.length > 1);
      if (parts.length !== 2) throw new RagError('QA_SEPARATOR');
    }
    const { vector } = await this.embed(dataset, doc, content, patch.questions ?? chunk.questions);
    patch.vector = vector;
    await this.index.update(doc.tenant_id, chunk.id, patch);
  }

  async delete(ctx: CallerContext, datasetId: string, documentId: string, body: Record<string, unknown>) {
    const dataset = (await this.datasets.accessible(ctx, [datasetId]))[0];
    if (!dataset) throw new RagError('DATASET_NOT_YOURS', { dataset_id: datasetId });
    // Scoped to the dataset in the path: a document of another dataset or tenant is "not found".
    const doc = await this.repo.get(dataset, documentId);
    if (!doc) throw new RagError('DOCUMENT_LOOKUP', { document_id: documentId });
    const ids = Array.isArray(body.chunk_ids) ? body.chunk_ids.map(String) : [];
    if (!ids.length) {
      const n = await this.index.deleteByDocument(dataset.tenant_id, datasetId, documentId);
      if (n) await this.adjustCounts(doc, -n, -doc.token_count);
      return null;
    }
    const { unique, duplicates } = dedupe(ids);
    const deleted = await this.index.deleteByIds(dataset.tenant_id, datasetId, documentId, unique);
    if (deleted) {
      const share = doc.chunk_count > 0 ? Math.round((doc.token_count * deleted) / doc.chunk_count) : 0;
      await this.adjustCounts(doc, -deleted, -share);
    }
    if (deleted < unique.length) throw new RagError('RM_CHUNK_SHORT', { deleted, asked: unique.length });
    if (duplicates.length) return { success_count: deleted, errors: duplicates.map((d) => `Duplicate chunk ids: ${d}`) };
    return null;
  }
}
