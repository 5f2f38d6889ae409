import { EventTypes, RagError, type CallerContext, type TaskReport, type TaskReportAnswer } from '@rag/contracts';
import { uuid1, type Knex } from '@rag/platform';
import { DocumentRepository, RunState, type DocumentRow } from '../data/document.repository.js';
import { dedupe, pyList } from './py.js';
import type { ChunkCleaner, DatasetPort, EventPort, TaskQueuePort } from './ports.js';

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}

function appendLine(log: string, text: string): string {
  const line = `${clock()} ${text}`;
  return log ? `${log}\n${line}` : line;
}

/** §6.7 and §7: queue parsing, stop it, and record what workers report. */
export class ParseService {
  private readonly repo: DocumentRepository;

  constructor(
    private readonly db: Knex,
    private readonly datasets: DatasetPort,
    private readonly events: EventPort,
    private readonly queue: TaskQueuePort,
    private readonly chunks: ChunkCleaner,
  ) {
    this.repo = new DocumentRepository(db);
  }

  private async requireIds(ctx: CallerContext, datasetId: string, body: Record<string, unknown>) {
    const dataset = (await this.datasets.accessible(ctx, [datasetId]))[0];
    if (!dataset) throw new RagError('DATASET_NOT_YOURS', { dataset_id: datasetId });
    const ids = body.document_ids;
    if (!Array.isArray(ids) || ids.length === 0) throw new RagError('DOCUMENT_IDS_REQUIRED');
    return { dataset, ...dedupe(ids.map(String)) };
  }

  async parse(ctx: CallerContext, datasetId: string, body: Record<string, unknown>): Promise<{ success_count: number; errors: string[] } | null> {
    const { dataset, unique, duplicates } = await this.requireIds(ctx, datasetId, body);
    const docs = new Map((await this.repo.getMany(dataset, unique)).map((d) => [d.id, d]));
    const missing: string[] = [];
    let queued = 0;
    for (const id of unique) {
      const doc = docs.get(id);
      if (!doc) {
        missing.push(id);
        continue;
      }
      if (doc.progress > 0 && doc.progress < 1) throw new RagError('PARSE_IN_PROGRESS');
      await this.queueDocument(doc, dataset.embedding_model, dataset.language, dataset.pagerank);
      queued++;
    }
    if (missing.length) throw new RagError('DOCUMENTS_NOT_FOUND', { ids: pyList(missing) });
    if (duplicates.length) {
      const errors = duplicates.map((d) => `Duplicate document ids: ${d}`);
      if (!queued) throw new RagError('DATA', { message: errors.join(';') });
      return { success_count: queued, errors };
    }
    return null;
  }

  private async queueDocument(doc: DocumentRow, embeddingModel: string, language: string, pagerank: number): Promise<void> {
    const taskId = uuid1();
    const now = Date.now();
    const patch: Partial<DocumentRow> = {
      run: RunState.RUNNING,
      // A small non-zero progress at once: stop refuses documents at 0 (§6.7).
      progress: Math.max(0.0001, Math.random() * 0.01),
      progress_msg: appendLine('', 'Task is queued...'),
      process_begin_at: now,
      process_duration: 0,
      chunk_count: 0,
      token_count: 0,
      current_task_id: taskId,
      update_time: Math.max(now, doc.update_time + 1),
    };
    await this.db.transaction(async (trx) => {
      const repo = this.repo.with(trx);
      await repo.deleteTasksOf([doc.id]);
      await repo.insertTask({ id: taskId, document_id: doc.id, dataset_id: doc.dataset_id, state: 'queued' });
      await repo.update(doc.id, patch);
      if (doc.chunk_count || doc.token_count) {
        await this.events.add(trx, EventTypes.documentCountsChanged, doc.tenant_id, { dataset_id: doc.dataset_id, document_id: doc.id, chunk_delta: -doc.chunk_count, token_delta: -doc.token_count });
      }
      await this.events.add(trx, EventTypes.documentParseStarted, doc.tenant_id, { dataset_id: doc.dataset_id, document_id: doc.id, task_id: taskId });
    });
    void this.events.flush().catch(() => undefined);
    if (doc.current_task_id) await this.queue.cancel(doc.current_task_id, doc.id);
    await this.chunks.deleteDocumentChunks(doc.tenant_id, doc.dataset_id, doc.id);
    await this.queue.enqueue({
      task_id: taskId,
      tenant_id: doc.tenant_id,
      dataset_id: doc.dataset_id,
      document_id: doc.id,
      name: doc.name,
      bucket: doc.dataset_id,
      key: doc.id,
      chunk_method: doc.chunk_method,
      parser_config: doc.parser_config,
      embedding_model: embeddingModel,
      language,
      pagerank,
    });
  }

  async stop(ctx: CallerContext, datasetId: string, body: Record<string, unknown>): Promise<{ success_count: number; errors: string[] } | null> {
    const { dataset, unique, duplicates } = await this.requireIds(ctx, datasetId, body);
    let stopped = 0;
    for (const id of unique) {
      const doc = await this.repo.get(dataset, id);
      if (!doc) throw new RagError('DOCUMENT_NOT_YOURS', { document: id });
      if (Math.trunc(doc.progress) === 1 || doc.progress === 0) throw new RagError('STOP_AT_0_OR_1');
      const taskId = doc.current_task_id;
      await this.db.transaction(async (trx) => {
        const repo = this.repo.with(trx);
        await repo.update(id, { run: RunState.CANCEL, progress: 0, chunk_count: 0, token_count: 0, current_task_id: null, update_time: Math.max(Date.now(), doc.update_time + 1) });
        if (taskId) await repo.setTaskState(taskId, 'cancelled');
        if (doc.chunk_count || doc.token_count) {
          await this.events.add(trx, EventTypes.documentCountsChanged, doc.tenant_id, { dataset_id: datasetId, document_id: id, chunk_delta: -doc.chunk_count, token_delta: -doc.token_count });
        }
      });
      if (taskId) await this.queue.cancel(taskId, id);
      await this.chunks.deleteDocumentChunks(doc.tenant_id, datasetId, id);
      stopped++;
    }
    void this.events.flush().catch(() => undefined);
    if (duplicates.length) return { success_count: stopped, errors: duplicates.map((d) => `Duplicate document ids: ${d}`) };
    return null;
  }

  /** Records a worker's report, only while the document still runs that task. */
  async report(r: TaskReport): Promise<TaskReportAnswer> {
    const doc = await this.repo.getUnscoped(r.document_id);
    if (!doc) return { accepted: false, discard: true };
    if (doc.current_task_id !== r.task_id) return { accepted: false, discard: doc.run === RunState.CANCEL && !doc.current_task_id };
    const now = Date.now();
    const duration = doc.process_begin_at ? Math.max((now - doc.process_begin_at) / 1000, 0.001) : 0.001;
    let accepted = false;
    if (r.kind === 'progress') {
      accepted = await this.repo.updateIfTask(doc.id, r.task_id, {
        progress: Math.min(Math.max(r.progress, 0.01), 0.99),
        progress_msg: r.message ? appendLine(doc.progress_msg, r.message) : doc.progress_msg,
        process_duration: duration,
        update_time: now,
      });
      return { accepted, discard: false };
    }
    await this.db.transaction(async (trx) => {
      const repo = this.repo.with(trx);
      if (r.kind === 'done') {
        accepted = await repo.updateIfTask(doc.id, r.task_id, {
          run: RunState.DONE,
          progress: 1,
          chunk_count: r.chunk_count,
          token_count: r.token_count,
          process_duration: duration,
          progress_msg: appendLine(doc.progress_msg, r.message ?? `Task done (${duration.toFixed(2)}s)`),
          current_task_id: null,
          update_time: now,
        });
        if (!accepted) return;
        await repo.setTaskState(r.task_id, 'done');
        await this.events.add(trx, EventTypes.documentParsed, doc.tenant_id, {
          dataset_id: doc.dataset_id,
          document_id: doc.id,
          chunk_count: r.chunk_count,
          token_count: r.token_count,
          chunk_delta: r.chunk_count,
          token_delta: r.token_count,
          duration,
        });
      } else {
        accepted = await repo.updateIfTask(doc.id, r.task_id, {
          run: RunState.FAIL,
          progress: -1,
          process_duration: duration,
          progress_msg: appendLine(doc.progress_msg, `[ERROR] ${r.message}`),
          current_task_id: null,
          update_time: now,
        });
        if (!accepted) return;
        await repo.setTaskState(r.task_id, 'failed', { error: r.message });
        await this.events.add(trx, EventTypes.documentParseFailed, doc.tenant_id, { dataset_id: doc.dataset_id, document_id: doc.id, task_id: r.task_id, error: r.message });
      }
    });
    void this.events.flush().catch(() => undefined);
    return { accepted, discard: false };
  }
}
