import type { Readable } from 'node:stream';

/**
 * Where documents' files live. RAGFlow stores a document's file under bucket = dataset id and
 * key = the document's location, so a bucket here is a dataset id (or another 32-hex id) and a key
 * is a relative, `/`-separated path that may contain unicode.
 *
 * Every implementation passes the one contract suite in `blob-store.contract.ts`.
 */
export interface BlobStore {
  /** Stores the object, replacing any previous one. With a stream, pass `size` when known. */
  put(bucket: string, key: string, data: Buffer | Readable, size?: number): Promise<void>;
  /** The whole object, or null when there is none. */
  get(bucket: string, key: string): Promise<Buffer | null>;
  /** The object as a stream, or null when there is none. */
  getStream(bucket: string, key: string): Promise<Readable | null>;
  stat(bucket: string, key: string): Promise<BlobStat | null>;
  /** Removes the object; a missing object is not an error. */
  delete(bucket: string, key: string): Promise<void>;
  /** Removes every object whose key starts with `prefix` (a string prefix, as in S3) and returns how many. */
  deletePrefix(bucket: string, prefix: string): Promise<number>;
  exists(bucket: string, key: string): Promise<boolean>;
  /**
   * Copies an object to another bucket/key (replacing any object there), atomically for readers of
   * the target. False, with nothing written, when the source does not exist.
   */
  copy(fromBucket: string, fromKey: string, toBucket: string, toKey: string): Promise<boolean>;
  /** The objects whose key starts with `prefix`, with size and last-modified time (ms), in key order. */
  list(bucket: string, prefix: string): Promise<BlobEntry[]>;
  /** True when the store can serve requests now. Never throws. */
  health(): Promise<boolean>;
}

export interface BlobStat {
  size: number;
}

export interface BlobEntry {
  key: string;
  size: number;
  /** Last modification, ms since the epoch. */
  modifiedAt: number;
}

/** A bucket, key or prefix that the store refuses, e.g. one that would escape its folder. */
export class InvalidBlobPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidBlobPathError';
  }
}

/** A stream put whose length differs from the `size` the caller declared. Nothing is stored. */
export class BlobSizeMismatchError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`blob size mismatch: declared ${expected} bytes, got ${actual > expected ? `at least ${actual}` : actual}`);
    this.name = 'BlobSizeMismatchError';
  }
}

/** S3's limit on a key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
/** A dataset id (32 hex) or any other lowercase id; the S3 store adds a prefix to make a bucket name. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function assertValidBucket(bucket: string): void {
  if (typeof bucket !== 'string' || !BUCKET_NAME.test(bucket)) {
    throw new InvalidBlobPathError(
      `invalid bucket ${JSON.stringify(bucket)}: use 1-63 lowercase letters, digits or '-', starting with a letter or digit (a dataset id)`,
    );
  }
}

/**
 * Keys are relative paths. Rejected: empty keys, absolute paths, `.` / `..` / empty segments (the
 * local store would resolve them outside the bucket or onto another key), control characters, and
 * keys over 1024 UTF-8 bytes. `\` counts as a separator for these checks, so `..\x` is refused too.
 */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new InvalidBlobPathError(`invalid blob key ${JSON.stringify(key)}: ${problem}`);
}

/** A prefix is `''` (the whole bucket), or a key, optionally ending in `/`. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  const problem = typeof prefix === 'string' ? keyProblem(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix) : 'not a string';
  if (problem) throw new InvalidBlobPathError(`invalid blob prefix ${JSON.stringify(prefix)}: ${problem}`);
}

function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string') return 'not a string';
  if (key === '') return 'empty';
  if (key.startsWith('/') || key.startsWith('\\') || /^[A-Za-z]:/.test(key)) return 'absolute paths are not allowed';
  if (CONTROL_CHARS.test(key)) return 'control characters are not allowed';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} bytes`;
  for (const segment of key.split(/[/\\]/)) {
    if (segment === '..') return "'..' segments are not allowed (path traversal)";
    if (segment === '.') return "'.' segments are not allowed";
    if (segment === '') return "empty segments ('//' or a trailing '/') are not allowed";
  }
  return undefined;
}

/**
 * Passes a stream's bytes through as Buffers, failing with BlobSizeMismatchError as soon as it is
 * longer than `expected`, or at its end when shorter. Without `expected` it only normalises chunks.
 */
export async function* checkedBytes(source: AsyncIterable<unknown>, expected?: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of source) {
    const buf = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    seen += buf.length;
    if (expected !== undefined && seen > expected) throw new BlobSizeMismatchError(expected, seen);
    yield buf;
  }
  if (expected !== undefined && seen !== expected) throw new BlobSizeMismatchError(expected, seen);
}

export function assertBufferSize(data: Buffer, size: number | undefined): void {
  if (size !== undefined && size !== data.length) throw new BlobSizeMismatchError(size, data.length);
}

export function assertValidSize(size: number | undefined): void {
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) {
    throw new RangeError(`blob size must be a non-negative integer, got ${size}`);
  }
}

export async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of checkedBytes(stream)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
