import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { allRoutes } from '@rag/gateway';
import { uuid1 } from '@rag/platform';
import { startStack, signUp, type Stack } from '../support/stack.js';
import { upload, waitForParsing } from '../support/documents.js';
import type { HttpResult } from '../support/http.js';

type User = Awaited<ReturnType<typeof signUp>>;

/** What one tenant owns: a parsed dataset with a hand-made chunk, a chat on it and a session. */
interface Holdings {
  dataset: string;
  documents: string[];
  /** The hand-added chunk of documents[0]. */
  chunk: string;
  chat: string;
  session: string;
  /** An agent (Begin → Message) and one session of it. */
  agent: string;
  agentSession: string;
  apiKey: string;
}

/** Ids of the same shape that nobody holds. */
const unknownIds = (): Holdings => ({
  dataset: uuid1(),
  documents: [uuid1()],
  chunk: randomBytes(8).toString('hex'),
  chat: uuid1(),
  session: uuid1(),
  agent: uuid1(),
  agentSession: uuid1(),
  apiKey: `ragflow-${randomBytes(16).toString('base64url')}`,
});

const AGENT_DSL = {
  components: {
    begin: { obj: { component_name: 'Begin', params: {} }, downstream: ['message'], upstream: [] },
    message: { obj: { component_name: 'Message', params: { content: ['{sys.query}'] } }, downstream: [], upstream: ['begin'] },
  },
  history: [],
  retrieval: [],
  path: [],
  globals: { 'sys.query': '', 'sys.user_id': '', 'sys.conversation_turns': 0, 'sys.files': [] },
  variables: {},
};

const FILES = [
  { name: 'owls.txt', data: 'Barn owls hunt at night by sound. Their facial disc funnels sound to the ears.' },
  { name: 'otters.txt', data: 'Sea otters hold hands while they sleep so they do not drift apart.' },
];

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function setUp(stack: Stack, user: User, label: string): Promise<Holdings> {
  const ds = await stack.http.post('/api/v1/datasets', { name: `${label}-data` }, user.bearer);
  assert.equal(ds.body.code, 0, ds.text);
  const dataset = ds.body.data.id as string;
  const up = await upload(stack.http, user.bearer, dataset, FILES);
  assert.equal(up.body.code, 0, JSON.stringify(up.body));
  const documents = up.body.data.map((d: { id: string }) => d.id) as string[];
  assert.deepEqual((await stack.http.post(`/api/v1/datasets/${dataset}/chunks`, { document_ids: documents }, user.bearer)).body, { code: 0 });
  const parsed = await waitForParsing(stack.http, user.bearer, dataset, documents, 60_000);
  for (const id of documents) assert.equal(parsed.get(id).run, 'DONE', parsed.get(id).progress_msg);
  const added = await stack.http.post(`/api/v1/datasets/${dataset}/documents/${documents[0]}/chunks`, { content: `${label} keeps this chunk` }, user.bearer);
  assert.equal(added.body.code, 0, added.text);
  await waitFor('dataset chunk counter', async () => ((await stack.http.get(`/api/v1/datasets?id=${dataset}`, user.bearer)).body.data?.[0]?.chunk_count > 0 ? true : undefined));
  const chat = await stack.http.post('/api/v1/chats', { name: `${label}-chat`, dataset_ids: [dataset] }, user.bearer);
  assert.equal(chat.body.code, 0, chat.text);
  const session = await stack.http.post(`/api/v1/chats/${chat.body.data.id}/sessions`, { name: `${label}-session` }, user.bearer);
  assert.equal(session.body.code, 0, session.text);
  const agentTitle = `${label}-agent`;
  assert.equal((await stack.http.post('/api/v1/agents', { title: agentTitle, dsl: AGENT_DSL }, user.bearer)).body.code, 0);
  const agent = (await stack.http.get(`/api/v1/agents?title=${agentTitle}`, user.bearer)).body.data[0].id as string;
  const agentSession = await stack.http.post(`/api/v1/agents/${agent}/sessions`, {}, user.bearer);
  assert.equal(agentSession.body.code, 0, agentSession.text);
  return { dataset, documents, chunk: added.body.data.chunk.id, chat: chat.body.data.id, session: session.body.data.id, agent, agentSession: agentSession.body.data.id, apiKey: user.apiKey };
}

/** Everything a tenant can observe of its own holdings, to compare before and after the attack. */
async function snapshot(stack: Stack, user: User, h: Holdings) {
  const dataset = (await stack.http.get(`/api/v1/datasets?id=${h.dataset}`, user.bearer)).body.data?.[0];
  const listed = (await stack.http.get(`/api/v1/datasets/${h.dataset}/documents?page_size=100`, user.bearer)).body.data;
  const documents: Record<string, unknown>[] = [];
  for (const id of h.documents) {
    const d = listed.docs.find((x: { id: string }) => x.id === id);
    const chunks = (await stack.http.get(`/api/v1/datasets/${h.dataset}/documents/${id}/chunks?page_size=1000`, user.bearer)).body.data;
    const file = await fetch(`${stack.baseUrl}/api/v1/datasets/${h.dataset}/documents/${id}`, { headers: { Authorization: user.bearer } });
    documents.push({
      id,
      name: d?.name,
      run: d?.run,
      status: d?.status,
      chunk_count: d?.chunk_count,
      meta_fields: d?.meta_fields,
      chunks: chunks?.chunks?.map((c: { id: string; content: string; available: boolean }) => `${c.id}:${c.available}:${c.content}`).sort(),
      file: file.headers.get('content-type') === 'application/octet-stream' ? Buffer.from(await file.arrayBuffer()).toString('utf8') : await file.text(),
    });
  }
  const chat = (await stack.http.get(`/api/v1/chats?id=${h.chat}`, user.bearer)).body.data?.[0];
  const session = (await stack.http.get(`/api/v1/chats/${h.chat}/sessions?id=${h.session}`, user.bearer)).body.data?.[0];
  const keys = (await stack.http.get('/api/v1/system/tokens', user.loginToken)).body.data?.length;
  const agent = (await stack.http.get(`/api/v1/agents?id=${h.agent}`, user.bearer)).body.data?.[0];
  const agentSessions = (await stack.http.get(`/api/v1/agents/${h.agent}/sessions?dsl=false`, user.bearer)).body.data;
  return {
    dataset: dataset && { name: dataset.name, document_count: dataset.document_count, chunk_count: dataset.chunk_count, permission: dataset.permission, embedding_model: dataset.embedding_model },
    total: listed.total,
    documents,
    chat: chat && { name: chat.name, datasets: chat.datasets?.map((d: { id: string }) => d.id), llm: chat.llm?.model_name },
    session: session && { name: session.name, messages: session.messages.length },
    keys,
    agent: agent && { title: agent.title, dsl: agent.dsl, update_time: agent.update_time },
    agentSessions: agentSessions?.map((x: { id: string; messages: unknown[] }) => `${x.id}:${x.messages.length}`),
  };
}

/**
 * One row per route × position of an object id. `send` gets the holdings whose id it must place
 * (the victim's or unknown ids) and the attacker's own holdings for the parent objects around it.
 * `same`: the contract answers an unknown id with success (e.g. a filter that matches nothing), so
 * the check is only "same answer as an unknown id"; otherwise the answer must also be a refusal.
 */
interface Row {
  route: string;
  position: 'path' | 'nested path' | 'body' | 'query';
  /** The id placed in that position, for the comparison of messages that quote it. */
  id: (h: Holdings) => string;
  send: (ids: Holdings, own: Holdings) => Promise<HttpResult>;
  same?: true;
}

describe('tenant isolation: another tenant\'s ids in every position of every /api/v1 route', () => {
  let stack: Stack;
  let alice: User;
  let bob: User;
  let victim: Holdings;
  let attacker: Holdings;
  let before_: Awaited<ReturnType<typeof snapshot>>;

  before(async () => {
    stack = await startStack();
    alice = await signUp(stack.http);
    bob = await signUp(stack.http);
    victim = await setUp(stack, alice, 'alice');
    attacker = await setUp(stack, bob, 'bob');
    before_ = await snapshot(stack, alice, victim);
  });
  after(async () => stack?.stop());

  const doc = (h: Holdings) => h.documents[0]!;
  const b = () => bob.bearer;
  const http = () => stack.http;
  const download = async (path: string): Promise<HttpResult> => {
    const r = await fetch(stack.baseUrl + path, { headers: { Authorization: bob.bearer } });
    const text = r.headers.get('content-type') === 'application/octet-stream' ? `FILE:${Buffer.from(await r.arrayBuffer()).toString('utf8')}` : await r.text();
    return { status: r.status, headers: r.headers, body: text.startsWith('FILE:') ? text : JSON.parse(text), text };
  };
  /** A GET with a JSON body (fetch refuses one; RAGFlow's metadata summary reads it). */
  const getWithBody = (path: string, json: unknown): Promise<HttpResult> =>
    new Promise((resolve, reject) => {
      const data = JSON.stringify(json);
      const req = request(stack.baseUrl + path, { method: 'GET', headers: { Authorization: bob.bearer, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: new Headers(), body: JSON.parse(text), text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(data);
    });
  const uploadTo = async (dataset: string): Promise<HttpResult> => {
    const r = await upload(stack.http, bob.bearer, dataset, [{ name: 'intruder.txt', data: 'bob was here' }]);
    return { status: r.status, headers: new Headers(), body: r.body, text: JSON.stringify(r.body) };
  };

  const rows: Row[] = [
    // dataset-svc
    { route: 'GET /api/v1/datasets', position: 'query', id: (h) => h.dataset, send: (x) => http().get(`/api/v1/datasets?id=${x.dataset}`, b()) },
    { route: 'PUT /api/v1/datasets/:dataset_id', position: 'path', id: (h) => h.dataset, send: (x) => http().put(`/api/v1/datasets/${x.dataset}`, { name: 'stolen' }, b()) },
    { route: 'DELETE /api/v1/datasets', position: 'body', id: (h) => h.dataset, send: (x) => http().delete('/api/v1/datasets', { ids: [x.dataset] }, b()) },
    // documents
    { route: 'POST /api/v1/datasets/:dataset_id/documents', position: 'path', id: (h) => h.dataset, send: (x) => uploadTo(x.dataset) },
    { route: 'GET /api/v1/datasets/:dataset_id/documents', position: 'path', id: (h) => h.dataset, send: (x) => http().get(`/api/v1/datasets/${x.dataset}/documents`, b()) },
    { route: 'GET /api/v1/datasets/:dataset_id/documents', position: 'query', id: doc, send: (x, o) => http().get(`/api/v1/datasets/${o.dataset}/documents?id=${doc(x)}`, b()) },
    { route: 'DELETE /api/v1/datasets/:dataset_id/documents', position: 'path', id: (h) => h.dataset, send: (x) => http().delete(`/api/v1/datasets/${x.dataset}/documents`, { ids: [doc(x)] }, b()) },
    { route: 'DELETE /api/v1/datasets/:dataset_id/documents', position: 'body', id: doc, send: (x, o) => http().delete(`/api/v1/datasets/${o.dataset}/documents`, { ids: [doc(x)] }, b()) },
    { route: 'PUT /api/v1/datasets/:dataset_id/documents/:document_id', position: 'path', id: (h) => h.dataset, send: (x) => http().put(`/api/v1/datasets/${x.dataset}/documents/${doc(x)}`, { name: 'stolen.txt' }, b()) },
    { route: 'PUT /api/v1/datasets/:dataset_id/documents/:document_id', position: 'nested path', id: doc, send: (x, o) => http().put(`/api/v1/datasets/${o.dataset}/documents/${doc(x)}`, { enabled: 0, meta_fields: { owner: 'bob' } }, b()) },
    { route: 'GET /api/v1/datasets/:dataset_id/documents/:document_id', position: 'path', id: (h) => h.dataset, send: (x) => download(`/api/v1/datasets/${x.dataset}/documents/${doc(x)}`) },
    { route: 'GET /api/v1/datasets/:dataset_id/documents/:document_id', position: 'nested path', id: doc, send: (x, o) => download(`/api/v1/datasets/${o.dataset}/documents/${doc(x)}`) },
    // parsing control
    { route: 'POST /api/v1/datasets/:dataset_id/chunks', position: 'path', id: (h) => h.dataset, send: (x) => http().post(`/api/v1/datasets/${x.dataset}/chunks`, { document_ids: [doc(x)] }, b()) },
    { route: 'POST /api/v1/datasets/:dataset_id/chunks', position: 'body', id: doc, send: (x, o) => http().post(`/api/v1/datasets/${o.dataset}/chunks`, { document_ids: [doc(x)] }, b()) },
    { route: 'DELETE /api/v1/datasets/:dataset_id/chunks', position: 'path', id: (h) => h.dataset, send: (x) => http().delete(`/api/v1/datasets/${x.dataset}/chunks`, { document_ids: [doc(x)] }, b()) },
    { route: 'DELETE /api/v1/datasets/:dataset_id/chunks', position: 'body', id: doc, send: (x, o) => http().delete(`/api/v1/datasets/${o.dataset}/chunks`, { document_ids: [doc(x)] }, b()) },
    // chunks
    { route: 'GET /api/v1/datasets/:dataset_id/documents/:document_id/chunks', position: 'path', id: (h) => h.dataset, send: (x) => http().get(`/api/v1/datasets/${x.dataset}/documents/${doc(x)}/chunks`, b()) },
    { route: 'GET /api/v1/datasets/:dataset_id/documents/:document_id/chunks', position: 'nested path', id: doc, send: (x, o) => http().get(`/api/v1/datasets/${o.dataset}/documents/${doc(x)}/chunks`, b()) },
    { route: 'GET /api/v1/datasets/:dataset_id/documents/:document_id/chunks', position: 'query', id: (h) => h.chunk, send: (x, o) => http().get(`/api/v1/datasets/${o.dataset}/documents/${doc(o)}/chunks?id=${x.chunk}`, b()) },
    { route: 'POST /api/v1/datasets/:dataset_id/documents/:document_id/chunks', position: 'path', id: (h) => h.dataset, send: (x) => http().post(`/api/v1/datasets/${x.dataset}/documents/${doc(x)}/chunks`, { content: 'planted' }, b()) },
    { route: 'POST /api/v1/datasets/:dataset_id/documents/:document_id/chunks', position: 'nested path', id: doc, send: (x, o) => http().post(`/api/v1/datasets/${o.dataset}/documents/${doc(x)}/chunks`, { content: 'planted' }, b()) },
    { route: 'DELETE /api/v1/datasets/:dataset_id/documents/:document_id/chunks', position: 'path', id: (h) => h.dataset, send: (x) => http().delete(`/api/v1/datasets/${x.dataset}/documents/${doc(x)}/chunks`, {}, b()) },
    { route: 'DELETE /api/v1/datasets/:dataset_id/documents/:document_id/chunks', position: 'nested path', id: doc, send: (x, o) => http().delete(`/api/v1/datasets/${o.dataset}/documents/${doc(x)}/chunks`, {}, b()) },
    { route: 'DELETE /api/v1/datasets/:dataset_id/documents/:document_id/chunks', position: 'nested path', id: doc, send: (x, o) => http().delete(`/api/v1/datasets/${o.dataset}/documents/${doc(x)}/chunks`, { chunk_ids: [x.chunk] }, b()) },
    { route: 'DELETE /api/v1/datasets/:dataset_id/documents/:document_id/chunks', position: 'body', id: (h) => h.chunk, send: (x, o) => http().delete(`/api/v1/datasets/${o.dataset}/documents/${doc(o)}/chunks`, { chunk_ids: [x.chunk] }, b()) },
    { route: 'PUT /api/v1/datasets/:dataset_id/documents/:document_id/chunks/:chunk_id', position: 'path', id: (h) => h.chunk, send: (x) => http().put(`/api/v1/datasets/${x.dataset}/documents/${doc(x)}/chunks/${x.chunk}`, { content: 'defaced' }, b()) },
    { route: 'PUT /api/v1/datasets/:dataset_id/documents/:document_id/chunks/:chunk_id', position: 'nested path', id: (h) => h.chunk, send: (x, o) => http().put(`/api/v1/datasets/${o.dataset}/documents/${doc(o)}/chunks/${x.chunk}`, { content: 'defaced', available: false }, b()) },
    { route: 'PUT /api/v1/datasets/:dataset_id/documents/:document_id/chunks/:chunk_id', position: 'nested path', id: doc, send: (x, o) => http().put(`/api/v1/datasets/${o.dataset}/documents/${doc(x)}/chunks/${o.chunk}`, { content: 'defaced' }, b()) },
    // retrieval, Dify, metadata
    { route: 'POST /api/v1/retrieval', position: 'body', id: (h) => h.dataset, send: (x) => http().post('/api/v1/retrieval', { dataset_ids: [x.dataset], question: 'owls' }, b()) },
    { route: 'POST /api/v1/retrieval', position: 'body', id: doc, send: (x, o) => http().post('/api/v1/retrieval', { dataset_ids: [o.dataset], document_ids: [doc(x)], question: 'owls' }, b()) },
    { route: 'POST /api/v1/dify/retrieval', position: 'body', id: (h) => h.dataset, send: (x) => http().post('/api/v1/dify/retrieval', { knowledge_id: x.dataset, query: 'owls' }, b()) },
    { route: 'GET /api/v1/datasets/:dataset_id/metadata/summary', position: 'path', id: (h) => h.dataset, send: (x) => http().get(`/api/v1/datasets/${x.dataset}/metadata/summary`, b()) },
    { route: 'GET /api/v1/datasets/:dataset_id/metadata/summary', position: 'body', id: doc, same: true, send: (x, o) => getWithBody(`/api/v1/datasets/${o.dataset}/metadata/summary`, { doc_ids: [doc(x)] }) },
    { route: 'POST /api/v1/datasets/:dataset_id/metadata/update', position: 'path', id: (h) => h.dataset, send: (x) => http().post(`/api/v1/datasets/${x.dataset}/metadata/update`, { updates: [{ key: 'owner', value: 'bob' }] }, b()) },
    { route: 'POST /api/v1/datasets/:dataset_id/metadata/update', position: 'body', id: doc, send: (x, o) => http().post(`/api/v1/datasets/${o.dataset}/metadata/update`, { selector: { document_ids: [doc(x)] }, updates: [{ key: 'owner', value: 'bob' }] }, b()) },
    // chats and sessions
    { route: 'POST /api/v1/chats', position: 'body', id: (h) => h.dataset, send: (x) => http().post('/api/v1/chats', { name: `spy-${randomBytes(4).toString('hex')}`, dataset_ids: [x.dataset] }, b()) },
    { route: 'GET /api/v1/chats', position: 'query', id: (h) => h.chat, send: (x) => http().get(`/api/v1/chats?id=${x.chat}`, b()) },
    { route: 'PUT /api/v1/chats/:chat_id', position: 'path', id: (h) => h.chat, send: (x) => http().put(`/api/v1/chats/${x.chat}`, { name: 'stolen' }, b()) },
    { route: 'PUT /api/v1/chats/:chat_id', position: 'body', id: (h) => h.dataset, send: (x, o) => http().put(`/api/v1/chats/${o.chat}`, { dataset_ids: [x.dataset] }, b()) },
    { route: 'DELETE /api/v1/chats', position: 'body', id: (h) => h.chat, send: (x) => http().delete('/api/v1/chats', { ids: [x.chat] }, b()) },
    { route: 'POST /api/v1/chats/:chat_id/sessions', position: 'path', id: (h) => h.chat, send: (x) => http().post(`/api/v1/chats/${x.chat}/sessions`, { name: 'planted' }, b()) },
    { route: 'GET /api/v1/chats/:chat_id/sessions', position: 'path', id: (h) => h.chat, send: (x) => http().get(`/api/v1/chats/${x.chat}/sessions`, b()) },
    { route: 'GET /api/v1/chats/:chat_id/sessions', position: 'query', id: (h) => h.session, same: true, send: (x, o) => http().get(`/api/v1/chats/${o.chat}/sessions?id=${x.session}`, b()) },
    { route: 'PUT /api/v1/chats/:chat_id/sessions/:session_id', position: 'path', id: (h) => h.chat, send: (x) => http().put(`/api/v1/chats/${x.chat}/sessions/${x.session}`, { name: 'stolen' }, b()) },
    { route: 'PUT /api/v1/chats/:chat_id/sessions/:session_id', position: 'nested path', id: (h) => h.session, send: (x, o) => http().put(`/api/v1/chats/${o.chat}/sessions/${x.session}`, { name: 'stolen' }, b()) },
    { route: 'DELETE /api/v1/chats/:chat_id/sessions', position: 'path', id: (h) => h.chat, send: (x) => http().delete(`/api/v1/chats/${x.chat}/sessions`, { ids: [x.session] }, b()) },
    { route: 'DELETE /api/v1/chats/:chat_id/sessions', position: 'body', id: (h) => h.session, send: (x, o) => http().delete(`/api/v1/chats/${o.chat}/sessions`, { ids: [x.session] }, b()) },
    // completions
    { route: 'POST /api/v1/chats/:chat_id/completions', position: 'path', id: (h) => h.chat, send: (x) => http().post(`/api/v1/chats/${x.chat}/completions`, { question: 'owls?', stream: false }, b()) },
    { route: 'POST /api/v1/chats/:chat_id/completions', position: 'body', id: (h) => h.session, send: (x, o) => http().post(`/api/v1/chats/${o.chat}/completions`, { question: 'owls?', session_id: x.session, stream: false }, b()) },
    { route: 'POST /api/v1/chats/:chat_id/completions', position: 'body', id: doc, send: (x, o) => http().post(`/api/v1/chats/${o.chat}/completions`, { question: 'owls?', session_id: o.session, doc_ids: doc(x), stream: false }, b()) },
    {
      route: 'POST /api/v1/chats_openai/:chat_id/chat/completions',
      position: 'path',
      id: (h) => h.chat,
      send: (x) => http().post(`/api/v1/chats_openai/${x.chat}/chat/completions`, { model: 'model', messages: [{ role: 'user', content: 'owls?' }], stream: false }, b()),
    },
    // agents and agent sessions (canvas-svc); a body id on create is never taken, so both answers are a plain success
    { route: 'POST /api/v1/agents', position: 'body', id: (h) => h.agent, same: true, send: (x) => http().post('/api/v1/agents', { title: `spy-${randomBytes(4).toString('hex')}`, dsl: AGENT_DSL, id: x.agent }, b()) },
    { route: 'GET /api/v1/agents', position: 'query', id: (h) => h.agent, send: (x) => http().get(`/api/v1/agents?id=${x.agent}`, b()) },
    { route: 'PUT /api/v1/agents/:agent_id', position: 'path', id: (h) => h.agent, send: (x) => http().put(`/api/v1/agents/${x.agent}`, { title: 'stolen', dsl: AGENT_DSL }, b()) },
    { route: 'DELETE /api/v1/agents/:agent_id', position: 'path', id: (h) => h.agent, send: (x) => http().delete(`/api/v1/agents/${x.agent}`, {}, b()) },
    { route: 'POST /api/v1/agents/:agent_id/sessions', position: 'path', id: (h) => h.agent, send: (x) => http().post(`/api/v1/agents/${x.agent}/sessions`, {}, b()) },
    { route: 'GET /api/v1/agents/:agent_id/sessions', position: 'path', id: (h) => h.agent, send: (x) => http().get(`/api/v1/agents/${x.agent}/sessions`, b()) },
    { route: 'GET /api/v1/agents/:agent_id/sessions', position: 'query', id: (h) => h.agentSession, same: true, send: (x, o) => http().get(`/api/v1/agents/${o.agent}/sessions?id=${x.agentSession}`, b()) },
    { route: 'DELETE /api/v1/agents/:agent_id/sessions', position: 'path', id: (h) => h.agent, send: (x) => http().delete(`/api/v1/agents/${x.agent}/sessions`, { ids: [x.agentSession] }, b()) },
    { route: 'DELETE /api/v1/agents/:agent_id/sessions', position: 'body', id: (h) => h.agentSession, send: (x, o) => http().delete(`/api/v1/agents/${o.agent}/sessions`, { ids: [x.agentSession] }, b()) },
    // API keys (web auth): deleting another tenant's key is answered like deleting an unknown one (true), and does nothing.
    { route: 'DELETE /api/v1/system/tokens/:token', position: 'path', id: (h) => h.apiKey, same: true, send: (x) => http().send('DELETE', `/api/v1/system/tokens/${encodeURIComponent(x.apiKey)}`, { auth: bob.loginToken }) },
  ];

  /** Routes that take no id of a stored object (nothing of another tenant can be named in them). */
  const NO_OBJECT_ID = new Set(['POST /api/v1/datasets', 'POST /api/v1/sessions/related_questions', 'POST /api/v1/system/tokens', 'GET /api/v1/system/tokens', 'GET /api/v1/openapi.json']);

  test('every /api/v1 route of the gateway has a row (or takes no object id)', () => {
    const covered = new Set(rows.map((r) => r.route));
    const missing = allRoutes()
      .filter((r) => r.path.startsWith('/api/v1/'))
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => !covered.has(r) && !NO_OBJECT_ID.has(r));
    assert.deepEqual(missing, [], 'add a row for each new route');
    const stale = [...covered].filter((r) => !allRoutes().some((g) => `${g.method} ${g.path}` === r));
    assert.deepEqual(stale, [], 'rows name routes the gateway has');
  });

  test('an unknown id and another tenant\'s id get the same answer (the table\'s comparison is sound)', async () => {
    // Two different unknown ids must compare equal once the id is masked, or the rows prove nothing.
    const one = unknownIds();
    const two = unknownIds();
    const r1 = await http().delete(`/api/v1/datasets/${attacker.dataset}/documents`, { ids: [doc(one)] }, b());
    const r2 = await http().delete(`/api/v1/datasets/${attacker.dataset}/documents`, { ids: [doc(two)] }, b());
    assert.notEqual(r1.body.code, 0);
    assert.equal(masked(r1, one), masked(r2, two));
    const foreign = await http().delete(`/api/v1/datasets/${attacker.dataset}/documents`, { ids: [doc(victim)] }, b());
    assert.equal(masked(foreign, victim), masked(r1, one), 'a foreign document id reads as unknown');
    // And the owner still gets through the same route (the scoping is not a blanket refusal).
    const own = await http().get(`/api/v1/datasets/${victim.dataset}/documents?id=${doc(victim)}`, alice.bearer);
    assert.equal(own.body.code, 0, own.text);
  });

  /** The answer with every id of the holdings masked by its kind, so answers about different ids compare. */
  function masked(r: HttpResult, h: Holdings): string {
    let text = r.text;
    const kinds: [string, string][] = [
      [h.dataset, '<dataset>'],
      ...h.documents.map((d): [string, string] => [d, '<document>']),
      [h.chunk, '<chunk>'],
      [h.chat, '<chat>'],
      [h.session, '<session>'],
      [h.agent, '<agent>'],
      [h.agentSession, '<agent-session>'],
      [h.apiKey, '<key>'],
    ];
    for (const [id, label] of kinds) text = text.split(id).join(label);
    return `${r.status} ${text}`;
  }

  for (const [i, row] of rows.entries()) {
    test(`${row.route} — ${row.position} #${i}: refused like an unknown id`, async () => {
      const unknown = unknownIds();
      const foreign = await row.send(victim, attacker);
      const missing = await row.send(unknown, attacker);
      if (!row.same) {
        assert.ok(foreign.status >= 400 || (typeof foreign.body === 'object' && foreign.body?.code !== 0), `refused: ${foreign.text}`);
      }
      assert.ok(foreign.text.includes(row.id(victim)) === missing.text.includes(row.id(unknown)), 'both answers quote the id, or neither');
      assert.equal(masked(foreign, victim), masked(missing, unknown), 'same answer as an unknown id');
    });
  }

  test("afterwards the victim's data is intact: documents, chunks, files, chats, sessions, keys", async () => {
    const now = await snapshot(stack, alice, victim);
    assert.deepEqual(now, before_);
    assert.equal(before_.documents.length, FILES.length);
    for (const [i, d] of before_.documents.entries()) {
      assert.equal(d.file, FILES[i]!.data, 'the file downloads with its bytes');
      assert.ok((d.chunks as string[]).length > 0 && d.chunk_count === (d.chunks as string[]).length, 'chunks are there and counted');
    }
    assert.equal(before_.session?.messages, 1);
    assert.equal(before_.agent?.title, 'alice-agent');
    assert.deepEqual(before_.agentSessions?.length, 1);
    const stillWorks = await stack.http.get('/api/v1/datasets', alice.bearer);
    assert.equal(stillWorks.body.code, 0, "the victim's API key still works");
  });
});
