import { chunkId, type ChunkIndex, type ChunkRecord } from '@rag/chunk-index';
import type { EmbeddingModel } from '@rag/models';
import { chunk, extract, type ChunkDraft } from '@rag/parsing';
import type { BlobStore } from '@rag/blob-store';
import { mixVectors } from '@rag/models';
import type { ParseTaskMessage, TaskReport, TaskReportAnswer } from '@rag/contracts';

export type ProgressReporter = (r: TaskReport) => Promise<TaskReportAnswer>;

export class TaskSuperseded extends Error {
  constructor(readonly discard: boolean) {
    super('the document no longer runs this task');
    this.name = 'TaskSuperseded';
  }
}

export class MissingFile extends Error {
  constructor() {
    super('The stored file of this document is missing');
    this.name = 'MissingFile';
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function localTime(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export interface PipelineDeps {
  blobs: BlobStore;
  index: ChunkIndex;
  embedder(tenantId: string, ref: string): Promise<EmbeddingModel>;
  embedBatch: number;
}

/**
 * One parse task: read the file, extract, chunk with the document's method, embed with the
 * dataset's model, index. Chunk ids derive from content and document, so a redelivered task
 * rewrites the same chunks instead of adding copies. Progress goes to document-svc, whose answer
 * says whether the document still runs this task.
 */
export async function runParseTask(task: ParseTaskMessage, deps: PipelineDeps, report: ProgressReporter, signal: AbortSignal): Promise<{ chunks: number; tokens: number }> {
  const step = async (progress: number, message?: string) => {
    signal.throwIfAborted();
    const answer = await report({ kind: 'progress', task_id: task.task_id, document_id: task.document_id, progress, ...(message ? { message } : {}) });
    if (!answer.accepted) throw new TaskSuperseded(answer.discard);
  };
  await step(0.02, `Start to parse ${task.name}.`);
  const data = await deps.blobs.get(task.bucket, task.key);
  if (!data) throw new MissingFile();
  const started = Date.now();
  const doc = await extract(data, task.name, { pages: (task.parser_config.pages as number[][] | null | undefined) ?? null, signal });
  const drafts: ChunkDraft[] = chunk(doc, task.chunk_method, task.parser_config, { filename: task.name });
  const extractSeconds = ((Date.now() - started) / 1000).toFixed(2);
  await step(0.3, `Extracted ${doc.blocks.length} blocks${doc.pages ? ` from ${doc.pages} pages` : ''} in ${extractSeconds}s; ${drafts.length} chunks.`);

  // Same content twice in one document is one chunk (its id is derived from the content).
  const unique = new Map<string, ChunkDraft & { order: number }>();
  drafts.forEach((d, order) => {
    const id = chunkId(d.content, task.document_id);
    if (!unique.has(id)) unique.set(id, { ...d, order });
  });
  const entries = [...unique.entries()];
  const tokens = entries.reduce((sum, [, d]) => sum + d.tokens, 0);
  if (!entries.length) return { chunks: 0, tokens: 0 };

  const model = await deps.embedder(task.tenant_id, task.embedding_model);
  const titleWeight = typeof task.parser_config.filename_embd_weight === 'number' ? task.parser_config.filename_embd_weight : 0.1;
  const [titleVector] = (await model.embed([task.name], { signal })).vectors;
  let ensured = false;
  for (let i = 0; i < entries.length; i += deps.embedBatch) {
    const batch = entries.slice(i, i + deps.embedBatch);
    const { vectors } = await model.embed(batch.map(([, d]) => d.content), { signal });
    if (!ensured) {
      await deps.index.ensure(task.tenant_id, { vectorDims: vectors[0]!.length });
      ensured = true;
    }
    const now = new Date();
    const records: ChunkRecord[] = batch.map(([id, d], j) => ({
      id,
      tenant_id: task.tenant_id,
      dataset_id: task.dataset_id,
      document_id: task.document_id,
      document_name: task.name,
      content: d.content,
      important_keywords: d.important_keywords ?? [],
      questions: d.questions ?? [],
      positions: (d.positions ?? []).map((p) => [...p]),
      image_id: '',
      available: true,
      vector: mixVectors(titleVector!, vectors[j]!, titleWeight),
      embedding_model: task.embedding_model,
      create_time: localTime(now),
      create_timestamp: now.getTime() / 1000,
      page_order: d.order,
      doc_type: doc.type,
      pagerank: task.pagerank,
      ...(d.title ? { extra: { title: d.title } } : {}),
    }));
    signal.throwIfAborted();
    await deps.index.upsert(records);
    const done = Math.min(i + deps.embedBatch, entries.length);
    await step(0.3 + 0.65 * (done / entries.length), done === entries.length ? `Embedded and indexed ${done} chunks.` : undefined);
  }
  return { chunks: entries.length, tokens };
}
