/**
 * Messages of the parse pipeline, shared by document-svc (which queues tasks and records reports)
 * and parse-worker (which runs them). Each is a TypeBox schema (checked on receipt) and its type.
 */
import { Type, type Static } from '@sinclair/typebox';

const Id = Type.String({ minLength: 1 });

/** A parse task on the `rag.v1.parse.task` work queue; `task_id` is also its Nats-Msg-Id. */
export const ParseTaskMessage = Type.Object({
  task_id: Id,
  tenant_id: Id,
  dataset_id: Id,
  document_id: Id,
  name: Type.String(),
  /** Where the file is: BlobStore bucket and key. */
  bucket: Id,
  key: Id,
  chunk_method: Type.String(),
  parser_config: Type.Record(Type.String(), Type.Unknown()),
  /** The dataset's embedding model reference (`name@factory`). */
  embedding_model: Type.String(),
  language: Type.String(),
  pagerank: Type.Number(),
});
export type ParseTaskMessage = Static<typeof ParseTaskMessage>;

/** A worker's report about a task (`rag.v1.document.task_progress`). */
export const TaskReport = Type.Union([
  Type.Object({ kind: Type.Literal('progress'), task_id: Id, document_id: Id, progress: Type.Number(), message: Type.Optional(Type.String()) }),
  Type.Object({ kind: Type.Literal('done'), task_id: Id, document_id: Id, chunk_count: Type.Integer({ minimum: 0 }), token_count: Type.Integer({ minimum: 0 }), message: Type.Optional(Type.String()) }),
  Type.Object({ kind: Type.Literal('failed'), task_id: Id, document_id: Id, message: Type.String() }),
]);
export type TaskReport = Static<typeof TaskReport>;

export const TaskReportAnswer = Type.Object({
  /** False when the document no longer runs this task (cancelled, re-queued or deleted). */
  accepted: Type.Boolean(),
  /** The task's document was cancelled or deleted: the chunks the task wrote must go. */
  discard: Type.Boolean(),
});
export type TaskReportAnswer = Static<typeof TaskReportAnswer>;

/** Core-NATS broadcast on `rag.v1.parse.cancel`. */
export const ParseCancelMessage = Type.Object({ task_id: Id, document_id: Id });
export type ParseCancelMessage = Static<typeof ParseCancelMessage>;

/** The part of JetStream's max-deliveries advisory that document-svc reads. */
export const MaxDeliveriesAdvisory = Type.Object({ stream_seq: Type.Integer({ minimum: 1 }) });
export type MaxDeliveriesAdvisory = Static<typeof MaxDeliveriesAdvisory>;
