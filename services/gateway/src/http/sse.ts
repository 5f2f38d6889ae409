import { publishAnswerControl, relayAnswer } from '@rag/platform';
import type { RouteContext } from './route.js';

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
} as const;

/**
 * Relays one answer's deltas from JetStream to the client as Server-Sent Events, `id:` = the
 * stream sequence so that a reconnect with `Last-Event-ID` (to this or any gateway) resumes
 * exactly after the last event seen. Silence is filled with keep-alive comments. A client that
 * goes away before the end is reported to the producer, which cancels the model call unless the
 * client re-attaches within its grace period.
 */
export async function relaySse(ctx: RouteContext, streamId: string, afterSeq?: number): Promise<void> {
  const { req, res, deps } = ctx;
  res.writeHead(200, SSE_HEADERS);
  res.flushHeaders();
  const gauge = deps.metrics.sseOpen;
  gauge.inc();
  const abort = new AbortController();
  let finished = false;
  let lastWrite = Date.now();
  const keepAlive = setInterval(() => {
    if (Date.now() - lastWrite >= deps.config.SSE_KEEPALIVE_MS) {
      res.write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
  }, Math.max(250, Math.floor(deps.config.SSE_KEEPALIVE_MS / 2)));
  const onClose = () => {
    if (finished) return;
    abort.abort();
    publishAnswerControl(deps.bus, 'detach', streamId);
  };
  res.on('close', onClose);
  if (afterSeq !== undefined) publishAnswerControl(deps.bus, 'attach', streamId);
  try {
    for await (const delta of relayAnswer(deps.bus, streamId, { ...(afterSeq !== undefined ? { afterSeq } : {}), signal: abort.signal })) {
      const ok = res.write(`id:${delta.seq}\ndata:${delta.payload}\n\n`);
      lastWrite = Date.now();
      if (delta.last) finished = true;
      if (!ok && !finished) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
      if (abort.signal.aborted) break;
    }
  } finally {
    clearInterval(keepAlive);
    res.off('close', onClose);
    gauge.dec();
    if (!res.writableEnded) res.end();
  }
}

/** `Last-Event-ID` as a stream sequence, when the client sent one. */
export function lastEventId(ctx: RouteContext): number | undefined {
  const raw = ctx.req.headers['last-event-id'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
