import { AckPolicy, DeliverPolicy, nanos, type ConsumerMessages } from 'nats';
import { Streams, decodeEvent, type TypedEvent } from '@rag/contracts';
import type { Bus } from './bus.js';
import type { Logger } from './logger.js';

export interface EventConsumerOptions {
  /** Durable consumer name: one per service and purpose, shared by its replicas. */
  durable: string;
  /** One subject filter (nats-server 2.9 has no multi-filter consumers), e.g. `rag.v1.events.document.>`. */
  filter: string;
  /** Receives only events whose envelope and data match their contract. */
  handle(event: TypedEvent): Promise<void>;
  /** Wait before a failed event is offered again. */
  retryDelayMs?: number;
  /** Deliveries of one event before it is given up on (JetStream then announces it with an advisory). */
  maxDeliver?: number;
}

/**
 * A durable pull consumer on the EVENTS stream with explicit acks: each event is acked after its
 * handler succeeded, offered again after a failure. An event that does not match its contract
 * (not JSON, unknown type, wrong data) is terminated (`term`) and recorded, never handled. Handlers must be idempotent (events can come
 * twice); see `markEventProcessed` for a table-backed guard.
 */
export async function consumeEvents(bus: Bus, logger: Logger, opts: EventConsumerOptions): Promise<{ stop(): Promise<void> }> {
  const jsm = await bus.jsm();
  try {
    await jsm.consumers.info(Streams.events.name, opts.durable);
  } catch {
    await jsm.consumers.add(Streams.events.name, {
      durable_name: opts.durable,
      filter_subject: opts.filter,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      ack_wait: nanos(30_000),
      max_ack_pending: 256,
      max_deliver: opts.maxDeliver ?? 100,
    });
  }
  const consumer = await bus.js.consumers.get(Streams.events.name, opts.durable);
  let messages: ConsumerMessages | undefined;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        messages = await consumer.consume({ max_messages: 64 });
        for await (const m of messages) {
          const event = decodeEvent(m.data, m.subject);
          if (!event.ok) {
            // A malformed event will never succeed: end it now instead of redelivering it forever.
            bus.rejected(m.subject, event.problem, event.reason, { durable: opts.durable, stream_seq: m.seq });
            m.term(); // no reason text: nats-server before 2.11 does not understand `+TERM <reason>`
            continue;
          }
          try {
            await opts.handle(event.value);
            m.ack();
          } catch (err) {
            const attempt = m.info.redeliveryCount;
            const last = attempt >= (opts.maxDeliver ?? 100);
            logger[last ? 'error' : 'warn']({ err, subject: m.subject, durable: opts.durable, attempt }, last ? 'event handler failed for the last time; event dropped' : 'event handler failed; will retry');
            // Back off as failures repeat, up to a minute.
            m.nak(Math.min((opts.retryDelayMs ?? 2000) * attempt, 60_000));
          }
        }
      } catch (err) {
        if (stopped) break;
        logger.warn({ err, durable: opts.durable }, 'event consumer interrupted; resubscribing');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      messages?.stop();
      await loop;
    },
  };
}
