import { Readable } from 'node:stream';
import { Client } from 'minio';
import {
  assertBufferSize,
  assertValidBucket,
  assertValidKey,
  assertValidPrefix,
  assertValidSize,
  checkedBytes,
  InvalidBlobPathError,
  readAll,
  type BlobEntry,
  type BlobStat,
  type BlobStore,
} from './blob-store.js';

export interface S3BlobStoreOptions {
  endPoint: string;
  /** Defaults to 443 with SSL, 80 without. */
  port?: number;
  /** Defaults to true. */
  useSSL?: boolean;
  accessKey: string;
  secretKey: string;
  /** Unset: the client asks the server for each bucket's region. */
  region?: string;
  /** Bucket name = bucketPrefix + bucket. Default `rag-`; `''` uses the bare dataset id, as RAGFlow does. */
  bucketPrefix?: string;
  /** Path-style URLs (`host/bucket/key`). Default true, which MinIO and s3rver need. */
  pathStyle?: boolean;
  /**
   * Objects larger than this go up as multipart uploads in parts of exactly this size (so at most
   * 10,000 × partSize per object); about this much is buffered per put. Default 64 MiB, 5 MiB – 5 GiB.
   */
  partSize?: number;
  /** Keys listed and removed per round trip in deletePrefix. Default (and S3's maximum) 1000. */
  deleteBatchSize?: number;
  /** health() answers false after this long. Default 3000 ms. */
  healthTimeoutMs?: number;
}

export const DEFAULT_BUCKET_PREFIX = 'rag-';
const DEFAULT_PART_SIZE = 64 * 1024 * 1024;
const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PART_SIZE = 5 * 1024 * 1024 * 1024;
/** S3's bucket naming rules, without dots (they break TLS with virtual-hosted URLs). */
const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const MISSING = new Set(['NoSuchKey', 'NoSuchBucket', 'NotFound']);

/**
 * Any S3-compatible server (AWS S3, MinIO, s3rver in tests) through the `minio` client.
 * Bucket `<id>` maps to the S3 bucket `<bucketPrefix><id>`, created on first put.
 */
export class S3BlobStore implements BlobStore {
  readonly bucketPrefix: string;
  readonly partSize: number;
  private readonly client: Client;
  private readonly region: string | undefined;
  private readonly deleteBatchSize: number;
  private readonly healthTimeoutMs: number;
  /** Buckets known to exist, so a put costs one request; concurrent first puts share one creation. */
  private readonly buckets = new Map<string, Promise<void>>();

  constructor(options: S3BlobStoreOptions) {
    this.bucketPrefix = options.bucketPrefix ?? DEFAULT_BUCKET_PREFIX;
    if (!/^([a-z0-9][a-z0-9-]*)?$/.test(this.bucketPrefix)) {
      throw new RangeError(`bucketPrefix must be lowercase letters, digits and '-', starting with a letter or digit; got ${JSON.stringify(this.bucketPrefix)}`);
    }
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    if (!Number.isSafeInteger(this.partSize) || this.partSize < MIN_PART_SIZE || this.partSize > MAX_PART_SIZE) {
      throw new RangeError(`partSize must be an integer of at least ${MIN_PART_SIZE} bytes and at most ${MAX_PART_SIZE} (S3's part limits), got ${this.partSize}`);
    }
    this.deleteBatchSize = options.deleteBatchSize ?? 1000;
    if (!Number.isSafeInteger(this.deleteBatchSize) || this.deleteBatchSize < 1 || this.deleteBatchSize > 1000) {
      throw new RangeError(`deleteBatchSize must be between 1 and 1000, got ${this.deleteBatchSize}`);
    }
    this.healthTimeoutMs = options.healthTimeoutMs ?? 3000;
    this.region = options.region;
    this.client = new Client({
      endPoint: options.endPoint,
      port: options.port,
      useSSL: options.useSSL ?? true,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
      pathStyle: options.pathStyle ?? true,
      partSize: this.partSize,
    });
  }

  /** The S3 bucket that holds `bucket` (a dataset id): `<bucketPrefix><bucket>`. */
  bucketName(bucket: string): string {
    assertValidBucket(bucket);
    const name = this.bucketPrefix + bucket;
    if (!S3_BUCKET_NAME.test(name)) {
      throw new InvalidBlobPathError(
        `invalid bucket ${JSON.stringify(bucket)}: it maps to the S3 bucket ${JSON.stringify(name)}, which is not a valid S3 name (3-63 characters, starting and ending with a letter or digit)`,
      );
    }
    return name;
  }

  async put(bucket: string, key: string, data: Buffer | Readable, size?: number): Promise<void> {
    const name = this.bucketName(bucket);
    assertValidKey(key);
    assertValidSize(size);
    if (Buffer.isBuffer(data)) assertBufferSize(data, size);
    try {
      await this.ensureBucket(name);
      if (Buffer.isBuffer(data)) {
        await this.putBuffer(name, key, data);
      } else if (size !== undefined) {
        await this.client.putObject(name, key, Readable.from(checkedBytes(data, size)), size);
      } else {
        await this.putUnknownLength(name, key, data);
      }
    } catch (err) {
      if (!Buffer.isBuffer(data)) data.destroy();
      if (errorCode(err) === 'NoSuchBucket') this.buckets.delete(name); // removed behind our back: recreate next time
      throw err;
    }
  }

  async get(bucket: string, key: string): Promise<Buffer | null> {
    const stream = await this.getStream(bucket, key);
    return stream ? readAll(stream) : null;
  }

  async getStream(bucket: string, key: string): Promise<Readable | null> {
    const name = this.bucketName(bucket);
    assertValidKey(key);
    try {
      return await this.client.getObject(name, key);
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async stat(bucket: string, key: string): Promise<BlobStat | null> {
    const name = this.bucketName(bucket);
    assertValidKey(key);
    try {
      const s = await this.client.statObject(name, key);
      return { size: s.size };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    return (await this.stat(bucket, key)) !== null;
  }

  /** A server-side CopyObject (S3 writes the target atomically); the source is checked first. */
  async copy(fromBucket: string, fromKey: string, toBucket: string, toKey: string): Promise<boolean> {
    const from = this.bucketName(fromBucket);
    const to = this.bucketName(toBucket);
    assertValidKey(fromKey);
    assertValidKey(toKey);
    if (!(await this.exists(fromBucket, fromKey))) return false;
    await this.ensureBucket(to);
    try {
      await this.client.copyObject(to, toKey, `/${from}/${fromKey}`);
    } catch (err) {
      if (isMissing(err) && !(await this.exists(fromBucket, fromKey))) return false; // removed meanwhile
      if (errorCode(err) === 'NoSuchBucket') this.buckets.delete(to);
      throw err;
    }
    return true;
  }

  async list(bucket: string, prefix: string): Promise<BlobEntry[]> {
    const name = this.bucketName(bucket);
    assertValidPrefix(prefix);
    const out: BlobEntry[] = [];
    let token = '';
    for (;;) {
      let page;
      try {
        page = await this.client.listObjectsV2Query(name, prefix, token, '', 1000, '');
      } catch (err) {
        if (isMissing(err)) return out;
        throw err;
      }
      for (const o of page.objects) {
        if (o.name !== undefined) out.push({ key: o.name, size: Number(o.size ?? 0), modifiedAt: o.lastModified ? new Date(o.lastModified).getTime() : 0 });
      }
      if (!page.isTruncated || !page.nextContinuationToken) return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      token = page.nextContinuationToken;
    }
  }

  async delete(bucket: string, key: string): Promise<void> {
    const name = this.bucketName(bucket);
    assertValidKey(key);
    try {
      await this.client.removeObject(name, key);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }

  /**
   * Lists a page of keys, removes them with one multi-object delete, and continues from the page's
   * continuation token (which S3 bases on the last key, so removing listed keys does not shift it).
   */
  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    const name = this.bucketName(bucket);
    assertValidPrefix(prefix);
    let removed = 0;
    let token = '';
    for (;;) {
      let page;
      try {
        page = await this.client.listObjectsV2Query(name, prefix, token, '', this.deleteBatchSize, '');
      } catch (err) {
        if (isMissing(err)) return removed;
        throw err;
      }
      const keys = page.objects.flatMap((o) => (o.name !== undefined ? [o.name] : []));
      if (keys.length > 0) {
        const failures = (await this.client.removeObjects(name, keys)).filter((r) => r?.Error);
        if (failures.length > 0) {
          const first = failures[0]?.Error;
          throw new Error(`deletePrefix ${name}/${prefix}: ${failures.length} of ${keys.length} objects not removed (first: ${first?.Key}: ${first?.Code} ${first?.Message})`);
        }
        removed += keys.length;
      }
      if (!page.isTruncated || !page.nextContinuationToken) return removed;
      token = page.nextContinuationToken;
    }
  }

  async health(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.healthTimeoutMs);
    });
    try {
      return await Promise.race([
        this.client.listBuckets().then(
          () => true,
          () => false,
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A Buffer can be sent again, so a bucket removed behind our back is recreated and the put retried. */
  private async putBuffer(name: string, key: string, data: Buffer): Promise<void> {
    try {
      await this.client.putObject(name, key, data, data.length);
    } catch (err) {
      if (errorCode(err) !== 'NoSuchBucket') throw err;
      this.buckets.delete(name);
      await this.ensureBucket(name);
      await this.client.putObject(name, key, data, data.length);
    }
  }

  /**
   * Reads up to partSize bytes: a stream that ends by then goes up in one PUT (which also works on
   * servers without multipart upload); a longer one goes up as a multipart upload of unknown length.
   */
  private async putUnknownLength(name: string, key: string, data: Readable): Promise<void> {
    const iterator = checkedBytes(data)[Symbol.asyncIterator]();
    const head: Buffer[] = [];
    let headBytes = 0;
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        await this.putBuffer(name, key, Buffer.concat(head));
        return;
      }
      head.push(next.value);
      headBytes += next.value.length;
      if (headBytes > this.partSize) break;
    }
    const rest = async function* (): AsyncGenerator<Buffer> {
      yield* head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    };
    await this.client.putObject(name, key, Readable.from(rest()));
  }

  private ensureBucket(name: string): Promise<void> {
    let ready = this.buckets.get(name);
    if (!ready) {
      ready = this.createBucketIfMissing(name);
      this.buckets.set(name, ready);
      ready.catch(() => this.buckets.delete(name));
    }
    return ready;
  }

  private async createBucketIfMissing(name: string): Promise<void> {
    if (await this.client.bucketExists(name)) return;
    try {
      await this.client.makeBucket(name, this.region ?? '');
    } catch (err) {
      // Another process may have created it between our check and our request.
      if (!(await this.client.bucketExists(name))) throw err;
    }
  }
}

function errorCode(err: unknown): string | undefined {
  return (err as { code?: unknown } | undefined)?.code as string | undefined;
}

function isMissing(err: unknown): boolean {
  const c = errorCode(err);
  return c !== undefined && MISSING.has(c);
}
