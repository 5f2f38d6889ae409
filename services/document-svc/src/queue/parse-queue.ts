import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, nanos } from 'nats';
import { Streams, Subjects, type ParseTaskMessage } from '@rag/contracts';
import { encodeJson, type Bus } from '@rag/platform';
import type { TaskQueuePort } from '../domain/ports.js';

/**
 * Redelivery policy of parse tasks. No consumer `backoff` list: with one, the server uses its first
 * value as the ack wait, handing a busy task to a second worker. Failed attempts are delayed by the
 * worker's own nak delays instead; a silent (crashed) worker's task comes back after the ack wait.
 */
export const PARSE_MAX_DELIVER = 4;
export const PARSE_ACK_WAIT_MS = 60_000;

/**
 * The parse-task work queue: a JetStream work-queue stream with one durable pull consumer shared
 * by every parse-worker replica. Publishing de-duplicates on the task id (Nats-Msg-Id).
 */
export async function ensureParseQueue(bus: Bus, ackWaitMs = PARSE_ACK_WAIT_MS): Promise<void> {
  await bus.ensureStream({
    name: Streams.parseTasks.name,
    subjects: [...Streams.parseTasks.subjects],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: nanos(10 * 60 * 1000),
  });
  const jsm = await bus.jsm();
  const config = {
    durable_name: Streams.parseTasks.consumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(ackWaitMs),
    max_deliver: PARSE_MAX_DELIVER,
    max_ack_pending: 1000,
  };
  try {
    await jsm.consumers.info(Streams.parseTasks.name, Streams.parseTasks.consumer);
    await jsm.consumers.update(Streams.parseTasks.name, Streams.parseTasks.consumer, { ack_wait: config.ack_wait, max_deliver: config.max_deliver, backoff: [], max_ack_pending: config.max_ack_pending });
  } catch (err) {
    if (!/consumer not found/i.test(String(err)) && (err as { code?: string }).code !== '404') throw err;
    await jsm.consumers.add(Streams.parseTasks.name, config);
  }
}

export class JetStreamParseQueue implements TaskQueuePort {
  constructor(private readonly bus: Bus) {}

  async enqueue(task: ParseTaskMessage): Promise<void> {
    await this.bus.js.publish(Subjects.parse.task, encodeJson(task), { msgID: task.task_id });
  }

  async cancel(taskId: string, documentId: string): Promise<void> {
    this.bus.nc.publish(Subjects.parse.cancel, encodeJson({ task_id: taskId, document_id: documentId }));
  }
}
