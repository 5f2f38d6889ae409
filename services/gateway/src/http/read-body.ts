import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';

/** An HTTP-level refusal (the body could not be read); app.ts maps `status` to the contract's envelope. */
export class HttpStatusError extends Error {
  readonly expose = true;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

function inflaterFor(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | 'identity' | undefined {
  if (encoding === 'identity' || encoding === '') return 'identity';
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.createGunzip();
  if (encoding === 'deflate') return zlib.createInflate();
  if (encoding === 'br') return zlib.createBrotliDecompress();
  return undefined;
}

/**
 * A refused body is not read any further: the answer says `Connection: close`, the rest of what the
 * client sends is discarded, and the socket is cut shortly after the answer left, so a client that
 * keeps sending (slowly, or a gigabyte) holds nothing.
 */
function closeAfterAnswer(req: Request, res: Response): void {
  const socket = req.socket;
  if (!res.headersSent) res.setHeader('Connection', 'close');
  req.resume();
  res.once('finish', () => setTimeout(() => socket?.destroy(), 2000).unref());
}

/**
 * Reads a request body into `req.body` (a Buffer), bounded in size and time: over `limit` bytes
 * (declared or received, after decompression) is a 413, a body still arriving after `timeoutMs` is
 * a 408, an unknown Content-Encoding a 415, a broken one a 400. Multipart uploads are skipped
 * (`skip`): they are streamed by their own route. Hand-written rather than express.raw because
 * body-parser has no read timeout and reads an oversized body to its end before answering.
 */
export function readBody(opts: { limit: number; timeoutMs: number; skip(req: Request): boolean }) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (opts.skip(req) || !hasBody(req)) return next();
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.limit) {
      closeAfterAnswer(req, res);
      return next(new HttpStatusError(413, 'request entity too large'));
    }
    const inflater = inflaterFor(String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase());
    if (!inflater) {
      closeAfterAnswer(req, res);
      return next(new HttpStatusError(415, 'unsupported content encoding'));
    }
    const source: Readable = inflater === 'identity' ? req : req.pipe(inflater);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err?: HttpStatusError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      source.off('data', onData).off('end', onEnd).off('error', onError);
      req.off('error', onError).off('close', onClose);
      // Later errors (a client that goes away while the refusal is written) must not go unheard.
      req.on('error', () => undefined);
      if (inflater !== 'identity') {
        req.unpipe(inflater);
        inflater.on('error', () => undefined).destroy();
      }
      if (err) {
        closeAfterAnswer(req, res);
        return next(err);
      }
      req.body = Buffer.concat(chunks, size);
      next();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > opts.limit) return finish(new HttpStatusError(413, 'request entity too large'));
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = () => finish(new HttpStatusError(400, 'the request body could not be read'));
    // The client went away before the body ended: nobody is left to answer, the error handler sees a closed socket.
    const onClose = () => {
      if (!req.complete) finish(new HttpStatusError(400, 'request aborted'));
    };
    const timer = setTimeout(() => finish(new HttpStatusError(408, 'request body timeout')), opts.timeoutMs);
    source.on('data', onData).on('end', onEnd).on('error', onError);
    req.on('error', onError).on('close', onClose);
  };
}
