import type { Response } from 'express';
import { jsonEnvelope, resultEnvelope, type BusReply, type EnvelopeKind } from '@rag/contracts';

/**
 * Maps a service reply to the route's envelope. R (`/api/v1`): data only on success, extras
 * (e.g. `total_datasets`) at the top level; an error that carries `data` is J-shaped. J (web): three keys on success; on error, `data`
 * only when the service set one (RAGFlow's get_data_error_result has none).
 */
export function sendReply(res: Response, kind: EnvelopeKind, reply: BusReply): void {
  // Code 100 is an exception upstream: always the J shape with data null (§1.1).
  if (reply.code === 100) {
    res.json(jsonEnvelope(100, reply.message, reply.data ?? null));
    return;
  }
  if (kind === 'R') {
    // A few /api/v1 errors are J-shaped upstream (get_json_result): the service marks them by setting data.
    if (reply.code !== 0 && Object.hasOwn(reply, 'data')) res.json(jsonEnvelope(reply.code, reply.message, reply.data));
    else res.json(resultEnvelope(reply.code, reply.message, reply.data, reply.extra));
    return;
  }
  if (reply.code === 0) {
    res.json({ ...jsonEnvelope(0, reply.message ?? 'success', reply.data ?? null), ...(reply.extra ?? {}) });
    return;
  }
  res.json(reply.data === undefined ? { code: reply.code, message: reply.message ?? 'Error' } : jsonEnvelope(reply.code, reply.message, reply.data));
}

/** Whether the client of a response is gone (its connection closed or the response destroyed). */
export function clientGone(res: Response): boolean {
  return res.destroyed || res.socket === null || res.socket.destroyed;
}

/**
 * Cuts a streamed response (SSE, a download) whose client has read nothing for `ms`: while the
 * socket's buffer stays full and no 'drain' comes, the gateway would otherwise hold the stream, its
 * consumer and its memory forever. Returns the function that stops watching.
 */
export function closeWhenStalled(res: Response, ms: number): () => void {
  let progress = Date.now();
  const onDrain = () => (progress = Date.now());
  res.on('drain', onDrain);
  const timer = setInterval(() => {
    if (!res.writableNeedDrain) progress = Date.now();
    else if (Date.now() - progress >= ms) res.destroy();
  }, Math.max(50, Math.min(1000, Math.floor(ms / 4))));
  timer.unref();
  return () => {
    clearInterval(timer);
    res.off('drain', onDrain);
  };
}

/** Resolves once the response can take more data, or its client is gone. */
export function drained(res: Response): Promise<void> {
  if (clientGone(res) || !res.writableNeedDrain) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.once('drain', done).once('close', done);
  });
}
