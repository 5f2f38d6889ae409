import assert from 'node:assert/strict';
import { NetworkGuard } from '@rag/platform';
import { after, before, beforeEach, test } from 'node:test';
import { startModelServer, type ModelServer } from '../../../../test/support/model-server.js';
import { createEmbeddingModel, createReranker } from '../model-factory.js';
import type { ModelCallOptions } from '../types.js';
import { cosine, dot } from '../vector-math.js';

let stub: ModelServer;
before(async () => {
  stub = await startModelServer();
});
after(() => stub.stop());
beforeEach(() => stub.reset());

// The stub listens on 127.0.0.1, which only an operator's allow-list opens (the guarded fetch, as in production).
const FAST: ModelCallOptions = { retryBaseDelayMs: 5, retryMaxDelayMs: 50, timeoutMs: 2000, guard: new NetworkGuard({ allowPrivate: false, allow: ['127.0.0.1/32'] }) };
const embedder = (opts: ModelCallOptions = {}) =>
  createEmbeddingModel({ factory: 'Builtin', name: 'BAAI/bge-small-en-v1.5', type: 'embedding', api_base: stub.url, api_key: 'stub-key' }, { ...FAST, ...opts });

test('embeddings go in batches of 16: 40 texts → 3 requests, vectors in order and normalised', async () => {
  const texts = Array.from({ length: 40 }, (_, i) => `text number ${i} about topic ${i % 4}`);
  const { vectors, tokens } = await embedder().embed(texts);
  const calls = stub.requestsTo('embeddings');
  assert.deepEqual(calls.map((r) => r.body.input.length), [16, 16, 8]);
  assert.equal(calls[0]!.path, '/v1/embeddings');
  assert.equal(calls[0]!.body.model, 'BAAI/bge-small-en-v1.5');
  assert.equal(calls[0]!.body.encoding_format, 'float');
  assert.equal(calls[0]!.headers.authorization, 'Bearer stub-key');
  assert.equal(vectors.length, 40);
  for (const v of vectors) assert.ok(Math.abs(Math.sqrt(dot(v, v)) - 1) < 1e-5);
  // the vector of text 5 is closest to itself among the first 8: order is preserved
  const best = vectors.slice(0, 8).map((v) => cosine(v, vectors[5]!));
  assert.equal(best.indexOf(Math.max(...best)), 5);
  assert.equal(tokens, texts.reduce((s, t) => s + t.split(' ').length, 0), 'usage comes from the provider');
});

test('batch size is configurable, dimensions are learnt, shared words mean positive cosine', async () => {
  const model = embedder({ batchSize: 2 });
  assert.equal(model.dimensions, undefined);
  const { vectors } = await model.embed(['chunk test one', 'chunk test two', 'unrelated']);
  assert.equal(stub.requestsTo('embeddings').length, 2);
  assert.equal(model.dimensions, 64);
  assert.ok(cosine(vectors[0]!, vectors[1]!) > 0.5);
});

test('429 twice then success: the call succeeds after 3 requests, honouring retry-after', async () => {
  stub.script({ kind: 'status', status: 429, retryAfter: 0.1, times: 2 });
  const started = Date.now();
  const { vectors } = await embedder({ retryMaxDelayMs: 1000 }).embed(['hello']);
  assert.equal(vectors.length, 1);
  assert.equal(stub.requestsTo('embeddings').length, 3);
  assert.ok(Date.now() - started >= 190, 'waited retry-after (0.1 s) twice');
});

test('429 forever: rate_limited after the configured attempts, with a readable message', async () => {
  stub.script({ kind: 'status', status: 429, retryAfter: 0, times: 100 });
  await assert.rejects(embedder({ maxAttempts: 4 }).embed(['hello']), {
    name: 'ModelError',
    kind: 'rate_limited',
    status: 429,
    attempts: 4,
    message: /^Model provider rate-limited the request \(HTTP 429\) after 4 attempts/,
  });
  assert.equal(stub.requestsTo('embeddings').length, 4);
});

test('5xx is retried, 401 and 400 are not', async () => {
  stub.script({ kind: 'status', status: 500, times: 100 });
  await assert.rejects(embedder().embed(['x']), { kind: 'unavailable', status: 500, message: /unavailable \(HTTP 500\) after 3 attempts/ });
  assert.equal(stub.requestsTo('embeddings').length, 3);
  stub.reset();
  stub.script({ kind: 'status', status: 401, message: 'Invalid API key' });
  await assert.rejects(embedder().embed(['x']), { kind: 'auth', status: 401, message: /check the API key: Invalid API key/ });
  stub.script({ kind: 'status', status: 400, message: 'input too long' });
  await assert.rejects(embedder().embed(['x']), { kind: 'bad_request', status: 400, message: /rejected the request \(HTTP 400\): input too long/ });
  assert.equal(stub.requestsTo('embeddings').length, 2);
});

test('a dropped connection is retried; an unreachable server is "unavailable"', async () => {
  stub.script({ kind: 'broken', endpoint: 'embeddings' });
  assert.equal((await embedder().embed(['x'])).vectors.length, 1);
  assert.equal(stub.requestsTo('embeddings').length, 2);
  const nowhere = createEmbeddingModel({ factory: 'OpenAI-API-Compatible', name: 'e___OpenAI-API', type: 'embedding', api_base: 'http://127.0.0.1:1/v1' }, { ...FAST, maxAttempts: 2 });
  await assert.rejects(nowhere.embed(['x']), { kind: 'unavailable', message: /Could not reach the model provider at http:\/\/127\.0\.0\.1:1\/v1 after 2 attempts/ });
});

test('a hanging provider times out; a cancelled call stops its request', async () => {
  stub.script({ kind: 'hang', times: 5 });
  const started = Date.now();
  await assert.rejects(embedder({ timeoutMs: 200 }).embed(['x']), { kind: 'timeout', message: /did not answer within 200 ms/ });
  assert.ok(Date.now() - started < 1500);
  assert.equal(stub.requestsTo('embeddings').length, 1, 'timeouts are not retried');
  await stub.disconnected(stub.requestsTo('embeddings')[0]!);

  const controller = new AbortController();
  const pending = embedder().embed(['x'], { signal: controller.signal });
  while (stub.requestsTo('embeddings').length < 2) await new Promise((r) => setImmediate(r));
  controller.abort();
  await assert.rejects(pending, { kind: 'aborted' });
  await stub.disconnected(stub.requestsTo('embeddings')[1]!, 500);
});

test('rerank: POST {base}/rerank, scores in document order, tokens from usage', async () => {
  const reranker = createReranker({ factory: 'SILICONFLOW', name: 'BAAI/bge-reranker-v2-m3', type: 'rerank', api_base: stub.url, api_key: 'stub-key' }, FAST);
  const docs = ['nothing here', 'the warranty lasts two years', 'warranty'];
  const { scores, tokens } = await reranker.rerank('how long is the warranty', docs);
  const [call] = stub.requestsTo('rerank');
  assert.equal(call!.path, '/v1/rerank');
  assert.deepEqual(call!.body, { model: 'BAAI/bge-reranker-v2-m3', query: 'how long is the warranty', documents: docs, top_n: 3 });
  assert.equal(scores.length, 3);
  assert.equal(scores[0], 0);
  assert.ok(scores[1]! > scores[2]! && scores[2]! > 0, 'the stub answered best-first; scores are back in document order');
  assert.deepEqual(stub.requestsTo('rerank')[0]!.body.documents, docs);
  assert.equal(tokens, 5 + 2 + 5 + 1);
  assert.deepEqual(await reranker.rerank('q', []), { scores: [], tokens: 0 });
  stub.script({ kind: 'status', status: 429, retryAfter: 0, times: 1 });
  assert.equal((await reranker.rerank('warranty', ['warranty'])).scores[0], 1);
});
