import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { blobStoreContract, chunked, newBucket } from './blob-store.contract.js';
import { InvalidBlobPathError } from './blob-store.js';
import { LocalBlobStore } from './local-blob-store.js';

blobStoreContract('LocalBlobStore', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rag-blobs-'));
  return { store: new LocalBlobStore(dir), close: () => rm(dir, { recursive: true, force: true }) };
});

/** Every file and folder under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map((p) => p.split(path.sep).join('/')).sort();
}

describe('LocalBlobStore on disk', () => {
  let root: string;
  let store: LocalBlobStore;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'rag-blobs-'));
    store = new LocalBlobStore(root);
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('lays objects out as <root>/<bucket>/<key> and leaves no temp files', async () => {
    const b = newBucket();
    await store.put(b, 'a/b.txt', Buffer.from('x'));
    await store.put(b, 'a/b.txt', chunked(Buffer.from('xyz')), 3);
    assert.deepEqual(await tree(path.join(root, b)), ['a', 'a/b.txt']);
  });

  test('a failed stream put leaves neither a temp file nor a changed object', async () => {
    const b = newBucket();
    await store.put(b, 'k', Buffer.from('old'));
    const failing = Readable.from(
      (async function* () {
        yield Buffer.alloc(100_000, 1);
        throw new Error('client went away');
      })(),
    );
    await assert.rejects(store.put(b, 'k', failing), /client went away/);
    assert.deepEqual(await tree(path.join(root, b)), ['k']);
    assert.equal((await store.get(b, 'k'))?.toString(), 'old');
  });

  test('deletePrefix and delete remove the folders they empty, including the bucket folder', async () => {
    const b = newBucket();
    for (const key of ['x/y/z/1', 'x/y/2', 'x/keep/3', 'top']) await store.put(b, key, Buffer.from(key));
    assert.equal(await store.deletePrefix(b, 'x/y/'), 2);
    assert.deepEqual(await tree(path.join(root, b)), ['top', 'x', 'x/keep', 'x/keep/3']);
    await store.delete(b, 'x/keep/3');
    assert.deepEqual(await tree(path.join(root, b)), ['top']);
    assert.equal(await store.deletePrefix(b, ''), 1);
    await assert.rejects(stat(path.join(root, b)), { code: 'ENOENT' });
  });

  test('deletePrefix clears stale temp files of a crashed writer but not fresh ones', async () => {
    const b = newBucket();
    await store.put(b, 'd/k', Buffer.from('k'));
    const stale = path.join(root, b, 'd', '.blob-tmp-0000000000000000');
    const fresh = path.join(root, b, 'd', '.blob-tmp-1111111111111111');
    await writeFile(stale, 'partial');
    await writeFile(fresh, 'in flight');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    assert.equal(await store.deletePrefix(b, 'd/'), 1, 'temp files are not objects');
    assert.deepEqual(await tree(path.join(root, b)), ['d', 'd/.blob-tmp-1111111111111111']);
  });

  test('refuses keys reserved for temp files, and a key that is also a folder', async () => {
    const b = newBucket();
    await assert.rejects(store.put(b, 'a/.blob-tmp-x', Buffer.from('x')), /reserved by the local store/);
    await store.put(b, 'file', Buffer.from('x'));
    await assert.rejects(store.put(b, 'file/child', Buffer.from('x')), (err: Error) => err instanceof InvalidBlobPathError && /cannot also be a folder/.test(err.message));
    await store.put(b, 'folder/child', Buffer.from('x'));
    await assert.rejects(store.put(b, 'folder', Buffer.from('x')), /cannot also be a folder/);
    assert.deepEqual(await tree(path.join(root, b)), ['file', 'folder', 'folder/child']);
  });

  test('refuses a key segment longer than a file name can be', async () => {
    await assert.rejects(store.put(newBucket(), `${'é'.repeat(128)}.pdf`, Buffer.from('x')), /at most 255 bytes/);
  });

  test('puts succeed while deletePrefix keeps pruning the folders they write into', async () => {
    const b = newBucket();
    let running = true;
    const pruner = (async () => {
      while (running) await store.deletePrefix(b, 'x/');
    })();
    try {
      for (let i = 0; i < 200; i++) await store.put(b, `x/y/z/${i % 3}`, Buffer.from(String(i)));
    } finally {
      running = false;
      await pruner;
    }
  });

  test('a read that started before an overwrite finishes with the old content', async () => {
    const b = newBucket();
    const v1 = Buffer.alloc(1_000_000, 1);
    await store.put(b, 'k', v1);
    const stream = await store.getStream(b, 'k');
    assert.ok(stream);
    await store.put(b, 'k', Buffer.alloc(10, 2));
    const parts: Buffer[] = [];
    for await (const chunk of stream) parts.push(chunk as Buffer);
    assert.ok(Buffer.concat(parts).equals(v1));
  });

  test('health is false when the root cannot be a folder', async () => {
    const file = path.join(root, 'not-a-folder');
    await writeFile(file, 'x');
    assert.equal(await new LocalBlobStore(path.join(file, 'blobs')).health(), false);
  });
});
