import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startStack, signUp, type Stack } from '../support/stack.js';
import { upload, waitForParsing } from '../support/documents.js';
import { readSse } from '../support/sse.js';
import { startModelServer, type ModelServer } from '../support/model-server.js';

type User = Awaited<ReturnType<typeof signUp>>;

const FACTS = [
  'The Eiffel Tower is a wrought-iron lattice tower in Paris, France.',
  'It was completed in 1889 as the entrance arch to the World Fair.',
  'The tower is 330 metres tall and was the tallest man-made structure for 41 years.',
].join('\n');

describe('chat completions: native, OpenAI-compatible, streaming over JetStream', () => {
  let stack: Stack;
  let models: ModelServer;
  let alice: User;
  let chatId: string;
  let stubChatId: string;

  before(async () => {
    models = await startModelServer();
    stack = await startStack({ env: { STREAM_DETACH_GRACE_MS: '1500', SSE_KEEPALIVE_MS: '300', MODEL_TIMEOUT_MS: '2500' } });
    alice = await signUp(stack.http);
    const ds = (await stack.http.post('/api/v1/datasets', { name: 'tower' }, alice.bearer)).body.data;
    const up = await upload(stack.http, alice.bearer, ds.id, [{ name: 'eiffel.txt', data: FACTS }]);
    await stack.http.post(`/api/v1/datasets/${ds.id}/chunks`, { document_ids: [up.body.data[0].id] }, alice.bearer);
    const docs = await waitForParsing(stack.http, alice.bearer, ds.id, [up.body.data[0].id]);
    assert.equal(docs.get(up.body.data[0].id).run, 'DONE');
    const chat = await stack.http.post('/api/v1/chats', { name: 'tower guide', dataset_ids: [ds.id] }, alice.bearer);
    assert.equal(chat.body.code, 0, chat.text);
    chatId = chat.body.data.id;
    // A provider model served by the local scripted stub (OpenAI wire protocol).
    const add = await stack.http.post('/v1/llm/add_llm', { llm_factory: 'OpenAI-API-Compatible', llm_name: 'stub-chat', model_type: 'chat', api_base: models.url, api_key: 'stub-key' }, alice.loginToken);
    assert.equal(add.body.code, 0, add.text);
    const stubChat = await stack.http.post('/api/v1/chats', { name: 'stub chat', dataset_ids: [ds.id], llm: { model_name: 'stub-chat___OpenAI-API@OpenAI-API-Compatible' } }, alice.bearer);
    assert.equal(stubChat.body.code, 0, stubChat.text);
    stubChatId = stubChat.body.data.id;
  });
  after(async () => {
    await stack?.stop();
    await models?.stop();
  });

  const completions = (id: string) => `${stack.baseUrl}/api/v1/chats/${id}/completions`;
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    readSse(url, { headers: { Authorization: alice.bearer, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

  test('without a session: a new session and the opener', async () => {
    const r = await stack.http.post(`/api/v1/chats/${chatId}/completions`, { stream: false }, alice.bearer);
    assert.equal(r.body.code, 0);
    assert.equal(r.body.data.answer, "Hi! I'm your assistant. What can I do for you?");
    assert.deepEqual(Object.keys(r.body.data).sort(), ['answer', 'audio_binary', 'id', 'reference', 'session_id']);
    const s = await post(completions(chatId), {});
    assert.equal(s.events.length, 2);
    assert.deepEqual(JSON.parse(s.events[1]!.data), { code: 0, message: '', data: true });
  });

  test('non-stream answer with citations from the built-in extractive answerer, stored in the session', async () => {
    const session = (await stack.http.post(`/api/v1/chats/${chatId}/sessions`, { name: 's1' }, alice.bearer)).body.data;
    const r = await stack.http.post(`/api/v1/chats/${chatId}/completions`, { question: 'When was the Eiffel Tower completed?', session_id: session.id, stream: false }, alice.bearer);
    assert.equal(r.body.code, 0, r.text);
    const d = r.body.data;
    assert.match(d.answer, /1889/);
    assert.match(d.answer, /\[ID:\d+\]/);
    assert.equal(d.session_id, session.id);
    assert.ok(d.reference.chunks.length > 0);
    assert.deepEqual(Object.keys(d.reference.chunks[0]).sort(), ['content', 'dataset_id', 'doc_type', 'document_id', 'document_name', 'id', 'image_id', 'positions', 'similarity', 'term_similarity', 'url', 'vector_similarity'].sort());
    const listed = (await stack.http.get(`/api/v1/chats/${chatId}/sessions?id=${session.id}`, alice.bearer)).body.data[0];
    assert.equal(listed.messages.length, 3, 'opener + question + answer');
    assert.equal(listed.messages[2].role, 'assistant');
    assert.match(listed.messages[2].content, /1889/);
  });

  test('native stream: headers, deltas without message, final reference, data:true last, ids are stream sequences', async () => {
    const session = (await stack.http.post(`/api/v1/chats/${chatId}/sessions`, { name: 's2' }, alice.bearer)).body.data;
    const r = await post(completions(chatId), { question: 'How tall is the tower?', session_id: session.id });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    assert.equal(r.headers.get('x-accel-buffering'), 'no');
    assert.match(r.raw, /^id:\d+\ndata:\{/);
    const payloads = r.events.map((e) => JSON.parse(e.data));
    assert.deepEqual(payloads.at(-1), { code: 0, data: true });
    const deltas = payloads.slice(0, -1).filter((p) => p.data.final === false);
    assert.ok(deltas.length > 3);
    assert.ok(deltas.every((p) => !('message' in p) && p.data.session_id === session.id));
    const text = deltas.map((p) => p.data.answer).join('');
    assert.match(text, /330/);
    const final = payloads.find((p) => p.data.final === true);
    assert.equal(final.data.answer, '');
    assert.ok(final.data.reference.chunks.length > 0);
    const ids = r.events.map((e) => Number(e.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ids increase');
  });

  test('errors: unknown chat, foreign session, no question', async () => {
    assert.deepEqual((await stack.http.post(`/api/v1/chats/nope/completions`, { question: 'x' }, alice.bearer)).body, { code: 102, message: "You don't own the chat nope" });
    assert.deepEqual((await stack.http.post(`/api/v1/chats/${chatId}/completions`, { question: 'x', session_id: 'nope' }, alice.bearer)).body, { code: 102, message: "You don't own the session nope" });
    const session = (await stack.http.post(`/api/v1/chats/${chatId}/sessions`, {}, alice.bearer)).body.data;
    const r = await stack.http.post(`/api/v1/chats/${chatId}/completions`, { session_id: session.id, stream: false }, alice.bearer);
    assert.equal(r.body.code, 100);
  });

  test('the official openai SDK: non-stream, stream, reference, usage', async () => {
    const client = new OpenAI({ apiKey: alice.apiKey, baseURL: `${stack.baseUrl}/api/v1/chats_openai/${chatId}` });
    const r = await client.chat.completions.create({ model: 'anything', messages: [{ role: 'user', content: 'When was it completed?' }], stream: false });
    assert.equal(r.object, 'chat.completion');
    assert.match(r.choices[0]!.message.content ?? '', /1889/);
    assert.ok(r.usage!.prompt_tokens > 0 && r.usage!.completion_tokens > 0);
    assert.equal(r.usage!.total_tokens, r.usage!.prompt_tokens + r.usage!.completion_tokens);
    const stream = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'How tall is the Eiffel Tower?' }], stream: true, extra_body: { reference: true } } as never);
    let content = '';
    let last: any;
    for await (const chunk of stream as unknown as AsyncIterable<any>) {
      content += chunk.choices[0]?.delta?.content ?? '';
      last = chunk;
    }
    assert.match(content, /330/);
    assert.equal(last.choices[0].finish_reason, 'stop');
    assert.ok(last.usage.total_tokens > 0);
    assert.ok(Array.isArray(last.choices[0].delta.reference) && last.choices[0].delta.reference.length > 0);
    assert.equal(last.choices[0].delta.final_content, content);
    const missing = await stack.http.post(`/api/v1/chats_openai/${chatId}/chat/completions`, { messages: [] }, alice.bearer);
    assert.deepEqual(missing.body, { code: 101, message: 'required argument are missing: model; ', data: null });
    const empty = await stack.http.post(`/api/v1/chats_openai/${chatId}/chat/completions`, { model: 'm', messages: [] }, alice.bearer);
    assert.deepEqual(empty.body, { code: 102, message: 'You have to provide messages.' });
  });

  test('a provider model through the stub: <think> becomes reasoning_content; 429 is retried', async () => {
    models.script({ kind: 'think', reasoning: 'Let me recall the facts.', text: 'It opened in 1889 [ID:0].' });
    const client = new OpenAI({ apiKey: alice.apiKey, baseURL: `${stack.baseUrl}/api/v1/chats_openai/${stubChatId}` });
    const stream = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'When was the Eiffel Tower completed?' }], stream: true });
    let reasoning = '';
    let content = '';
    for await (const chunk of stream as unknown as AsyncIterable<any>) {
      reasoning += chunk.choices[0]?.delta?.reasoning_content ?? '';
      content += chunk.choices[0]?.delta?.content ?? '';
    }
    assert.equal(reasoning.trim(), 'Let me recall the facts.');
    assert.equal(content.trim(), 'It opened in 1889 [ID:0].');
    models.script({ kind: 'status', status: 429, retryAfter: 0, times: 2 });
    const before = models.requestsTo('chat').length;
    const r = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'Again, when was the Eiffel Tower completed?' }], stream: false });
    assert.match(r.choices[0]!.message.content ?? '', /Stub answer/);
    assert.equal(models.requestsTo('chat').length - before, 3, 'two 429s, then success');
    let used = 0;
    for (let i = 0; i < 30 && !used; i++) {
      const mine = await stack.http.get('/v1/llm/my_llms', alice.loginToken);
      used = mine.body.data['OpenAI-API-Compatible'].llm.find((m: { name: string }) => m.name === 'stub-chat___OpenAI-API').used_token;
      if (!used) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(used > 0, 'token usage is recorded on the tenant model');
  });

  test('a broken provider stream ends with the contract error event and stores no half turn', async () => {
    const session = (await stack.http.post(`/api/v1/chats/${stubChatId}/sessions`, { name: 'broken' }, alice.bearer)).body.data;
    models.script({ kind: 'broken', afterChunks: 2, text: 'one two three four five six' });
    const r = await post(completions(stubChatId), { question: 'Tell me about the Eiffel Tower', session_id: session.id });
    const payloads = r.events.map((e) => JSON.parse(e.data));
    const err = payloads.find((p) => p.code === 500);
    assert.ok(err, 'an error event');
    assert.match(err.data.answer, /^\*\*ERROR\*\*: /);
    assert.deepEqual(payloads.at(-1), { code: 0, data: true });
    const listed = (await stack.http.get(`/api/v1/chats/${stubChatId}/sessions?id=${session.id}`, alice.bearer)).body.data[0];
    assert.equal(listed.messages.length, 1, 'only the opener: no half-written turn');
  });

  test('resume with Last-Event-ID: no gaps, no repeats; keep-alive comments during silence', async () => {
    const session = (await stack.http.post(`/api/v1/chats/${stubChatId}/sessions`, { name: 'resume' }, alice.bearer)).body.data;
    const words = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
    models.script({ kind: 'slow', delayMs: 120, text: words });
    // Stop reading after 5 events, then resume from the last id seen.
    const part = await readSse(completions(stubChatId), { headers: { Authorization: alice.bearer, 'Content-Type': 'application/json' }, body: JSON.stringify({ question: 'Count the Eiffel Tower facts', session_id: session.id }) }, { stopAfter: 5 });
    const lastId = part.events.at(-1)!.id!;
    const rest = await post(completions(stubChatId), { question: 'Count the Eiffel Tower facts', session_id: session.id }, { 'Last-Event-ID': lastId });
    const all = [...part.events, ...rest.events];
    const ids = all.map((e) => Number(e.id));
    assert.equal(new Set(ids).size, ids.length, 'no repeats');
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
    const text = all.map((e) => JSON.parse(e.data)).filter((p) => p.data?.final === false).map((p) => p.data.answer).join('');
    assert.equal(text.replace(/\s+/g, ' ').trim(), words, 'the whole answer, no gaps');
    assert.deepEqual(JSON.parse(rest.events.at(-1)!.data), { code: 0, data: true });
  });

  test('a client that disconnects cancels the model call after the grace period', async () => {
    const session = (await stack.http.post(`/api/v1/chats/${stubChatId}/sessions`, { name: 'gone' }, alice.bearer)).body.data;
    models.script({ kind: 'slow', delayMs: 200, text: Array.from({ length: 60 }, (_, i) => `t${i}`).join(' ') });
    const before = models.requestsTo('chat').length;
    await readSse(completions(stubChatId), { headers: { Authorization: alice.bearer, 'Content-Type': 'application/json' }, body: JSON.stringify({ question: 'A long answer about the Eiffel Tower', session_id: session.id }) }, { stopAfter: 2 });
    const call = models.requestsTo('chat')[before]!;
    await models.disconnected(call, 8000);
    const listed = (await stack.http.get(`/api/v1/chats/${stubChatId}/sessions?id=${session.id}`, alice.bearer)).body.data[0];
    assert.equal(listed.messages.length, 1, 'a cancelled answer stores no turn');
  });

  test('keep-alive comments fill long silences', async () => {
    const session = (await stack.http.post(`/api/v1/chats/${stubChatId}/sessions`, { name: 'quiet' }, alice.bearer)).body.data;
    models.script({ kind: 'slow', delayMs: 900, text: 'slow words here' });
    const r = await post(completions(stubChatId), { question: 'Quietly, how tall is the Eiffel Tower?', session_id: session.id });
    assert.ok(r.comments > 0, 'keep-alive comments were sent');
    assert.match(r.raw, /: keep-alive\n\n/);
  });

  test('related questions; a provider that never answers fails the turn cleanly', async () => {
    const rq = await stack.http.post('/api/v1/sessions/related_questions', { question: 'Eiffel Tower history' }, alice.bearer);
    assert.equal(rq.body.code, 0, rq.text);
    assert.ok(Array.isArray(rq.body.data) && rq.body.data.length > 0 && rq.body.data.every((q: unknown) => typeof q === 'string' && !/^\d+\./.test(q)));
    assert.deepEqual((await stack.http.post('/api/v1/sessions/related_questions', {}, alice.bearer)).body, { code: 102, message: '`question` is required.' });
    const session = (await stack.http.post(`/api/v1/chats/${stubChatId}/sessions`, { name: 'hang' }, alice.bearer)).body.data;
    models.script({ kind: 'hang' });
    const started = Date.now();
    const r = await stack.http.post(`/api/v1/chats/${stubChatId}/completions`, { question: 'How tall is the Eiffel Tower?', session_id: session.id, stream: false }, alice.bearer);
    assert.equal(r.body.code, 100, r.text);
    assert.match(r.body.message, /ModelError/);
    assert.ok(Date.now() - started < 20_000, 'bounded by the model timeout');
    const listed = (await stack.http.get(`/api/v1/chats/${stubChatId}/sessions?id=${session.id}`, alice.bearer)).body.data[0];
    assert.equal(listed.messages.length, 1, 'no half-written turn');
  });
});
