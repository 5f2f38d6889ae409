import type { CallerContext, Dataset, EventType, ParseTaskMessage } from '@rag/contracts';
import type { Knex } from '@rag/platform';
import type { ChatModel, EmbeddingModel, Reranker } from '@rag/models';

/**
 * What the document domain needs from the outside, as narrow ports. The wiring in index.ts binds
 * them to the bus (dataset-svc, account-svc), the BlobStore, the ChunkIndex and the task queue.
 */
export interface DatasetPort {
  /** Datasets the caller may read (own, or team datasets of its tenants). */
  accessible(ctx: CallerContext, ids: string[]): Promise<Dataset[]>;
}

export interface BlobPort {
  get(bucket: string, key: string): Promise<Buffer | null>;
  delete(bucket: string, key: string): Promise<void>;
  deletePrefix(bucket: string, prefix: string): Promise<number>;
  stat(bucket: string, key: string): Promise<{ size: number } | null>;
  /** False when the source is missing. */
  copy(fromBucket: string, fromKey: string, toBucket: string, toKey: string): Promise<boolean>;
  list(bucket: string, prefix: string): Promise<{ key: string; size: number; modifiedAt: number }[]>;
}

export interface EventPort {
  add(trx: Knex | Knex.Transaction, type: EventType, tenantId: string, data: unknown): Promise<void>;
  flush(): Promise<void>;
}

export interface TaskQueuePort {
  enqueue(task: ParseTaskMessage): Promise<void>;
  cancel(taskId: string, documentId: string): Promise<void>;
}

/** Chunk-side effects of document changes (index deletes, availability, task cancel). */
export interface ChunkCleaner {
  deleteDocumentChunks(tenantId: string, datasetId: string, documentId: string): Promise<void>;
  setAvailability(tenantId: string, datasetId: string, documentId: string, available: boolean): Promise<void>;
  cancelTask(doc: { id: string; current_task_id: string | null }): Promise<void>;
}

/** Models bound to a tenant's configured providers (keys come from account-svc). */
export interface ModelPort {
  embedder(tenantId: string, ref: string): Promise<EmbeddingModel>;
  chat(tenantId: string, ref: string): Promise<ChatModel>;
  reranker(tenantId: string, ref: string): Promise<Reranker>;
  /** The tenant's default chat model reference. */
  defaultChat(tenantId: string): Promise<string>;
}
