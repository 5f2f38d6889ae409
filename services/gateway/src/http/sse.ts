import { publishAnswerControl, relayAnswer, type AnswerControl } from '@rag/platform';
import { clientGone, closeWhenStalled, drained } from './reply.js';
import type { RouteContext } from './route.js';

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
} as const;

/** Tells the producers that a client left or came back; a bus already closing (shutdown) is not worth an error. */
function announce(ctx: RouteContext, kind: AnswerControl, streamId: string): void {
  try {
    publishAnswerControl(ctx.deps.bus, kind, streamId);
  } catch (err) {
    ctx.deps.logger.warn({ err, stream_id: streamId, request_id: ctx.requestId }, 'could not announce an answer stream change');
  }
}

/**
 * Relays one answer's deltas from JetStream to the client as Server-Sent Events, `id:` = the
 * stream sequence so that a reconnect with `Last-Event-ID` (to this or any gateway) resumes
 * exactly after the last event seen. Silence is filled with keep-alive comments. A client that
 * goes away before the end (or stops reading for RESPONSE_STALL_TIMEOUT_MS) is reported to the
 * producer, which cancels the model call unless the client re-attaches within its grace period.
 */
export async function relaySse(ctx: RouteContext, streamId: string, afterSeq?: number): Promise<void> {
  const { res, deps } = ctx;
  if (clientGone(res)) {
    // Gone while the completion was being started: nothing to relay to.
    announce(ctx, 'detach', streamId);
    return;
  }
  res.writeHead(200, SSE_HEADERS);
  res.flushHeaders();
  const gauge = deps.metrics.sseOpen;
  gauge.inc();
  const abort = new AbortController();
  let finished = false;
  let lastWrite = Date.now();
  const keepAlive = setInterval(() => {
    if (Date.now() - lastWrite >= deps.config.SSE_KEEPALIVE_MS && !clientGone(res)) {
      res.write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
  }, Math.max(250, Math.floor(deps.config.SSE_KEEPALIVE_MS / 2)));
  const stopStallGuard = closeWhenStalled(res, deps.config.RESPONSE_STALL_TIMEOUT_MS);
  const onClose = () => {
    if (finished) return;
    abort.abort();
    announce(ctx, 'detach', streamId);
  };
  res.on('close', onClose);
  if (afterSeq !== undefined) announce(ctx, 'attach', streamId);
  try {
    for await (const delta of relayAnswer(deps.bus, streamId, { ...(afterSeq !== undefined ? { afterSeq } : {}), signal: abort.signal })) {
      if (abort.signal.aborted) break;
      res.write(`id:${delta.seq}\ndata:${delta.payload}\n\n`);
      lastWrite = Date.now();
      if (delta.last) finished = true;
      if (!finished) await drained(res);
      if (abort.signal.aborted) break;
    }
  } finally {
    clearInterval(keepAlive);
    stopStallGuard();
    res.off('close', onClose);
    gauge.dec();
    if (!res.writableEnded && !clientGone(res)) res.end();
  }
}

/** `Last-Event-ID` as a stream sequence, when the client sent one (anything else starts a new answer). */
export function lastEventId(ctx: RouteContext): number | undefined {
  const raw = ctx.req.headers['last-event-id'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}
