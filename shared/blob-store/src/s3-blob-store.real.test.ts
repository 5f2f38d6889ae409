import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client } from 'minio';
import { resolveBlobStoreLocation } from './blob-store.config.js';
import { blobStoreContract, chunked, newBucket } from './blob-store.contract.js';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

/**
 * The same contract, plus multipart uploads (which s3rver lacks), against a real S3 or MinIO named by
 * BLOB_STORE_TEST_S3_URL (same format as BLOB_STORE_URL). Buckets are created under a throwaway
 * prefix and removed at the end. Skipped when the variable is unset.
 */
const url = process.env.BLOB_STORE_TEST_S3_URL;
const MiB = 1024 * 1024;

function realOptions(): S3BlobStoreOptions {
  const location = resolveBlobStoreLocation({ BLOB_STORE_URL: url, DATA_DIR: '.' });
  if (location.kind !== 's3') throw new Error('BLOB_STORE_TEST_S3_URL must be an s3:// URL');
  return { ...location.options, bucketPrefix: `ragtest-${randomBytes(3).toString('hex')}-`, partSize: 5 * MiB };
}

/** Empties and removes every bucket this run created. */
async function removeBuckets(options: S3BlobStoreOptions): Promise<void> {
  const client = new Client({ ...options, pathStyle: options.pathStyle ?? true, useSSL: options.useSSL ?? true });
  for (const { name } of await client.listBuckets()) {
    if (!name.startsWith(options.bucketPrefix!)) continue;
    const keys: string[] = [];
    for await (const item of client.listObjectsV2(name, '', true)) if (item.name) keys.push(item.name);
    if (keys.length) await client.removeObjects(name, keys);
    await client.removeBucket(name);
  }
}

if (!url) {
  test('BlobStore contract and multipart uploads against real S3/MinIO', { skip: 'set BLOB_STORE_TEST_S3_URL=s3://ACCESS:SECRET@host:port?ssl=false to run' }, () => {});
} else {
  blobStoreContract('S3BlobStore against BLOB_STORE_TEST_S3_URL', async () => {
    const options = realOptions();
    return { store: new S3BlobStore({ ...options, deleteBatchSize: 10 }), close: () => removeBuckets(options) };
  });

  describe('S3BlobStore multipart uploads against BLOB_STORE_TEST_S3_URL (partSize 5 MiB)', () => {
    const options = realOptions();
    const store = new S3BlobStore(options);
    const big = randomBytes(12 * MiB + 12345);
    let b: string;
    before(() => {
      b = newBucket();
    });
    after(() => removeBuckets(options));

    for (const [label, data, size] of [
      ['a Buffer', () => big, undefined],
      ['a stream of known size', () => chunked(big), big.length],
      ['a stream of unknown size', () => chunked(big), undefined],
    ] as const) {
      test(`${label} larger than partSize round-trips`, async () => {
        const key = `multipart/${label}`;
        await store.put(b, key, data(), size);
        assert.deepEqual(await store.stat(b, key), { size: big.length });
        assert.ok((await store.get(b, key))?.equals(big));
      });
    }

    test('a stream longer than its declared size is refused and leaves no object', async () => {
      await assert.rejects(store.put(b, 'multipart/short', chunked(big), 6 * MiB));
      assert.equal(await store.exists(b, 'multipart/short'), false);
    });
  });
}
