import { Streams, maxDeliveriesAdvisory, type ParseTaskMessage } from '@rag/contracts';
import { decodeJson, type Bus, type Logger } from '@rag/platform';
import type { ParseService } from '../domain/parse.service.js';
import { PARSE_MAX_DELIVER } from './parse-queue.js';

/**
 * A task whose worker died on every attempt (a crash, an OOM kill) never reports a failure itself.
 * JetStream announces it with a max-deliveries advisory; we mark its document FAIL with a message
 * that says why, and remove the task from the queue.
 */
export async function watchExhaustedTasks(bus: Bus, logger: Logger, parsing: ParseService): Promise<{ stop(): Promise<void> }> {
  const subject = maxDeliveriesAdvisory(Streams.parseTasks.name, Streams.parseTasks.consumer);
  const sub = bus.nc.subscribe(subject, {
    queue: 'document-svc',
    callback: (err, msg) => {
      if (err) return;
      void (async () => {
        const { stream_seq } = decodeJson<{ stream_seq: number }>(msg.data);
        const jsm = await bus.jsm();
        const stored = await jsm.streams.getMessage(Streams.parseTasks.name, { seq: stream_seq });
        const task = decodeJson<ParseTaskMessage>(stored.data);
        await parsing.report({
          kind: 'failed',
          task_id: task.task_id,
          document_id: task.document_id,
          message: `Parsing stopped after ${PARSE_MAX_DELIVER} attempts: the worker did not finish the task (it crashed or was killed each time).`,
        });
        await jsm.streams.deleteMessage(Streams.parseTasks.name, stream_seq);
      })().catch((e) => logger.warn({ err: e }, 'could not settle an exhausted parse task'));
    },
  });
  return { stop: async () => sub.unsubscribe() };
}
