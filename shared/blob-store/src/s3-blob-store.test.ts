import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client } from 'minio';
import { blobStoreContract, chunked, newBucket } from './blob-store.contract.js';
import { InvalidBlobPathError, readAll } from './blob-store.js';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';
import { startS3rver, type S3rverProcess } from './s3rver.fixture.js';

const MiB = 1024 * 1024;

function options(server: S3rverProcess, extra: Partial<S3BlobStoreOptions> = {}): S3BlobStoreOptions {
  const { endPoint, port, accessKey, secretKey } = server;
  return { endPoint, port, accessKey, secretKey, useSSL: false, pathStyle: true, region: 'us-east-1', ...extra };
}

// The smallest part size S3 allows, so the 5 MB contract object is one PUT just under it, and small
// listing batches, so deletePrefix's 25-object test takes several list + delete rounds.
blobStoreContract('S3BlobStore against s3rver', async () => {
  const server = await startS3rver();
  return {
    store: new S3BlobStore(options(server, { partSize: 5 * MiB, deleteBatchSize: 10 })),
    close: () => server.stop(),
    serverLimits: {
      nonAtomicOverwrites: 's3rver writes an object in place (truncate, then write as the body arrives), so concurrent PUTs interleave there; S3 and MinIO replace objects atomically',
      mangledListingKeys:
        "s3rver ignores encoding-type=url in listings and XML-escapes ' as &#x27;, so the client reads back keys with ' + % wrongly; S3 and MinIO URL-encode them",
    },
  };
});

describe('S3BlobStore specifics, against s3rver', () => {
  let server: S3rverProcess;
  let raw: Client;
  before(async () => {
    server = await startS3rver();
    raw = new Client(options(server));
  });
  after(() => server.stop());

  test('a bucket is created on the first put, named <prefix><dataset id>', async () => {
    const id = newBucket();
    const store = new S3BlobStore(options(server));
    assert.equal(store.bucketName(id), `rag-${id}`);
    assert.equal(await raw.bucketExists(`rag-${id}`), false);
    await Promise.all(Array.from({ length: 5 }, (_, i) => store.put(id, `k${i}`, Buffer.from('x'))));
    assert.equal(await raw.bucketExists(`rag-${id}`), true);
    assert.equal((await readAll(await raw.getObject(`rag-${id}`, 'k3'))).toString(), 'x');
    // Reads never create buckets.
    const other = newBucket();
    assert.equal(await store.get(other, 'k'), null);
    assert.equal(await raw.bucketExists(`rag-${other}`), false);
  });

  test('prefix "" stores under the bare dataset id, and a mapping to an invalid S3 name is refused clearly', async () => {
    const id = newBucket();
    const bare = new S3BlobStore(options(server, { bucketPrefix: '' }));
    await bare.put(id, 'k', Buffer.from('bare'));
    assert.equal(await raw.bucketExists(id), true);
    await assert.rejects(bare.put('ab', 'k', Buffer.from('x')), (err: Error) => err instanceof InvalidBlobPathError && /maps to the S3 bucket "ab", which is not a valid S3 name/.test(err.message));
    const tenant = new S3BlobStore(options(server, { bucketPrefix: 'tenant-7-' }));
    assert.equal(tenant.bucketName(id), `tenant-7-${id}`);
    assert.throws(() => new S3BlobStore(options(server, { bucketPrefix: 'Bad_' })), /bucketPrefix must be/);
    assert.throws(() => new S3BlobStore(options(server, { partSize: MiB })), /partSize must be an integer of at least 5242880 bytes/);
  });

  test('a bucket removed behind the store is recreated on the next put', async () => {
    const id = newBucket();
    const store = new S3BlobStore(options(server));
    await store.put(id, 'k', Buffer.from('1'));
    await store.delete(id, 'k');
    await raw.removeBucket(`rag-${id}`);
    await store.put(id, 'k', Buffer.from('2'));
    assert.equal((await store.get(id, 'k'))?.toString(), '2');
    await raw.removeObject(`rag-${id}`, 'k');
    await raw.removeBucket(`rag-${id}`);
    await store.put(id, 'unsized', chunked(Buffer.from('3')));
    assert.equal((await store.get(id, 'unsized'))?.toString(), '3');
  });

  test('deletePrefix with a batch of one still removes everything under the prefix', async () => {
    const id = newBucket();
    const store = new S3BlobStore(options(server, { deleteBatchSize: 1 }));
    for (const key of ['p/1', 'p/2', 'p/3', 'q']) await store.put(id, key, Buffer.from(key));
    assert.equal(await store.deletePrefix(id, 'p/'), 3);
    assert.deepEqual(await Promise.all(['p/1', 'p/2', 'p/3', 'q'].map((k) => store.exists(id, k))), [false, false, false, true]);
  });

  test('health is false, quickly, when nothing listens', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address() as net.AddressInfo;
        srv.close(() => resolve(p));
      });
    });
    const started = Date.now();
    const down = new S3BlobStore({ ...options(server), port, healthTimeoutMs: 2000 });
    assert.equal(await down.health(), false);
    assert.ok(Date.now() - started < 2500);
  });

  // s3rver checks the access key but not V4 signatures, so a wrong secret key is not caught here.
  test('health is false when the access key is unknown', async () => {
    assert.equal(await new S3BlobStore(options(server, { accessKey: 'UNKNOWN' })).health(), false);
  });
});
