import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { startModelServer, stubEmbedding, type ModelServer } from './model-server.js';

let stub: ModelServer;
before(async () => {
  stub = await startModelServer();
});
after(() => stub.stop());
beforeEach(() => stub.reset());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(stub.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const json = async (res: Response | Promise<Response>): Promise<any> => (await res).json();
const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

test('it listens on loopback with a /v1 base and lists models', async () => {
  assert.match(stub.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  const res = await fetch(`${stub.url}/models`);
  assert.equal(res.status, 200);
  assert.ok((await json(res)).data.length > 0);
  assert.equal((await post('/nope', {})).status, 404);
});

test('embeddings: 64 dims, unit length, shared words give positive cosine, usage, base64 on request', async () => {
  const res = await post('/embeddings', { model: 'e', input: ['chunk test one', 'chunk test two', 'penguin'] }, { authorization: 'Bearer stub-key' });
  const body = await json(res);
  const [a, b, c] = body.data.map((d: { embedding: number[] }) => d.embedding);
  assert.equal(a.length, 64);
  assert.ok(Math.abs(cos(a, a) - 1) < 1e-9);
  assert.ok(cos(a, b) > 0.5);
  assert.ok(cos(a, b) > cos(a, c));
  assert.deepEqual(body.usage, { prompt_tokens: 7, total_tokens: 7 });
  assert.deepEqual(body.data.map((d: { index: number }) => d.index), [0, 1, 2]);
  assert.deepEqual(a, stubEmbedding('chunk test one'), 'deterministic');

  const packed = await json(post('/embeddings', { model: 'e', input: 'chunk', encoding_format: 'base64' }));
  const floats = new Float32Array(Buffer.from(packed.data[0].embedding, 'base64').buffer.slice(0));
  assert.ok(Math.abs(floats[0]! - stubEmbedding('chunk')[0]!) < 1e-6);

  const [rec] = stub.requestsTo('embeddings');
  assert.equal(rec!.path, '/v1/embeddings');
  assert.equal(rec!.headers.authorization, 'Bearer stub-key');
  assert.equal(rec!.body.input.length, 3);
});

test('chat, non-stream: the stub answer with usage; related-question prompts get a numbered list', async () => {
  const body = await json(post('/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'what is up' }] }));
  assert.equal(body.object, 'chat.completion');
  assert.equal(body.choices[0].message.content, 'Stub answer. You said: what is up');
  assert.equal(body.choices[0].finish_reason, 'stop');
  assert.ok(body.usage.prompt_tokens > 0 && body.usage.total_tokens === body.usage.prompt_tokens + body.usage.completion_tokens);
  const related = await json(
    post('/chat/completions', {
      messages: [
        { role: 'system', content: 'You generate 5-10 related questions from the user query.' },
        { role: 'user', content: 'Keywords: ragflow' },
      ],
    }),
  );
  assert.match(related.choices[0].message.content, /^1\. .+\n2\. .+\n3\. .+$/);
});

test('chat, stream: SSE chunks, usage when asked, then [DONE]', async () => {
  const res = await post('/chat/completions', { model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
  assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
  const events = (await res.text()).split('\n\n').filter(Boolean);
  assert.equal(events[events.length - 1], 'data: [DONE]');
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')));
  const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
  assert.equal(text, 'Stub answer. You said: hi');
  assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop');
  assert.ok(chunks.at(-1).usage.total_tokens > 0);
});

test('scripts apply to the next N calls of their endpoint, then the default returns', async () => {
  stub.script({ kind: 'status', status: 429, retryAfter: 2, times: 2 });
  stub.script({ kind: 'text', text: 'Scripted.' });
  for (let i = 0; i < 2; i++) {
    const res = await post('/chat/completions', { messages: [] });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '2');
  }
  assert.equal((await json(post('/chat/completions', { messages: [] }))).choices[0].message.content, 'Scripted.');
  assert.equal((await post('/embeddings', { input: 'x' })).status, 200, 'a text script does not touch embeddings');
  assert.equal(stub.requests.length, 4);
});

test('think scripts, cut into small chunks', async () => {
  stub.script({ kind: 'think', reasoning: 'R', text: 'T', chunkSize: 2 });
  const events = (await (await post('/chat/completions', { stream: true, messages: [] })).text()).split('\n\n').filter((e) => e.startsWith('data: {'));
  const content = events.map((e) => JSON.parse(e.slice(6)).choices[0]?.delta?.content ?? '').join('');
  assert.equal(content, '<think>R</think>T');
});

test('a broken stream ends without [DONE]; a hang never answers until the client leaves', async () => {
  stub.script({ kind: 'broken', afterChunks: 2 });
  const res = await post('/chat/completions', { stream: true, messages: [{ role: 'user', content: 'one two three four' }] });
  await assert.rejects(res.text(), /terminated/);

  stub.script({ kind: 'hang' });
  const controller = new AbortController();
  const pending = fetch(`${stub.url}/rerank`, { method: 'POST', body: '{}', signal: controller.signal });
  while (stub.requestsTo('rerank').length === 0) await new Promise((r) => setImmediate(r));
  controller.abort();
  await assert.rejects(pending);
  await stub.disconnected(stub.requestsTo('rerank')[0]!);
});

test('rerank scores by word overlap, best first, with the document index', async () => {
  const body = await json(post('/rerank', { model: 'r', query: 'warranty years', documents: ['penguins', 'warranty lasts two years', 'the warranty'], top_n: 2 }));
  assert.deepEqual(
    body.results.map((r: { index: number; relevance_score: number }) => [r.index, r.relevance_score]),
    [
      [1, 1],
      [2, 0.5],
    ],
  );
  assert.ok(body.usage.total_tokens > 0);
});
