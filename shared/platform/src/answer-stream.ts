import { DeliverPolicy, RetentionPolicy, StorageType, headers as natsHeaders, nanos, type JsMsg, type PubAck } from 'nats';
import { AnswerControlMessage, Headers, Streams, Subjects, answerSubject, decodeMessage } from '@rag/contracts';
import { encodeJson, type Bus } from './bus.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** How long answer deltas stay resumable. */
export const ANSWER_RETENTION_MS = 15 * 60 * 1000;

/** The ANSWERS stream: every answer's deltas on `rag.v1.stream.<id>`, kept for resumes, then dropped. */
export async function ensureAnswerStream(bus: Bus): Promise<void> {
  await bus.ensureStream({
    name: Streams.answers.name,
    subjects: [...Streams.answers.subjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(ANSWER_RETENTION_MS),
    duplicate_window: nanos(60_000),
  });
}

/**
 * The producer side of one answer: ordered deltas published to its subject. Publishes are
 * pipelined (a bounded window of unacknowledged ones) and stay in order on one connection.
 */
export class AnswerWriter {
  private readonly pending: Promise<PubAck | void>[] = [];
  private seq = 0;
  private ended = false;
  private failure: unknown;

  constructor(
    private readonly bus: Bus,
    readonly streamId: string,
    private readonly tenantId: string,
    private readonly window = 64,
  ) {}

  async write(payload: string): Promise<void> {
    await this.publish(payload, false);
  }

  /** The last message of the answer; relays stop after relaying it. */
  async end(payload: string): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.publish(payload, true);
    await Promise.all(this.pending.splice(0));
    if (this.failure) throw this.failure;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private async publish(payload: string, last: boolean): Promise<void> {
    const h = natsHeaders();
    h.set(Headers.tenantId, this.tenantId);
    if (last) h.set(Headers.answerEnd, '1');
    this.seq++;
    if (this.failure) throw this.failure;
    // A failed publish is kept and rethrown by the next call, never left as an unhandled rejection.
    const ack = this.bus.js.publish(answerSubject(this.streamId), encoder.encode(payload), { headers: h, msgID: `${this.streamId}:${this.seq}` }).catch((err: unknown) => {
      this.failure ??= err;
    });
    this.pending.push(ack);
    if (this.pending.length >= this.window) await Promise.all(this.pending.splice(0, this.pending.length - this.window / 2));
    if (this.failure) throw this.failure;
  }
}

export interface RelayedDelta {
  /** The JetStream sequence: the SSE `id:` a client resumes from. */
  seq: number;
  payload: string;
  last: boolean;
}

/**
 * Where a resume starts: the answer a stream sequence belongs to, if the caller's tenant owns it,
 * and whether that sequence was already its last message (then there is nothing left to relay).
 */
export async function locateAnswer(bus: Bus, seq: number, tenantIds: string[]): Promise<{ streamId: string; ended: boolean } | null> {
  try {
    const jsm = await bus.jsm();
    const m = await jsm.streams.getMessage(Streams.answers.name, { seq });
    const owner = m.header?.get(Headers.tenantId);
    if (!owner || !tenantIds.includes(owner)) return null;
    const prefix = answerSubject('');
    if (!m.subject.startsWith(prefix)) return null;
    return { streamId: m.subject.slice(prefix.length), ended: m.header?.get(Headers.answerEnd) === '1' };
  } catch {
    return null;
  }
}

/**
 * The relay side: an ordered consumer over one answer's subject, from the beginning or from just
 * after `afterSeq` (a resume), yielding deltas until the last one. Any gateway process can relay
 * any answer: the deltas live in JetStream, not in the producer.
 */
export async function* relayAnswer(bus: Bus, streamId: string, opts: { afterSeq?: number; signal?: AbortSignal } = {}): AsyncGenerator<RelayedDelta> {
  const consumer = await bus.js.consumers.get(Streams.answers.name, {
    filterSubjects: answerSubject(streamId),
    // Always a start sequence: nats.js keeps opt_start_seq in the config, which the server refuses beside DeliverPolicy.All.
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: (opts.afterSeq ?? 0) + 1,
  });
  // Short pulls: a pull that went astray shows as missed idle heartbeats (expires / 2) and the
  // ordered consumer re-creates itself from the last sequence seen, so a stall lasts seconds, not
  // the default 30 s (seen once among 200 concurrent streams).
  const messages = await consumer.consume({ max_messages: 256, expires: 5000 });
  const stop = () => messages.stop();
  opts.signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const m of messages as AsyncIterable<JsMsg>) {
      const last = m.headers?.get(Headers.answerEnd) === '1';
      yield { seq: m.seq, payload: decoder.decode(m.data), last };
      if (last) break;
    }
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    messages.stop();
  }
}

export type AnswerControl = 'detach' | 'attach';

/** Tells every producer that a client left (`detach`) or came back to (`attach`) an answer stream. */
export function publishAnswerControl(bus: Bus, kind: AnswerControl, streamId: string): void {
  bus.nc.publish(Subjects.answer[kind], encodeJson({ stream_id: streamId } satisfies AnswerControlMessage));
}

/**
 * The producer side of answer control: `onControl` gets each detach/attach whose message matches
 * its contract. A malformed one (anyone on the NATS account can publish) is recorded and dropped;
 * a throwing callback is logged. Neither can break the connection's message loop.
 */
export function subscribeAnswerControl(bus: Bus, onControl: (kind: AnswerControl, streamId: string) => void): { unsubscribe(): void } {
  const subs = (['detach', 'attach'] as const).map((kind) =>
    bus.nc.subscribe(Subjects.answer[kind], {
      callback: (err, msg) => {
        if (err) return;
        const control = decodeMessage(AnswerControlMessage, msg.data);
        if (!control.ok) return bus.rejected(msg.subject, control.problem, control.reason);
        try {
          onControl(kind, control.value.stream_id);
        } catch (e) {
          bus.logger.error({ err: e, subject: msg.subject }, 'answer control callback failed');
        }
      },
    }),
  );
  return { unsubscribe: () => subs.forEach((s) => s.unsubscribe()) };
}
