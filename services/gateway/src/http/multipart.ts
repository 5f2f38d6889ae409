import { Transform } from 'node:stream';
import type { Request } from 'express';
import busboy from 'busboy';
import { RagError } from '@rag/contracts';
import type { BlobStore } from '@rag/blob-store';
import { uuid1 } from '@rag/platform';

export interface StoredPart {
  id: string;
  filename: string;
  size: number;
}

/**
 * Streams every `file` part of a multipart upload straight into the BlobStore (bucket = dataset
 * id, key = a new document id), never buffering whole files. Returns the stored parts and the text
 * fields. On any refusal the parts already stored are removed again.
 */
export async function storeUploadParts(req: Request, blobs: BlobStore, bucket: string, maxFileBytes: number): Promise<{ files: StoredPart[]; fields: Record<string, string> }> {
  const files: StoredPart[] = [];
  const fields: Record<string, string> = {};
  const writes: Promise<void>[] = [];
  let refusal: RagError | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const bb = busboy({ headers: req.headers, limits: { fileSize: maxFileBytes }, defParamCharset: 'utf8' });
      bb.on('field', (name, value) => (fields[name] = value));
      bb.on('file', (name, stream, info) => {
        const filename = info.filename ?? '';
        if (name !== 'file' || refusal) return void stream.resume();
        if (!filename) {
          refusal ??= new RagError('NO_FILE_SELECTED');
          return void stream.resume();
        }
        if (Buffer.byteLength(filename, 'utf8') > 255) {
          refusal ??= new RagError('FILE_NAME_TOO_LONG');
          return void stream.resume();
        }
        const part: StoredPart = { id: uuid1(), filename, size: 0 };
        files.push(part);
        stream.on('limit', () => (refusal ??= new RagError('FILE_TOO_LARGE', { filename, limit: maxFileBytes })));
        // Count the bytes on their way to the store (a 'data' listener would drain the stream first).
        const counted = new Transform({
          transform(chunk: Buffer, _enc, done) {
            part.size += chunk.length;
            done(null, chunk);
          },
        });
        stream.on('error', (err) => counted.destroy(err));
        writes.push(blobs.put(bucket, part.id, stream.pipe(counted)));
      });
      bb.on('error', reject);
      bb.on('close', resolve);
      req.pipe(bb);
    });
    await Promise.all(writes);
  } catch (err) {
    await Promise.allSettled(writes);
    await Promise.allSettled(files.map((f) => blobs.delete(bucket, f.id)));
    throw err;
  }
  if (refusal) {
    await Promise.allSettled(files.map((f) => blobs.delete(bucket, f.id)));
    throw refusal;
  }
  return { files, fields };
}
