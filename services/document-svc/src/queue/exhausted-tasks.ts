import { MaxDeliveriesAdvisory, ParseTaskMessage, Streams, decodeMessage, maxDeliveriesAdvisory } from '@rag/contracts';
import type { Bus, Logger } from '@rag/platform';
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
        const advisory = decodeMessage(MaxDeliveriesAdvisory, msg.data);
        if (!advisory.ok) return bus.rejected(msg.subject, advisory.problem, advisory.reason);
        const { stream_seq } = advisory.value;
        const jsm = await bus.jsm();
        const stored = await jsm.streams.getMessage(Streams.parseTasks.name, { seq: stream_seq });
        const decoded = decodeMessage(ParseTaskMessage, stored.data);
        // A malformed task was terminated by the worker and never reaches here; if one did, only drop it.
        if (!decoded.ok) return void (await jsm.streams.deleteMessage(Streams.parseTasks.name, stream_seq));
        const task = decoded.value;
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
