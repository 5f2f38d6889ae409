import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect } from 'nats';
import { BusUsers, EventTypes, Streams, eventEntityFilter, eventSubject } from '@rag/contracts';
import { startStack, signUp, type Stack } from '../support/stack.js';
import { upload, waitForParsing } from '../support/documents.js';
import { readSse } from '../support/sse.js';
import { startModelServer, type ModelServer } from '../support/model-server.js';

/**
 * The whole backend on a nats-server that requires a user per process with the generated
 * permissions (as `make up` runs it): every flow that crosses the bus works, and the server
 * refused nothing along the way.
 */
describe('the stack with NATS authentication and per-service permissions', () => {
  let stack: Stack;
  let models: ModelServer;
  let statusDir: string;

  before(async () => {
    models = await startModelServer();
    statusDir = mkdtempSync(path.join(os.tmpdir(), 'rag-launcher-status-'));
    writeFileSync(path.join(statusDir, 'launcher-status.json'), JSON.stringify({ restarts: {} }));
    stack = await startStack({ auth: true, env: { SSE_KEEPALIVE_MS: '300', LAUNCHER_STATUS_FILE: path.join(statusDir, 'launcher-status.json') } });
  });
  after(async () => {
    await stack?.stop();
    await models?.stop();
    rmSync(statusDir, { recursive: true, force: true });
  });

  test("/readyz shows the services the launcher restarted (read from the launcher's status file), and stays ready", async () => {
    assert.deepEqual((await stack.http.get('/readyz')).body, { status: 'ok', nats: true, restarts: {} });
    const restarts = { 'dialog-svc': { count: 2, last_exit: 'exited with code 3', at: '2026-01-01T00:00:00.000Z' } };
    writeFileSync(path.join(statusDir, 'launcher-status.json'), JSON.stringify({ restarts }));
    const r = await stack.http.get('/readyz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'ok', nats: true, restarts });
  });

  test('sign-up, logout, datasets, parsing, retrieval, streamed and resumed answers, usage, cascades', async () => {
    const alice = await signUp(stack.http);
    const relogin = await stack.http.post('/v1/user/login', { email: alice.email, password: alice.password });
    assert.equal(relogin.body.code, 0, 'a second login revokes the first token through user.logged_out');
    assert.equal((await stack.http.get('/v1/user/info', alice.loginToken)).body.code, 401, 'the gateway heard the revocation event');

    const ds = (await stack.http.post('/api/v1/datasets', { name: 'tower' }, alice.bearer)).body.data;
    const up = await upload(stack.http, alice.bearer, ds.id, [{ name: 'eiffel.txt', data: 'The Eiffel Tower is a wrought-iron lattice tower in Paris.\nIt is 330 metres tall.' }]);
    assert.equal(up.body.code, 0, JSON.stringify(up.body));
    const docId = up.body.data[0].id as string;
    assert.equal((await stack.http.post(`/api/v1/datasets/${ds.id}/chunks`, { document_ids: [docId] }, alice.bearer)).body.code, 0);
    const docs = await waitForParsing(stack.http, alice.bearer, ds.id, [docId], 60_000);
    assert.equal(docs.get(docId).run, 'DONE', JSON.stringify(docs.get(docId)));

    const found = await stack.http.post('/api/v1/retrieval', { question: 'How tall is the Eiffel Tower?', dataset_ids: [ds.id] }, alice.bearer);
    assert.equal(found.body.code, 0, found.text);
    assert.ok(found.body.data.chunks.length > 0, 'parse-worker indexed, document-svc found');

    const add = await stack.http.post('/v1/llm/add_llm', { llm_factory: 'OpenAI-API-Compatible', llm_name: 'stub-chat', model_type: 'chat', api_base: models.url, api_key: 'stub-key' }, relogin.headers.get('authorization')!);
    assert.equal(add.body.code, 0, add.text);
    const chat = await stack.http.post('/api/v1/chats', { name: 'guide', dataset_ids: [ds.id], llm: { model_name: 'stub-chat___OpenAI-API@OpenAI-API-Compatible' } }, alice.bearer);
    assert.equal(chat.body.code, 0, chat.text);
    const session = (await stack.http.post(`/api/v1/chats/${chat.body.data.id}/sessions`, { name: 's' }, alice.bearer)).body.data;
    const url = `${stack.baseUrl}/api/v1/chats/${chat.body.data.id}/completions`;
    const headers = { Authorization: alice.bearer, 'Content-Type': 'application/json' };
    const streamed = await readSse(url, { headers, body: JSON.stringify({ question: 'How tall is the tower?', session_id: session.id }) });
    const payloads = streamed.events.map((e) => JSON.parse(e.data));
    assert.match(payloads.map((p) => p.data?.answer ?? '').join(''), /Stub answer/, JSON.stringify(payloads));
    assert.equal(payloads.at(-1).data, true, 'the stream ends');

    const resumed = await readSse(url, { headers: { ...headers, 'Last-Event-ID': streamed.events[0]!.id! }, body: JSON.stringify({ question: 'again', session_id: session.id }) });
    assert.equal(resumed.events.length, streamed.events.length - 1, 'a resume reads the answer by sequence');

    let used = 0;
    for (let i = 0; i < 50 && !used; i++) {
      const mine = await stack.http.get('/v1/llm/my_llms', relogin.headers.get('authorization')!);
      used = mine.body.data['OpenAI-API-Compatible'].llm[0].used_token;
      if (!used) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(used > 0, 'record_usage reached account-svc with the tenant of the caller context');

    assert.equal((await stack.http.delete('/api/v1/datasets', { ids: [ds.id] }, alice.bearer)).body.code, 0);
    const deadline = Date.now() + 10_000;
    while ((await stack.http.post('/api/v1/retrieval', { question: 'Eiffel', dataset_ids: [ds.id] }, alice.bearer)).body.code === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

    assert.doesNotMatch(stack.nats.log(), /Violation/, 'the server refused nothing a service needed');
  });

  test("agents and agent sessions through canvas-svc's own NATS user, its agent events included", async () => {
    const carol = await signUp(stack.http);
    const dsl = { components: { begin: { obj: { component_name: 'Begin', params: {} }, downstream: [], upstream: [] } }, history: [], retrieval: [], path: [], globals: {}, variables: {} };
    assert.deepEqual((await stack.http.post('/api/v1/agents', { title: 'flow', dsl }, carol.bearer)).body, { code: 0, message: 'success', data: true });
    const agent = (await stack.http.get('/api/v1/agents?title=flow', carol.bearer)).body.data[0];
    assert.deepEqual((await stack.http.put(`/api/v1/agents/${agent.id}`, { dsl }, carol.bearer)).body, { code: 0, message: 'success', data: true });
    const session = await stack.http.post(`/api/v1/agents/${agent.id}/sessions`, {}, carol.bearer);
    assert.equal(session.body.code, 0, session.text);
    assert.equal((await stack.http.get(`/api/v1/agents/${agent.id}/sessions`, carol.bearer)).body.data.length, 1);
    assert.deepEqual((await stack.http.delete(`/api/v1/agents/${agent.id}/sessions`, {}, carol.bearer)).body, { code: 0 });
    assert.deepEqual((await stack.http.delete(`/api/v1/agents/${agent.id}`, {}, carol.bearer)).body, { code: 0, message: 'success', data: true });
    // The outbox published the agent's events on EVENTS (read as canvas-svc, which may ask for the stream's info).
    const nc = await connect(stack.nats.connectOptions(BusUsers.canvas));
    try {
      const jsm = await nc.jetstreamManager();
      const wanted = [EventTypes.agentCreated, EventTypes.agentUpdated, EventTypes.agentDeleted].map(eventSubject);
      let seen: string[] = [];
      for (let i = 0; i < 100 && seen.length < wanted.length; i++) {
        const info = await jsm.streams.info(Streams.events.name, { subjects_filter: eventEntityFilter('agent') });
        seen = wanted.filter((w) => (info.state.subjects?.[w] ?? 0) > 0);
        if (seen.length < wanted.length) await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(seen, wanted, 'agent.created, agent.updated and agent.deleted reached EVENTS');
    } finally {
      await nc.close();
    }
    assert.doesNotMatch(stack.nats.log(), /Violation/, 'the server refused nothing canvas-svc needed');
  });
});
