import { Transform, type Readable } from 'node:stream';
import type { Request } from 'express';
import busboy from 'busboy';
import { RagError } from '@rag/contracts';
import { STAGING_BUCKET, newStagingKey, type BlobStore } from '@rag/blob-store';

/** A file part staged for document-svc, which mints the document id and moves the file to it. */
export interface StoredPart {
  staged_key: string;
  filename: string;
  size: number;
}

/** What one multipart request may carry (config keys UPLOAD_MAX_*). */
export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxParts: number;
  maxTotalBytes: number;
}

/** The form fields the upload reads are short; a longer one is refused rather than buffered. */
const MAX_FIELD_BYTES = 64 * 1024;

/**
 * Streams every `file` part of a multipart upload straight into the BlobStore's staging bucket
 * (key = `<dataset id>/<new uuid>`, see shared/blob-store staging.ts), never buffering whole files.
 * Returns the staged parts and the text fields. The gateway owns only these staging keys.
 *
 * Every stream and promise here has its error handled: a body that ends early, is garbled, breaks
 * a limit or is cut by the client ends in a RagError for the route to answer in the contract's
 * envelope (never an unhandled rejection), and the parts already stored are removed again.
 */
export async function storeUploadParts(req: Request, blobs: BlobStore, datasetId: string, limits: UploadLimits): Promise<{ files: StoredPart[]; fields: Record<string, string> }> {
  const files: StoredPart[] = [];
  const fields: Record<string, string> = {};
  // Each write settles to its own error (or undefined): no promise here can reject unobserved.
  const writes: Promise<unknown>[] = [];
  const open = new Set<Readable>();
  let refusal: RagError | undefined;
  let failure: unknown;

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, parts: limits.maxParts, fieldSize: MAX_FIELD_BYTES },
      defParamCharset: 'utf8',
    });
  } catch (err) {
    // No usable boundary: nothing was read yet; let the rest of the body drain.
    req.resume();
    throw new RagError('MULTIPART_MALFORMED', { reason: reasonOf(err) });
  }
  const bb = parser;

  const finished = new Promise<void>((resolve) => {
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      req.off('data', countTotal);
      resolve();
    };
    /** Stops reading at once: the request is refused or broken, whatever else it holds. */
    const abort = (err: unknown) => {
      failure ??= err;
      req.unpipe(bb);
      for (const s of open) s.destroy(err instanceof Error ? err : new Error(String(err)));
      // Drain the rest (unstored) so the client reads the answer instead of a reset; the server's
      // requestTimeout bounds a body that never ends.
      req.resume();
      settle();
    };
    let total = 0;
    const countTotal = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limits.maxTotalBytes) abort(new RagError('UPLOAD_LIMIT', { limit: limits.maxTotalBytes, what: 'bytes' }));
    };
    req.on('data', countTotal);
    req.on('error', abort);
    req.on('close', () => {
      if (!req.complete) abort(new RagError('MULTIPART_MALFORMED', { reason: 'the request ended before its body' }));
    });

    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) refusal ??= new RagError('UPLOAD_LIMIT', { limit: MAX_FIELD_BYTES, what: 'bytes in a form field' });
      fields[name] = value;
    });
    bb.on('filesLimit', () => abort(new RagError('UPLOAD_LIMIT', { limit: limits.maxFiles, what: 'files' })));
    bb.on('partsLimit', () => abort(new RagError('UPLOAD_LIMIT', { limit: limits.maxParts, what: 'parts' })));
    bb.on('file', (name, stream, info) => {
      stream.on('error', () => undefined); // busboy destroys it with the form's own error, handled below
      const filename = info.filename ?? '';
      if (name !== 'file' || refusal || failure) return void stream.resume();
      if (!filename) {
        refusal ??= new RagError('NO_FILE_SELECTED');
        return void stream.resume();
      }
      if (Buffer.byteLength(filename, 'utf8') > 255) {
        refusal ??= new RagError('FILE_NAME_TOO_LONG');
        return void stream.resume();
      }
      const part: StoredPart = { staged_key: newStagingKey(datasetId), filename, size: 0 };
      files.push(part);
      stream.on('limit', () => (refusal ??= new RagError('FILE_TOO_LARGE', { filename, limit: limits.maxFileBytes })));
      // Count the bytes on their way to the store (a 'data' listener would drain the stream first).
      const counted = new Transform({
        transform(chunk: Buffer, _enc, done) {
          part.size += chunk.length;
          done(null, chunk);
        },
      });
      // The store reads `counted` only once it has opened its target, so it may error before anyone
      // listens; the store still sees the error when it reads (a destroyed stream throws on iteration).
      counted.on('error', () => undefined);
      open.add(stream);
      stream.on('error', (err) => counted.destroy(err));
      stream.on('close', () => open.delete(stream));
      writes.push(
        blobs.put(STAGING_BUCKET, part.staged_key, stream.pipe(counted)).then(
          () => undefined,
          (err: unknown) => {
            failure ??= err;
            // The store gave up on this part: stop reading the rest of the body too.
            abort(err);
          },
        ),
      );
    });
    bb.on('error', (err) => abort(new RagError('MULTIPART_MALFORMED', { reason: reasonOf(err) })));
    bb.on('close', settle);
    req.pipe(bb);
  });

  await finished;
  await Promise.all(writes);
  const problem = failure ?? refusal;
  if (problem) {
    await Promise.allSettled(files.map((f) => blobs.delete(STAGING_BUCKET, f.staged_key)));
    // A RagError is the request's fault; anything else is the store's, answered as a server error.
    throw problem;
  }
  return { files, fields };
}

function reasonOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^Multipart: /, '');
}
