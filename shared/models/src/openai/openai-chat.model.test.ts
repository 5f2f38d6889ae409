import assert from 'node:assert/strict';
import { NetworkGuard } from '@rag/platform';
import { after, before, beforeEach, test } from 'node:test';
import { startModelServer, type ModelServer } from '../../../../test/support/model-server.js';
import { createChatModel } from '../model-factory.js';
import type { ModelError } from '../model-error.js';
import type { ChatDelta, ChatMessage, ModelCallOptions } from '../types.js';

let stub: ModelServer;
before(async () => {
  stub = await startModelServer();
});
after(() => stub.stop());
beforeEach(() => stub.reset());

// The stub listens on 127.0.0.1, which only an operator's allow-list opens (the guarded fetch, as in production).
const FAST: ModelCallOptions = { retryBaseDelayMs: 5, retryMaxDelayMs: 50, timeoutMs: 2000, guard: new NetworkGuard({ allowPrivate: false, allow: ['127.0.0.1/32'] }) };
const chat = (opts: ModelCallOptions = {}) =>
  createChatModel({ factory: 'ZHIPU-AI', name: 'glm-4-flash', type: 'chat', api_base: stub.url, api_key: 'stub-key' }, { ...FAST, ...opts });
const hello: ChatMessage[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'hello there' },
];

async function collect(stream: AsyncIterable<ChatDelta>): Promise<ChatDelta[]> {
  const out: ChatDelta[] = [];
  for await (const d of stream) out.push(d);
  return out;
}
const text = (deltas: ChatDelta[], key: 'content' | 'reasoning' = 'content') => deltas.map((d) => d[key] ?? '').join('');

test('stream: deltas add up to the answer; the last carries usage and finish_reason', async () => {
  const deltas = await collect(chat().stream(hello, { temperature: 0.1, max_tokens: 64 }));
  assert.equal(text(deltas), 'Stub answer. You said: hello there');
  assert.ok(deltas.filter((d) => d.content).length > 3, 'arrives in pieces');
  const last = deltas[deltas.length - 1]!;
  assert.equal(last.finish_reason, 'stop');
  assert.deepEqual(last.usage, { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 });
  const [call] = stub.requestsTo('chat');
  assert.equal(call!.path, '/v1/chat/completions');
  assert.equal(call!.body.stream, true);
  assert.deepEqual(call!.body.stream_options, { include_usage: true });
  assert.equal(call!.body.temperature, 0.1);
  assert.equal(call!.body.max_tokens, 64);
  assert.equal('top_p' in call!.body, false, 'unset options are not sent');
  assert.deepEqual(call!.body.messages, hello);
});

test('complete: the whole answer and usage; usage is estimated when the provider sends none', async () => {
  const result = await chat().complete(hello);
  assert.deepEqual(result, { text: 'Stub answer. You said: hello there', usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 } });
  assert.equal(stub.requestsTo('chat')[0]!.body.stream, false);
  stub.script({ kind: 'text', text: 'Plain.', noUsage: true });
  const estimated = await chat().complete(hello);
  assert.ok(estimated.usage.prompt_tokens > 0 && estimated.usage.completion_tokens > 0);
});

test('<think> blocks become reasoning, even when the tags arrive cut across chunks', async () => {
  stub.script({ kind: 'think', reasoning: 'The user greets me.', text: 'Hi!', chunkSize: 3 });
  const deltas = await collect(chat().stream(hello));
  assert.equal(text(deltas, 'reasoning'), 'The user greets me.');
  assert.equal(text(deltas), 'Hi!');
  const firstContent = deltas.findIndex((d) => d.content);
  assert.ok(deltas.slice(0, firstContent).every((d) => d.content === undefined), 'reasoning first');

  stub.script({ kind: 'think', reasoning: 'Hmm.', text: 'Done.' });
  assert.deepEqual(await chat().complete(hello).then(({ text, reasoning }) => ({ text, reasoning })), { text: 'Done.', reasoning: 'Hmm.' });
});

test('native reasoning_content (DeepSeek style) becomes reasoning too', async () => {
  stub.script({ kind: 'think', reasoning: 'Native thoughts here.', text: 'Answer.', native: true });
  const deltas = await collect(chat().stream(hello));
  assert.equal(text(deltas, 'reasoning'), 'Native thoughts here.');
  assert.equal(text(deltas), 'Answer.');
  stub.script({ kind: 'think', reasoning: 'Quiet.', text: 'Loud.', native: true });
  const done = await chat().complete(hello);
  assert.equal(done.reasoning, 'Quiet.');
  assert.equal(done.text, 'Loud.');
});

test('429 twice then success: retried before the first delta, measured in requests', async () => {
  stub.script({ kind: 'status', status: 429, retryAfter: 0, times: 2 });
  assert.equal(text(await collect(chat().stream(hello))), 'Stub answer. You said: hello there');
  assert.equal(stub.requestsTo('chat').length, 3);
  stub.reset();
  stub.script({ kind: 'status', status: 503, times: 2 });
  assert.equal((await chat().complete(hello)).text, 'Stub answer. You said: hello there');
  assert.equal(stub.requestsTo('chat').length, 3);
});

test('429 forever: rate_limited after N attempts, stream and non-stream', async () => {
  stub.script({ kind: 'status', status: 429, retryAfter: 0, times: 100 });
  await assert.rejects(collect(chat().stream(hello)), { name: 'ModelError', kind: 'rate_limited', message: 'Model provider rate-limited the request (HTTP 429) after 3 attempts: Scripted HTTP 429' });
  assert.equal(stub.requestsTo('chat').length, 3);
  await assert.rejects(chat({ maxAttempts: 2 }).complete(hello), { kind: 'rate_limited', attempts: 2 });
  assert.equal(stub.requestsTo('chat').length, 5);
});

test('a stream cut mid-answer fails as broken_stream, after the part that arrived, without a retry', async () => {
  stub.script({ kind: 'broken', afterChunks: 3 });
  const seen: ChatDelta[] = [];
  await assert.rejects(
    (async () => {
      for await (const d of chat().stream(hello)) seen.push(d);
    })(),
    { name: 'ModelError', kind: 'broken_stream', message: /^The model's answer stream broke off after \d+ characters/ },
  );
  assert.ok(text(seen).startsWith('Stub answer.'));
  assert.equal(stub.requestsTo('chat').length, 1);
});

test('a stream cut before any answer is retried', async () => {
  stub.script({ kind: 'broken', afterChunks: 0 });
  assert.equal(text(await collect(chat().stream(hello))), 'Stub answer. You said: hello there');
  assert.equal(stub.requestsTo('chat').length, 2);
});

test('a hanging provider times out, stream and non-stream', async () => {
  stub.script({ kind: 'hang', times: 2 });
  await assert.rejects(collect(chat({ timeoutMs: 150 }).stream(hello)), { kind: 'timeout', message: /did not answer within 150 ms/ });
  await assert.rejects(chat({ timeoutMs: 150 }).complete(hello), { kind: 'timeout' });
  assert.equal(stub.requestsTo('chat').length, 2);
});

test('a stream that stalls between tokens times out; a slow consumer does not', async () => {
  stub.script({ kind: 'slow', delayMs: 300 });
  await assert.rejects(collect(chat({ timeoutMs: 150 }).stream(hello)), { kind: 'timeout', message: /stopped sending the answer for 150 ms/ });
  stub.script({ kind: 'slow', delayMs: 20 });
  const deltas: ChatDelta[] = [];
  for await (const d of chat({ timeoutMs: 150 }).stream(hello)) {
    deltas.push(d);
    await new Promise((r) => setTimeout(r, 200));
    if (deltas.length === 2) break;
  }
  assert.equal(deltas.length, 2);
});

test('abort cancels the HTTP request promptly', async () => {
  stub.script({ kind: 'slow', delayMs: 100 });
  const controller = new AbortController();
  const seen: ChatDelta[] = [];
  const consuming = (async () => {
    for await (const d of chat().stream(hello, { signal: controller.signal })) {
      seen.push(d);
      if (seen.length === 2) controller.abort();
    }
  })();
  await assert.rejects(consuming, { kind: 'aborted', message: 'The model call was cancelled' });
  const abortedAt = Date.now();
  const [call] = stub.requestsTo('chat');
  await stub.disconnected(call!, 500);
  assert.ok(call!.disconnectedAt! - abortedAt < 200, 'the server saw the connection close');
  assert.equal(seen.length, 2);

  stub.script({ kind: 'hang' });
  const early = new AbortController();
  const pending = chat().complete(hello, { signal: early.signal });
  while (stub.requestsTo('chat').length < 2) await new Promise((r) => setImmediate(r));
  early.abort();
  await assert.rejects(pending, { kind: 'aborted' });
  await stub.disconnected(stub.requestsTo('chat')[1]!, 500);
});

test('breaking out of the stream closes the request', async () => {
  stub.script({ kind: 'slow', delayMs: 50 });
  for await (const d of chat().stream(hello)) if (d.content) break;
  await stub.disconnected(stub.requestsTo('chat')[0]!, 500);
});

test('suffixed names are sent without their suffix; a related-questions prompt gets a list', async () => {
  const model = createChatModel({ factory: 'OpenAI-API-Compatible', name: 'qwen2___OpenAI-API', type: 'chat', api_base: stub.url }, FAST);
  const { text } = await model.complete([
    { role: 'system', content: 'Suggest related search questions as a numbered list.' },
    { role: 'user', content: 'Keywords: vector search' },
  ]);
  assert.equal(text, '1. What is vector search?\n2. How does vector search work?\n3. Why does vector search matter?');
  assert.equal(stub.requestsTo('chat')[0]!.body.model, 'qwen2');
  assert.equal(stub.requestsTo('chat')[0]!.headers.authorization, 'Bearer EMPTY');
});

test('Azure: deployment path, api-version query, api-key header', async () => {
  const azure = createChatModel(
    { factory: 'Azure-OpenAI', name: 'gpt4o-prod', type: 'chat', api_base: `http://127.0.0.1:${stub.port}`, api_key: '{"api_key":"az-key","api_version":"2024-06-01"}' },
    FAST,
  );
  assert.equal(text(await collect(azure.stream(hello))), 'Stub answer. You said: hello there');
  const [call] = stub.requestsTo('chat');
  assert.equal(call!.path, '/openai/deployments/gpt4o-prod/chat/completions');
  assert.deepEqual(call!.query, { 'api-version': '2024-06-01' });
  assert.equal(call!.headers['api-key'], 'az-key');
  assert.equal(call!.headers.authorization, undefined);
});

test('an endpoint on loopback is refused at call time unless the operator allows it, without a request', async () => {
  const spec = { factory: 'OpenAI-API-Compatible', name: 'qwen2___OpenAI-API', type: 'chat' as const, api_base: stub.url };
  const fast = { retryBaseDelayMs: 5, retryMaxDelayMs: 50, timeoutMs: 2000 };
  for (const model of [createChatModel(spec, fast), createChatModel({ ...spec, api_base: 'http://169.254.169.254/v1' }, fast)]) {
    await assert.rejects(model.complete(hello), { name: 'ModelError', kind: 'config', message: /^Model endpoint http:\/\/(127\.0\.0\.1|169\.254\.169\.254)\S* is not allowed: \S+ is a (loopback|link-local) address/ });
    await assert.rejects(collect(model.stream(hello)), { kind: 'config', attempts: 1 });
  }
  // A name that resolves to loopback is refused when the connection is made.
  const byName = createChatModel({ ...spec, api_base: stub.url.replace('127.0.0.1', 'localhost') }, fast);
  await assert.rejects(byName.complete(hello), { kind: 'config', message: /localhost/ });
  assert.equal(stub.requestsTo('chat').length, 0);
  const allowed = createChatModel(spec, { ...fast, guard: new NetworkGuard({ allowPrivate: false, allow: ['127.0.0.1/32'] }) });
  assert.equal((await allowed.complete(hello)).text, 'Stub answer. You said: hello there');
});

test("a provider's error text reaches callers only as a short, scrubbed reason; the whole body stays on the error for the logs", async () => {
  const said = `Incorrect API key provided: sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789. See https://internal.example/secret?x=1\nfor ${'details '.repeat(40)}`;
  stub.script({ kind: 'status', status: 401, message: said });
  const err = await chat().complete(hello).then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e as ModelError,
  );
  assert.equal(err.kind, 'auth');
  assert.match(err.message, /^Model provider refused the credentials \(HTTP 401\); check the API key: Incorrect API key provided: \[redacted\]\. See \[url\] for details/);
  assert.ok(!err.message.includes('sk-proj') && !err.message.includes('internal.example'), err.message);
  assert.ok(err.message.length < 260, `short: ${err.message.length}`);
  assert.ok(err.providerBody?.includes('sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'), 'the full body is kept for the log');
});
