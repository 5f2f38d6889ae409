import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, signUp, type Stack } from '../support/stack.js';
import { readSample, sampleFiles, upload, waitForParsing } from '../support/documents.js';
import { readSse } from '../support/sse.js';
import { startModelServer, type ModelServer } from '../support/model-server.js';
import { spawnService, type ServiceProcess } from '../support/processes.js';

type User = Awaited<ReturnType<typeof signUp>>;

describe('failover: processes killed mid-work', () => {
  let stack: Stack;
  let models: ModelServer;
  let alice: User;
  const procs: ServiceProcess[] = [];

  before(async () => {
    models = await startModelServer();
    // No in-process parse-worker: the workers of this suite are real processes we can kill.
    stack = await startStack({ workers: 0, env: { STREAM_DETACH_GRACE_MS: '5000' } });
    alice = await signUp(stack.http);
  });
  after(async () => {
    for (const p of procs) await p.kill();
    await stack?.stop();
    await models?.stop();
  });

  test('a parse-worker killed mid-task: another finishes the document, without duplicate chunks', async () => {
    const ds = (await stack.http.post('/api/v1/datasets', { name: 'big' }, alice.bearer)).body.data;
    const file = sampleFiles().find((f) => f.name === 'handbook-872p.docx')!;
    const up = await upload(stack.http, alice.bearer, ds.id, [{ name: file.name, data: readSample(file.path) }]);
    const docId = up.body.data[0].id;
    const w1 = await spawnService('parse-worker', { ...stack.env, EMBED_BATCH_SIZE: '8' });
    procs.push(w1);
    await stack.http.post(`/api/v1/datasets/${ds.id}/chunks`, { document_ids: [docId] }, alice.bearer);
    // Kill the worker once it is embedding and indexing (past extraction).
    const deadline = Date.now() + 120_000;
    for (;;) {
      const d = (await stack.http.get(`/api/v1/datasets/${ds.id}/documents?id=${docId}`, alice.bearer)).body.data.docs[0];
      if (d.progress > 0.35 && d.run === 'RUNNING') break;
      assert.notEqual(d.run, 'DONE', 'the document finished before the worker could be killed');
      assert.ok(Date.now() < deadline, `worker never got going: ${d.progress_msg}\n${w1.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const partial = (await stack.http.get(`/api/v1/datasets/${ds.id}/documents/${docId}/chunks?page_size=1`, alice.bearer)).body.data.total;
    await w1.kill('SIGKILL');
    const w2 = await spawnService('parse-worker', stack.env);
    procs.push(w2);
    const docs = await waitForParsing(stack.http, alice.bearer, ds.id, [docId], 180_000);
    const d = docs.get(docId);
    assert.equal(d.run, 'DONE', d.progress_msg);
    const chunks = (await stack.http.get(`/api/v1/datasets/${ds.id}/documents/${docId}/chunks?page_size=100000`, alice.bearer)).body.data;
    assert.ok(partial > 0, 'the first worker had indexed some chunks');
    assert.equal(chunks.total, d.chunk_count, 'the index holds exactly the counted chunks');
    assert.equal(new Set(chunks.chunks.map((c: { id: string }) => c.id)).size, chunks.chunks.length, 'no duplicate chunks');
    assert.equal(chunks.chunks.length, d.chunk_count);
  });

  test('a gateway killed mid-stream: the client resumes on another gateway without gaps or repeats', async () => {
    const g1 = await spawnService('gateway', stack.env);
    const g2 = await spawnService('gateway', stack.env);
    procs.push(g1, g2);
    const add = await stack.http.post('/v1/llm/add_llm', { llm_factory: 'OpenAI-API-Compatible', llm_name: 'slow', model_type: 'chat', api_base: models.url, api_key: 'k' }, alice.loginToken);
    assert.equal(add.body.code, 0);
    const chat = (await stack.http.post('/api/v1/chats', { name: 'failover', llm: { model_name: 'slow___OpenAI-API@OpenAI-API-Compatible' } }, alice.bearer)).body.data;
    const session = (await stack.http.post(`/api/v1/chats/${chat.id}/sessions`, {}, alice.bearer)).body.data;
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    models.script({ kind: 'slow', delayMs: 100, text: words });
    const body = JSON.stringify({ question: 'count', session_id: session.id });
    const headers = { Authorization: alice.bearer, 'Content-Type': 'application/json' };
    const seen: { id?: string; data: string }[] = [];
    const first = readSse(`http://127.0.0.1:${g1.port}/api/v1/chats/${chat.id}/completions`, { headers, body }, {
      onEvent: (e) => {
        seen.push(e);
        if (seen.length === 6) void g1.kill('SIGKILL');
      },
    }).catch(() => undefined);
    await first;
    assert.ok(seen.length >= 6, `saw ${seen.length} events before the kill`);
    assert.ok(!seen.some((e) => e.data === '{"code":0,"data":true}'), 'the stream was cut before its end');
    const rest = await readSse(`http://127.0.0.1:${g2.port}/api/v1/chats/${chat.id}/completions`, { headers: { ...headers, 'Last-Event-ID': seen.at(-1)!.id! }, body });
    const all = [...seen, ...rest.events];
    const ids = all.map((e) => Number(e.id));
    assert.equal(new Set(ids).size, ids.length, 'no event twice');
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'in order');
    const text = all.map((e) => JSON.parse(e.data)).filter((p) => p.data?.final === false).map((p) => p.data.answer).join('');
    assert.equal(text.replace(/\s+/g, ' ').trim(), words, 'no gap: the whole answer');
    assert.deepEqual(JSON.parse(rest.events.at(-1)!.data), { code: 0, data: true });
    const stored = (await stack.http.get(`/api/v1/chats/${chat.id}/sessions?id=${session.id}`, alice.bearer)).body.data[0];
    assert.equal(stored.messages.at(-1).content.replace(/\s+/g, ' ').trim(), words, 'the producer finished and stored the turn');
  });
});
