import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { BlobSizeMismatchError, InvalidBlobPathError, readAll, type BlobStore } from './blob-store.js';

export interface ContractSubject {
  store: BlobStore;
  close(): Promise<void>;
  /**
   * Set when the server behind the store cannot give the guarantee (a test server), with the reason;
   * the test is then reported as skipped with that reason rather than silently weakened.
   */
  serverLimits?: { nonAtomicOverwrites?: string; mangledListingKeys?: string };
}

/** A fresh dataset-id-like bucket, so tests never see each other's objects. */
export const newBucket = (): string => randomBytes(16).toString('hex');

/** Yields `data` in chunks of `chunk` bytes, as an upload would arrive. */
export function chunked(data: Buffer, chunk = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
    })(),
  );
}

const BINARY = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(4096)]);
const UNICODE_KEY = 'docs/报告 2024/Résumé – ünïcødé 📄.pdf';
const TRAVERSAL_KEYS = ['../x', 'a/../../x', '..', '/etc/passwd', 'a/./b', 'a//b', 'a/', '', '..\\x', 'a\\..\\..\\x', 'C:\\x', 'a\u0000b'];

/**
 * The behaviour every BlobStore must have. Each implementation's test file calls this once with a
 * way to open a store (and close it, with whatever server it needs, at the end).
 */
export function blobStoreContract(label: string, open: () => Promise<ContractSubject>): void {
  describe(`BlobStore contract: ${label}`, () => {
    let subject: ContractSubject | undefined;
    let store: BlobStore;
    before(async () => {
      subject = await open();
      store = subject.store;
    });
    after(async () => {
      await subject?.close();
    });

    test('binary round trip, stat and exists', async () => {
      const b = newBucket();
      await store.put(b, 'docs/a.bin', BINARY);
      assert.deepEqual(await store.get(b, 'docs/a.bin'), BINARY);
      assert.deepEqual(await store.stat(b, 'docs/a.bin'), { size: BINARY.length });
      assert.equal(await store.exists(b, 'docs/a.bin'), true);
    });

    test('an empty object is stored and read back as 0 bytes, not as missing', async () => {
      const b = newBucket();
      await store.put(b, 'empty', Buffer.alloc(0));
      await store.put(b, 'empty-stream', Readable.from([]));
      for (const key of ['empty', 'empty-stream']) {
        assert.deepEqual(await store.get(b, key), Buffer.alloc(0));
        assert.deepEqual(await store.stat(b, key), { size: 0 });
        assert.equal(await store.exists(b, key), true);
        const stream = await store.getStream(b, key);
        assert.ok(stream);
        assert.equal((await readAll(stream)).length, 0);
      }
    });

    test('unicode and punctuation in keys round-trip', async () => {
      const b = newBucket();
      const keys = [UNICODE_KEY, 'a b+c%20(1)&=.txt', "it's #1 ~ [x].md"];
      for (const [i, key] of keys.entries()) await store.put(b, key, Buffer.from(`content ${i}`));
      for (const [i, key] of keys.entries()) {
        assert.equal((await store.get(b, key))?.toString(), `content ${i}`);
        assert.deepEqual(await store.stat(b, key), { size: Buffer.byteLength(`content ${i}`) });
      }
      assert.equal(await store.deletePrefix(b, 'docs/报告 2024/'), 1);
      assert.equal(await store.get(b, UNICODE_KEY), null);
    });

    test('a 5 MB object round-trips from a Buffer and from a stream of known size', async () => {
      const b = newBucket();
      const big = randomBytes(5_000_000);
      await store.put(b, 'big/buffer', big);
      await store.put(b, 'big/stream', chunked(big), big.length);
      for (const key of ['big/buffer', 'big/stream']) {
        assert.deepEqual(await store.stat(b, key), { size: big.length });
        const got = await store.get(b, key);
        assert.ok(got && got.equals(big), `${key} differs`);
        const stream = await store.getStream(b, key);
        assert.ok(stream);
        assert.ok((await readAll(stream)).equals(big), `${key} streamed differs`);
      }
    });

    test('a stream of unknown length is stored whole', async () => {
      const b = newBucket();
      const data = randomBytes(300_000);
      await store.put(b, 'unsized', chunked(data, 10_000));
      assert.ok((await store.get(b, 'unsized'))?.equals(data));
    });

    test('a stream that differs from its declared size is refused and the old object stays', async () => {
      const b = newBucket();
      await store.put(b, 'k', Buffer.from('old'));
      await assert.rejects(store.put(b, 'k', chunked(randomBytes(1000), 100), 2000), BlobSizeMismatchError);
      await assert.rejects(store.put(b, 'k', chunked(randomBytes(1000), 100), 500), BlobSizeMismatchError);
      await assert.rejects(store.put(b, 'k', Buffer.from('four'), 3), BlobSizeMismatchError);
      assert.equal((await store.get(b, 'k'))?.toString(), 'old');
      await assert.rejects(store.put(b, 'never', chunked(randomBytes(10)), 20), BlobSizeMismatchError);
      assert.equal(await store.exists(b, 'never'), false);
    });

    test('missing objects and buckets read as null, never as an error', async () => {
      const b = newBucket();
      await store.put(b, 'present/x', Buffer.from('x'));
      for (const [bucket, key] of [
        [b, 'absent'],
        [b, 'present'], // a "folder" of other keys is not an object
        [b, 'present/x/y'],
        [newBucket(), 'anything'],
      ] as const) {
        assert.equal(await store.get(bucket, key), null, `get ${key}`);
        assert.equal(await store.getStream(bucket, key), null, `getStream ${key}`);
        assert.equal(await store.stat(bucket, key), null, `stat ${key}`);
        assert.equal(await store.exists(bucket, key), false, `exists ${key}`);
      }
    });

    test('put overwrites, also with a shorter object', async () => {
      const b = newBucket();
      await store.put(b, 'k', Buffer.from('a longer first version'));
      await store.put(b, 'k', Buffer.from('v2'));
      assert.equal((await store.get(b, 'k'))?.toString(), 'v2');
      assert.deepEqual(await store.stat(b, 'k'), { size: 2 });
    });

    test('delete removes the object and is idempotent', async () => {
      const b = newBucket();
      await store.put(b, 'a/b/c', Buffer.from('x'));
      await store.put(b, 'a/keep', Buffer.from('y'));
      await store.delete(b, 'a/b/c');
      assert.equal(await store.get(b, 'a/b/c'), null);
      await store.delete(b, 'a/b/c');
      await store.delete(b, 'never-was');
      await store.delete(newBucket(), 'no-bucket');
      assert.equal((await store.get(b, 'a/keep'))?.toString(), 'y');
    });

    test('deletePrefix removes what starts with the prefix, counts it, and leaves the rest', async () => {
      const b = newBucket();
      const keys = ['a/1', 'a/2', 'a/b/3', 'ab', 'b/1', 'docs/report.pdf', 'docs/re/x', 'docs/summary'];
      for (const key of keys) await store.put(b, key, Buffer.from(key));
      assert.equal(await store.deletePrefix(b, 'a/'), 3);
      for (const key of ['a/1', 'a/2', 'a/b/3']) assert.equal(await store.exists(b, key), false, key);
      for (const key of ['ab', 'b/1']) assert.equal(await store.exists(b, key), true, key);
      // A string prefix, as in S3: not limited to whole path segments.
      assert.equal(await store.deletePrefix(b, 'docs/re'), 2);
      assert.equal(await store.exists(b, 'docs/summary'), true);
      assert.equal(await store.deletePrefix(b, 'nothing-here/'), 0);
      assert.equal(await store.deletePrefix(b, ''), 3);
      assert.equal(await store.deletePrefix(b, ''), 0);
      assert.equal(await store.deletePrefix(newBucket(), ''), 0);
      // The bucket is usable again afterwards.
      await store.put(b, 'a/1', Buffer.from('again'));
      assert.equal((await store.get(b, 'a/1'))?.toString(), 'again');
    });

    test("deletePrefix removes keys with punctuation (' + % & space)", async (t) => {
      const reason = subject?.serverLimits?.mangledListingKeys;
      if (reason) return t.skip(reason);
      const b = newBucket();
      const keys = ["p/John's report.pdf", 'p/a+b', 'p/100%', 'p/a%20b', 'p/x & y', 'p/<tag>', 'p/"quoted"'];
      for (const key of keys) await store.put(b, key, Buffer.from(key));
      assert.equal(await store.deletePrefix(b, 'p/'), keys.length);
      for (const key of keys) assert.equal(await store.exists(b, key), false, key);
    });

    test('deletePrefix handles more objects than one listing batch', async () => {
      const b = newBucket();
      await Promise.all(Array.from({ length: 25 }, (_, i) => store.put(b, `many/${String(i).padStart(2, '0')}`, Buffer.from([i]))));
      await store.put(b, 'other', Buffer.from('o'));
      assert.equal(await store.deletePrefix(b, 'many/'), 25);
      assert.equal(await store.exists(b, 'other'), true);
    });

    test('getStream streams the content', async () => {
      const b = newBucket();
      const data = randomBytes(200_000);
      await store.put(b, 's', data);
      const stream = await store.getStream(b, 's');
      assert.ok(stream instanceof Readable);
      let chunks = 0;
      const parts: Buffer[] = [];
      for await (const chunk of stream) {
        chunks++;
        parts.push(chunk as Buffer);
      }
      assert.ok(Buffer.concat(parts).equals(data));
      assert.ok(chunks >= 1);
    });

    test('keys, prefixes and buckets that could escape are refused with a clear error', async () => {
      const b = newBucket();
      const isPathError = (err: unknown) => err instanceof InvalidBlobPathError && /^invalid blob key /.test(err.message);
      for (const key of TRAVERSAL_KEYS) {
        await assert.rejects(store.put(b, key, Buffer.from('x')), isPathError, `put ${JSON.stringify(key)}`);
        await assert.rejects(store.get(b, key), isPathError, `get ${JSON.stringify(key)}`);
        await assert.rejects(store.getStream(b, key), isPathError);
        await assert.rejects(store.stat(b, key), isPathError);
        await assert.rejects(store.exists(b, key), isPathError);
        await assert.rejects(store.delete(b, key), isPathError);
      }
      await assert.rejects(store.put(b, '../../etc/x', Buffer.from('x')), /'\.\.' segments are not allowed \(path traversal\)/);
      await assert.rejects(store.put(b, '/etc/x', Buffer.from('x')), /absolute paths are not allowed/);
      for (const prefix of ['../', '/', 'a/../', '..']) {
        await assert.rejects(store.deletePrefix(b, prefix), InvalidBlobPathError, `deletePrefix ${JSON.stringify(prefix)}`);
      }
      for (const bucket of ['..', '../x', 'a/b', '', 'UPPER', '.hidden']) {
        await assert.rejects(store.put(bucket, 'k', Buffer.from('x')), /invalid bucket/, `bucket ${JSON.stringify(bucket)}`);
        await assert.rejects(store.get(bucket, 'k'), /invalid bucket/);
        await assert.rejects(store.deletePrefix(bucket, ''), /invalid bucket/);
      }
    });

    test('concurrent puts to one key all succeed, and the key is usable afterwards', async () => {
      const b = newBucket();
      const writes = Array.from({ length: 8 }, (_, i) => Buffer.alloc(64 * 1024 + i, i + 1));
      await Promise.all(writes.map((data) => store.put(b, 'contended', data)));
      assert.ok(await store.exists(b, 'contended'));
      await store.put(b, 'contended', Buffer.from('settled'));
      assert.equal((await store.get(b, 'contended'))?.toString(), 'settled');
    });

    test('concurrent puts to one key leave one whole write, and readers never see a torn object', async (t) => {
      const reason = subject?.serverLimits?.nonAtomicOverwrites;
      if (reason) return t.skip(reason);
      const b = newBucket();
      const writes = Array.from({ length: 8 }, (_, i) => Buffer.alloc(512 * 1024 + i * 1000, i + 1));
      let writing = true;
      const seen: (Buffer | null)[] = [];
      const reader = (async () => {
        while (writing) seen.push(await store.get(b, 'contended'));
      })();
      await Promise.all(writes.map((data, i) => store.put(b, 'contended', i % 2 ? chunked(data) : data, i % 2 ? data.length : undefined)));
      writing = false;
      await reader;
      const final = await store.get(b, 'contended');
      assert.ok(final && writes.some((w) => w.equals(final)), 'final content is not one of the writes');
      assert.deepEqual(await store.stat(b, 'contended'), { size: final.length });
      for (const read of seen) assert.ok(read === null || writes.some((w) => w.equals(read)), `a reader saw a torn object of ${read?.length} bytes`);
    });

    test('copy writes the object under another bucket and key and leaves the source', async () => {
      const from = newBucket();
      const to = newBucket();
      await store.put(from, 'staging/a', BINARY);
      assert.equal(await store.copy(from, 'staging/a', to, 'doc-1'), true);
      assert.deepEqual(await store.get(to, 'doc-1'), BINARY);
      assert.deepEqual(await store.get(from, 'staging/a'), BINARY, 'the source stays');
      await store.put(from, 'staging/b', Buffer.from('short'));
      assert.equal(await store.copy(from, 'staging/b', to, 'doc-1'), true, 'a copy replaces the target');
      assert.equal((await store.get(to, 'doc-1'))?.toString(), 'short');
      await store.put(from, UNICODE_KEY, Buffer.from('unicode'));
      assert.equal(await store.copy(from, UNICODE_KEY, from, 'copies/x'), true, 'within one bucket, from a unicode key');
      assert.equal((await store.get(from, 'copies/x'))?.toString(), 'unicode');
    });

    test('copy of a missing source answers false and writes nothing', async () => {
      const from = newBucket();
      const to = newBucket();
      assert.equal(await store.copy(from, 'nope', to, 'doc'), false, 'missing bucket');
      await store.put(from, 'other', Buffer.from('x'));
      assert.equal(await store.copy(from, 'nope', to, 'doc'), false, 'missing key');
      assert.equal(await store.exists(to, 'doc'), false);
      assert.deepEqual(await store.list(to, ''), []);
      await assert.rejects(store.copy(from, '../x', to, 'doc'), InvalidBlobPathError);
      await assert.rejects(store.copy(from, 'other', to, '../doc'), InvalidBlobPathError);
    });

    test('list gives the keys under a prefix with size and modification time, in key order', async () => {
      const b = newBucket();
      const before = Date.now() - 2000;
      for (const key of ['s/d1/b', 's/d1/a', 's/d2/c', 't/x']) await store.put(b, key, Buffer.from(key));
      const all = await store.list(b, 's/');
      assert.deepEqual(all.map((e) => e.key), ['s/d1/a', 's/d1/b', 's/d2/c']);
      for (const e of all) {
        assert.equal(e.size, Buffer.byteLength(e.key));
        assert.ok(e.modifiedAt >= before && e.modifiedAt <= Date.now() + 2000, `modifiedAt ${e.modifiedAt} is about now`);
      }
      assert.deepEqual((await store.list(b, 's/d1')).map((e) => e.key), ['s/d1/a', 's/d1/b'], 'a string prefix, as in S3');
      assert.deepEqual((await store.list(b, '')).length, 4);
      assert.deepEqual(await store.list(newBucket(), ''), [], 'a missing bucket lists nothing');
      await store.delete(b, 's/d1/a');
      assert.deepEqual((await store.list(b, 's/')).map((e) => e.key), ['s/d1/b', 's/d2/c']);
    });

    test('health is true when the store is usable', async () => {
      assert.equal(await store.health(), true);
    });
  });
}
