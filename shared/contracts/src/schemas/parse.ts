/**
 * Messages of the parse pipeline, shared by document-svc (which queues tasks and records reports)
 * and parse-worker (which runs them).
 */

/** A parse task on the `rag.v1.parse.task` work queue; `task_id` is also its Nats-Msg-Id. */
export interface ParseTaskMessage {
  task_id: string;
  tenant_id: string;
  dataset_id: string;
  document_id: string;
  name: string;
  /** Where the file is: BlobStore bucket and key. */
  bucket: string;
  key: string;
  chunk_method: string;
  parser_config: Record<string, unknown>;
  /** The dataset's embedding model reference (`name@factory`). */
  embedding_model: string;
  language: string;
  pagerank: number;
}

/** A worker's report about a task (`rag.v1.document.task_progress`). */
export type TaskReport =
  | { kind: 'progress'; task_id: string; document_id: string; progress: number; message?: string }
  | { kind: 'done'; task_id: string; document_id: string; chunk_count: number; token_count: number; message?: string }
  | { kind: 'failed'; task_id: string; document_id: string; message: string };

export interface TaskReportAnswer {
  /** False when the document no longer runs this task (cancelled, re-queued or deleted). */
  accepted: boolean;
  /** The task's document was cancelled or deleted: the chunks the task wrote must go. */
  discard: boolean;
}

/** Core-NATS broadcast on `rag.v1.parse.cancel`. */
export interface ParseCancelMessage {
  task_id: string;
  document_id: string;
}
