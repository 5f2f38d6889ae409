import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, headers as natsHeaders } from 'nats';
import { Headers, Subjects } from '@rag/contracts';
import { LocalBlobStore, STAGING_BUCKET, newStagingKey } from '@rag/blob-store';
import { documentIdFor } from '@rag/document-svc';
import { startStack, signUp, type Stack } from '../support/stack.js';
import { upload } from '../support/documents.js';
import { spawnService, type ServiceProcess } from '../support/processes.js';

type User = Awaited<ReturnType<typeof signUp>>;

/** Short enough for a test: staged files are swept 6 s after they were written. */
const STAGING = { UPLOAD_STAGING_MAX_AGE_MS: '6000', UPLOAD_STAGING_SWEEP_MS: '200' };

const files = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ name: `${tag}-${i}.txt`, data: `${tag} file ${i} `.repeat(1500) }));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

describe('upload ownership: document-svc owns document ids and files; a kill mid-upload leaves no row without its file and no orphan after the sweep', () => {
  let stack: Stack;
  let docSvc: ServiceProcess | undefined;
  let alice: User;
  let blobs: LocalBlobStore;
  const procs: ServiceProcess[] = [];

  const startDocSvc = async () => {
    docSvc = await spawnService('document-svc', { ...stack.env, ...STAGING });
    procs.push(docSvc);
  };
  /** Files stored for the dataset (by key) and still staged for it. */
  const stored = (datasetId: string) => {
    const dir = path.join(blobs.rootDir, datasetId);
    return existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')).sort() : [];
  };
  const staged = (datasetId: string) => {
    const dir = path.join(blobs.rootDir, STAGING_BUCKET, datasetId);
    return existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')) : [];
  };
  const listed = async (datasetId: string) => (await stack.http.get(`/api/v1/datasets/${datasetId}/documents?page_size=1000`, alice.bearer)).body.data.docs as { id: string; name: string }[];

  /** Every listed document downloads with the bytes it was uploaded with; every stored file has a row once swept. */
  async function assertConsistent(datasetId: string, sent: { name: string; data: string }[]) {
    const docs = await listed(datasetId);
    for (const d of docs) {
      const r = await fetch(`${stack.baseUrl}/api/v1/datasets/${datasetId}/documents/${d.id}`, { headers: { Authorization: alice.bearer } });
      assert.equal(r.headers.get('content-type'), 'application/octet-stream', `document ${d.name} has its file: ${r.status}`);
      assert.equal(await r.text(), sent.find((f) => f.name === d.name.replace(/\(\d+\)(?=\.txt$)/, ''))?.data, `${d.name} has its bytes`);
    }
    // After the sweep: no staged file left, and the dataset's files are exactly its documents'.
    await until('the sweep', () => (staged(datasetId).length === 0 && stored(datasetId).length === docs.length ? true : undefined));
    assert.deepEqual(stored(datasetId), docs.map((d) => d.id).sort(), 'no file without a document');
    return docs;
  }

  before(async () => {
    stack = await startStack({ workers: 0, withoutDocumentSvc: true, env: { NATS_REQUEST_TIMEOUT_MS: '4000' } });
    blobs = new LocalBlobStore(path.join(stack.env.DATA_DIR!, 'blobs'));
    await startDocSvc();
    alice = await signUp(stack.http);
  });
  after(async () => {
    for (const p of procs) await p.kill();
    await stack?.stop();
  });

  test('document ids are minted by document-svc and files sit at (dataset, document id); nothing stays staged', async () => {
    const ds = (await stack.http.post('/api/v1/datasets', { name: 'plain' }, alice.bearer)).body.data.id as string;
    const sent = files(3, 'plain');
    const r = await upload(stack.http, alice.bearer, ds, sent);
    assert.equal(r.body.code, 0, JSON.stringify(r.body));
    assert.deepEqual(stored(ds), r.body.data.map((d: { id: string }) => d.id).sort());
    assert.deepEqual(staged(ds), [], 'document-svc removed the staged files it consumed');
    await assertConsistent(ds, sent);
  });

  test('document-svc killed while it moves an upload\'s files: no row without its file, no orphan after the sweep, a retry works', async () => {
    const ds = (await stack.http.post('/api/v1/datasets', { name: 'killed' }, alice.bearer)).body.data.id as string;
    const sent = files(300, 'bulk');
    const pending = upload(stack.http, alice.bearer, ds, sent);
    // Kill it as soon as the first file reaches its document key (copies done one by one, before the commit).
    await until('the first moved file', () => (stored(ds).length > 0 ? true : undefined), 60_000, 2);
    await docSvc!.kill('SIGKILL');
    const copiedAtKill = stored(ds).length;
    const answer = await pending;
    assert.notEqual(answer.body.code, 0, 'the upload did not succeed');
    assert.ok(copiedAtKill > 0 && copiedAtKill < sent.length, `killed mid-move (${copiedAtKill} of ${sent.length} files copied)`);
    assert.ok(staged(ds).length > 0, 'the gateway left its staged files (the service may have committed)');
    await startDocSvc();
    assert.deepEqual(await listed(ds), [], 'nothing was committed');
    await assertConsistent(ds, sent);
    const retry = await upload(stack.http, alice.bearer, ds, sent.slice(0, 20));
    assert.equal(retry.body.code, 0, JSON.stringify(retry.body));
    const docs = await assertConsistent(ds, sent);
    assert.equal(docs.length, 20);
  });

  test('document-svc down when the gateway forwards: the staged files are swept, the retry works', async () => {
    const ds = (await stack.http.post('/api/v1/datasets', { name: 'down' }, alice.bearer)).body.data.id as string;
    // The upload check needs document-svc; kill it between the check and the forward by sending slowly.
    const sent = files(5, 'down');
    const form = new FormData();
    for (const f of sent) form.append('file', new Blob([f.data]), f.name);
    const encoded = new Response(form);
    const contentType = encoded.headers.get('content-type')!;
    const body = Buffer.from(await encoded.arrayBuffer());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let sentHead = false;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!sentHead) {
          sentHead = true;
          return controller.enqueue(new Uint8Array(body.subarray(0, 100)));
        }
        await gate;
        controller.enqueue(new Uint8Array(body.subarray(100)));
        controller.close();
      },
    });
    const pending = fetch(`${stack.baseUrl}/api/v1/datasets/${ds}/documents`, { method: 'POST', headers: { Authorization: alice.bearer, 'Content-Type': contentType }, body: stream, duplex: 'half' } as RequestInit);
    // The gateway checks the dataset with document-svc when the headers arrive, then waits for the parts.
    await new Promise((r) => setTimeout(r, 1000));
    await docSvc!.kill('SIGKILL');
    release();
    const answer = (await (await pending).json()) as { code: number };
    assert.notEqual(answer.code, 0);
    assert.equal(staged(ds).length, sent.length, `staged, never claimed: ${JSON.stringify(answer)}`);
    await startDocSvc();
    await assertConsistent(ds, sent);
    const retry = await upload(stack.http, alice.bearer, ds, sent);
    assert.equal(retry.body.code, 0, JSON.stringify(retry.body));
    assert.equal((await assertConsistent(ds, sent)).length, sent.length);
  });

  test('the sweeper removes a copy whose document was never committed (the state a kill between copy and commit leaves)', async () => {
    const ds = (await stack.http.post('/api/v1/datasets', { name: 'orphans' }, alice.bearer)).body.data.id as string;
    const key = newStagingKey(ds);
    await blobs.put(STAGING_BUCKET, key, Buffer.from('staged'));
    await blobs.put(ds, documentIdFor(key), Buffer.from('copied, never committed'));
    await until('the sweep', () => (staged(ds).length === 0 && stored(ds).length === 0 ? true : undefined));
    const kept = await upload(stack.http, alice.bearer, ds, [{ name: 'kept.txt', data: 'kept' }]);
    assert.equal(kept.body.code, 0);
    await new Promise((r) => setTimeout(r, 7000));
    assert.deepEqual(stored(ds), [kept.body.data[0].id], 'a committed document keeps its file through later sweeps');
  });

  test('a staged key of another dataset is not taken over', async () => {
    const mine = (await stack.http.post('/api/v1/datasets', { name: 'mine' }, alice.bearer)).body.data.id as string;
    const other = (await stack.http.post('/api/v1/datasets', { name: 'other' }, alice.bearer)).body.data.id as string;
    const key = newStagingKey(other);
    await blobs.put(STAGING_BUCKET, key, Buffer.from('not yours'));
    const r = await stack.http.post(`/api/v1/datasets/${mine}/documents`, {}, alice.bearer);
    assert.equal(r.body.code, 101, 'a JSON body is no upload');
    // What the gateway would send, naming a file staged for another dataset (any NATS client could).
    const nc = await connect({ servers: stack.env.NATS_URL });
    try {
      const h = natsHeaders();
      h.set(Headers.tenantId, alice.userId);
      h.set(Headers.userId, alice.userId);
      const reply = await nc.request(Subjects.document.upload, JSON.stringify({ body: { files: [{ staged_key: key, filename: 'x.txt', size: 9 }] }, params: { dataset_id: mine } }), { timeout: 5000, headers: h });
      const parsed = JSON.parse(new TextDecoder().decode(reply.data)) as { code: number; message: string };
      assert.deepEqual({ code: parsed.code, message: parsed.message }, { code: 500, message: 'x.txt: The uploaded file was not found; upload it again.' });
    } finally {
      await nc.close();
    }
    assert.deepEqual(stored(mine), []);
    assert.equal(staged(other).length, 1, "the other dataset's staged file is untouched");
  });
});
