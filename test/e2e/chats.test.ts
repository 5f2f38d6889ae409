import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection, type Subscription } from 'nats';
import { openDb, type Knex } from '@rag/platform';
import { SessionRepository } from '@rag/dialog-svc';
import { startStack, signUp, type Stack } from '../support/stack.js';
import { upload } from '../support/documents.js';

type User = Awaited<ReturnType<typeof signUp>>;

const SYSTEM_PROMPT =
  'You are an intelligent assistant. Please summarize the content of the dataset to answer the question. Please list the data in the dataset and answer in detail. When all dataset content is irrelevant to the question, your answer must include the sentence "The answer you are looking for is not found in the dataset!" Answers need to consider chat history.\n      Here is the knowledge base:\n      {knowledge}\n      The above is the knowledge base.';
const OPENER = "Hi! I'm your assistant. What can I do for you?";
const EMPTY_RESPONSE = 'Sorry! No relevant content was found in the knowledge base!';

/** The offline model set-up RAGFlow's suites do first (CONTRACT §17, §22): glm models of ZHIPU-AI, Builtin embeddings. */
async function configureModels(stack: Stack, user: User): Promise<void> {
  for (const [llm_name, model_type] of [['glm-4-flash', 'chat'], ['glm-4', 'chat'], ['glm-4v', 'image2text'], ['jina-reranker-v2-base-multilingual', 'rerank']]) {
    const factory = model_type === 'rerank' ? 'Jina' : 'ZHIPU-AI';
    const r = await stack.http.post('/v1/llm/add_llm', { llm_factory: factory, llm_name, model_type, api_base: 'http://127.0.0.1:9/v1', api_key: 'stub-key' }, user.loginToken);
    assert.equal(r.body.code, 0, r.text);
  }
  const r = await stack.http.post(
    '/v1/user/set_tenant_info',
    { tenant_id: user.userId, llm_id: 'glm-4-flash@ZHIPU-AI', embd_id: 'BAAI/bge-small-en-v1.5@Builtin', img2txt_id: '', asr_id: '', tts_id: null },
    user.loginToken,
  );
  assert.equal(r.body.code, 0, r.text);
}

/** A dataset holding one hand-made chunk (built-in embedder, no parsing), once its counter shows it. */
async function datasetWithChunk(stack: Stack, user: User, name: string, embedding_model?: string): Promise<string> {
  const ds = await stack.http.post('/api/v1/datasets', { name, ...(embedding_model ? { embedding_model } : {}) }, user.bearer);
  assert.equal(ds.body.code, 0, ds.text);
  const id = ds.body.data.id as string;
  const up = await upload(stack.http, user.bearer, id, [{ name: 'facts.txt', data: 'The moon orbits the earth.' }]);
  assert.equal(up.body.code, 0, JSON.stringify(up.body));
  const chunk = await stack.http.post(`/api/v1/datasets/${id}/documents/${up.body.data[0].id}/chunks`, { content: 'The moon orbits the earth about every 27 days.' }, user.bearer);
  assert.equal(chunk.body.code, 0, chunk.text);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = await stack.http.get(`/api/v1/datasets?id=${id}`, user.bearer);
    if (r.body.data?.[0]?.chunk_count > 0) return id;
    if (Date.now() > deadline) throw new Error(`dataset ${id} still shows no chunks: ${r.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** dialog-svc's own database, opened beside the service (as the completion code will write sessions). */
function dialogDb(stack: Stack): Knex {
  return openDb({ url: stack.env.DATABASE_URL, dataDir: stack.env.DATA_DIR!, name: 'dialog' });
}

describe('chat assistants and sessions end to end (SQLite)', () => {
  let stack: Stack;
  let alice: User;
  let bob: User;
  let dataset: string;
  let nc: NatsConnection;
  let events: Subscription;
  const seen: { type: string; data: any }[] = [];
  const chats = () => '/api/v1/chats';
  const createChat = (json: unknown, who: User = alice) => stack.http.post(chats(), json, who.bearer);
  const listChats = (query = '', who: User = alice) => stack.http.get(`${chats()}${query}`, who.bearer);
  const sessions = (chatId: string) => `${chats()}/${chatId}/sessions`;

  before(async () => {
    stack = await startStack();
    alice = await signUp(stack.http);
    bob = await signUp(stack.http);
    await configureModels(stack, alice);
    await configureModels(stack, bob);
    nc = await connect({ servers: stack.nats.url });
    events = nc.subscribe('rag.v1.events.>');
    void (async () => {
      for await (const m of events) {
        const e = m.json<{ type: string; data: unknown }>();
        if (/^(chat|session)\./.test(e.type)) seen.push(e);
      }
    })();
    dataset = await datasetWithChunk(stack, alice, 'moon');
  });
  after(async () => {
    await nc?.drain();
    await stack?.stop();
  });

  test('API-key failures answer as on every /api/v1 route', async () => {
    assert.deepEqual((await stack.http.get(chats())).body, { code: 0, message: "`Authorization` can't be empty", data: false });
    assert.deepEqual((await stack.http.post(chats(), { name: 'x' }, 'Bearer ragflow-nope')).body, { code: 109, message: 'Authentication error: API key is invalid!', data: false });
  });

  test('create fills RAGFlow\'s defaults and answers the nested shape (§10.1, §10.2)', async () => {
    const r = await createChat({ name: 'defaults', dataset_ids: [dataset] });
    assert.equal(r.status, 200);
    assert.equal(r.body.code, 0, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), ['code', 'data']);
    const c = r.body.data;
    assert.deepEqual(Object.keys(c).sort(), [
      'avatar', 'create_date', 'create_time', 'dataset_ids', 'description', 'do_refer', 'id', 'language', 'llm', 'meta_data_filter', 'name', 'prompt', 'prompt_type', 'status',
      'tenant_id', 'update_date', 'update_time',
    ]);
    assert.match(c.id, /^[0-9a-f]{12}1[0-9a-f]{19}$/);
    assert.equal(c.tenant_id, alice.userId);
    assert.deepEqual(c.dataset_ids, [dataset]);
    assert.equal(c.description, 'A helpful Assistant');
    assert.equal(c.avatar, '');
    assert.equal(c.language, 'English');
    assert.equal(c.prompt_type, 'simple');
    assert.equal(c.do_refer, '1');
    assert.equal(c.status, '1');
    assert.deepEqual(c.meta_data_filter, {});
    assert.deepEqual(c.llm, { temperature: 0.1, top_p: 0.3, frequency_penalty: 0.7, presence_penalty: 0.4, max_tokens: 512, model_name: 'glm-4-flash@ZHIPU-AI' });
    assert.deepEqual(c.prompt, {
      prompt: SYSTEM_PROMPT,
      opener: OPENER,
      variables: [{ key: 'knowledge', optional: false }],
      empty_response: EMPTY_RESPONSE,
      show_quote: true,
      tts: false,
      refine_multiturn: true,
      similarity_threshold: 0.2,
      keywords_similarity_weight: 0.7,
      top_n: 6,
      rerank_model: '',
    });
  });

  test('name rules: required, unique among live chats (case-insensitive), no tenant_id', async () => {
    assert.deepEqual((await createChat({ name: '' })).body, { code: 102, message: '`name` is required.' });
    assert.deepEqual((await createChat({})).body, { code: 102, message: '`name` is required.' });
    assert.equal((await createChat({ name: 'CASE INSENSITIVE', dataset_ids: [] })).body.code, 0);
    assert.deepEqual((await createChat({ name: 'case insensitive', dataset_ids: [] })).body, { code: 102, message: 'Duplicated chat name in creating chat.' });
    assert.deepEqual((await createChat({ name: 'with tenant', tenant_id: bob.userId })).body, { code: 102, message: '`tenant_id` must not be provided.' });
    assert.equal((await createChat({ name: 'case insensitive' }, bob)).body.code, 0, 'names are per tenant');
    const long = await createChat({ name: 'a'.repeat(256) });
    assert.deepEqual(long.body, { code: 100, message: `DataError(1406, "Data too long for column 'name' at row 1")`, data: null });
  });

  test('dataset checks: ownership, parsed content, one embedding model', async () => {
    assert.deepEqual((await createChat({ name: 'ds1', dataset_ids: ['invalid_dataset_id'] })).body, { code: 102, message: "You don't own the dataset invalid_dataset_id" });
    assert.deepEqual((await createChat({ name: 'ds2', dataset_ids: 'invalid_dataset_id' })).body, { code: 102, message: "You don't own the dataset i" }, 'a string iterates as characters');
    assert.deepEqual((await createChat({ name: 'ds3', dataset_ids: null })).body, { code: 100, message: `TypeError("'NoneType' object is not iterable")`, data: null });
    assert.deepEqual((await createChat({ name: 'ds4', dataset_ids: [dataset] }, bob)).body, { code: 102, message: `You don't own the dataset ${dataset}` });
    const empty = await stack.http.post('/api/v1/datasets', { name: 'empty' }, alice.bearer);
    assert.deepEqual((await createChat({ name: 'ds5', dataset_ids: [empty.body.data.id] })).body, { code: 102, message: `The dataset ${empty.body.data.id} doesn't own parsed file` });
    const other = await datasetWithChunk(stack, alice, 'm3', 'BAAI/bge-m3@Builtin');
    const mixed = await createChat({ name: 'ds6', dataset_ids: [dataset, other] });
    assert.deepEqual(mixed.body, { code: 109, message: 'Datasets use different embedding models."' });
    const ok = await createChat({ name: 'ds7', dataset_ids: ['', dataset, dataset] });
    assert.equal(ok.body.code, 0, ok.text);
    assert.deepEqual(ok.body.data.dataset_ids, ['', dataset, dataset], 'the request list is echoed');
  });

  test('llm: model checks, and the object replaces the default settings', async () => {
    const glm4 = await createChat({ name: 'llm1', llm: { model_name: 'glm-4' } });
    assert.deepEqual(glm4.body.data.llm, { model_name: 'glm-4' });
    assert.deepEqual((await createChat({ name: 'llm2', llm: { model_name: 'unknown' } })).body, { code: 102, message: "`model_name` unknown doesn't exist" });
    assert.deepEqual((await createChat({ name: 'llm3', llm: { model_name: 'glm-4v' } })).body, { code: 102, message: "`model_name` glm-4v doesn't exist" });
    assert.equal((await createChat({ name: 'llm4', llm: { model_name: 'glm-4v', model_type: 'image2text' } })).body.code, 0);
    const temp = await createChat({ name: 'llm5', llm: { temperature: 0, max_token: 1024 } });
    assert.deepEqual(temp.body.data.llm, { temperature: 0, max_token: 1024, model_name: 'glm-4-flash@ZHIPU-AI' });
    const unset = await createChat({ name: 'llm6', llm: { model_name: null } });
    assert.equal(unset.body.data.llm.model_name, 'glm-4-flash@ZHIPU-AI');
    assert.deepEqual((await createChat({ name: 'llm7', llm: {} })).body.data.llm.temperature, 0.1);
    assert.deepEqual((await createChat({ name: 'llm8', llm: 'glm-4' })).body, { code: 100, message: `TypeError("'str' object does not support item assignment")`, data: null });
  });

  test('prompt: renamed keys, the keywords weight asymmetry, parameter and rerank checks', async () => {
    const p = await createChat({
      name: 'prompt1',
      dataset_ids: [dataset],
      prompt: { similarity_threshold: 0, keywords_similarity_weight: 0.2, top_n: 0, top_k: 10, opener: '', empty_response: '中文测试', show_quote: false, prompt: 'Hello World {knowledge}', variables: [{ key: 'knowledge', optional: false }] },
    });
    assert.equal(p.body.code, 0, p.text);
    const prompt = p.body.data.prompt;
    assert.equal(prompt.similarity_threshold, 0);
    assert.equal(prompt.keywords_similarity_weight, 0.8, 'stored as given, answered as 1 − stored');
    assert.equal(prompt.top_n, 0);
    assert.equal(prompt.opener, '');
    assert.equal(prompt.empty_response, '中文测试');
    assert.equal(prompt.show_quote, false);
    assert.equal(prompt.prompt, 'Hello World {knowledge}');
    assert.equal('top_k' in p.body.data, false);
    const listed = await listChats(`?id=${p.body.data.id}`);
    assert.equal(listed.body.data[0].prompt.keywords_similarity_weight, 0.8);
    assert.equal(listed.body.data[0].top_k, 10);
    for (const [weight, answered] of [[0, 1], [1, 0]]) {
      const r = await createChat({ name: `weight${weight}`, prompt: { keywords_similarity_weight: weight } });
      assert.equal(r.body.data.prompt.keywords_similarity_weight, answered);
    }
    assert.deepEqual((await createChat({ name: 'prompt2', prompt: { prompt: 'Hello World' } })).body, { code: 102, message: "Parameter 'knowledge' is not used" });
    const noVars = await createChat({ name: 'prompt3', prompt: { prompt: 'Hello World', variables: [] } });
    assert.deepEqual(noVars.body.data.prompt.variables, []);
    const emptySystem = await createChat({ name: 'prompt4', prompt: { prompt: '' } });
    assert.equal(emptySystem.body.data.prompt.prompt, SYSTEM_PROMPT, 'an empty system prompt takes the default');
    assert.deepEqual((await createChat({ name: 'prompt5', prompt: { prompt: 123 } })).body, { code: 100, message: `AttributeError("'int' object has no attribute 'find'")`, data: null });
    assert.deepEqual((await createChat({ name: 'prompt6', prompt: { rerank_model: 'unknown' } })).body, { code: 102, message: "`rerank_model` unknown doesn't exist" });
    assert.equal((await createChat({ name: 'prompt7', prompt: { rerank_model: 'BAAI/bge-reranker-v2-m3' } })).body.data.prompt.rerank_model, 'BAAI/bge-reranker-v2-m3');
    assert.equal((await createChat({ name: 'prompt8', prompt: { rerank_model: 'jina-reranker-v2-base-multilingual' } })).body.code, 0);
    assert.deepEqual((await createChat({ name: 'prompt9', prompt: { top_n: 'a' } })).body, { code: 100, message: `ValueError("invalid literal for int() with base 10: 'a'")`, data: null });
  });

  test('bodies that are not objects never crash', async () => {
    const asString = await stack.http.send('POST', chats(), { body: '"x"', headers: { 'Content-Type': 'application/json' }, auth: alice.bearer });
    assert.deepEqual(asString.body, { code: 100, message: `AttributeError("'str' object has no attribute 'get'")`, data: null });
    const asList = await stack.http.send('POST', chats(), { body: '[1]', headers: { 'Content-Type': 'application/json' }, auth: alice.bearer });
    assert.deepEqual(asList.body, { code: 100, message: "TypeError('JSON payload must be an object.')", data: null });
    const form = await stack.http.send('POST', chats(), { body: 'name=form%20chat', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, auth: alice.bearer });
    assert.equal(form.body.code, 0, form.text);
    assert.equal(form.body.data.name, 'form chat');
  });

  test('list: filters, paging with int() semantics, ordering, datasets as stored rows', async () => {
    const all = await listChats('?page_size=1000');
    assert.equal(all.body.code, 0);
    const first = all.body.data.find((c: any) => c.name === 'defaults');
    assert.deepEqual(Object.keys(first).sort(), [
      'avatar', 'create_date', 'create_time', 'datasets', 'description', 'do_refer', 'id', 'language', 'llm', 'meta_data_filter', 'name', 'prompt', 'prompt_type', 'status',
      'tenant_id', 'top_k', 'update_date', 'update_time',
    ]);
    assert.equal(first.datasets.length, 1);
    assert.equal(first.datasets[0].id, dataset);
    assert.ok(first.datasets[0].chunk_num > 0);
    assert.equal(first.datasets[0].embd_id, 'BAAI/bge-small-en-v1.5@Builtin');
    assert.equal(first.datasets[0].parser_id, 'naive');
    assert.equal('chunk_count' in first.datasets[0], false);
    const times = all.body.data.map((c: any) => c.create_time);
    assert.deepEqual(times, [...times].sort((a: number, b: number) => b - a), 'newest first by default');
    const asc = await listChats('?page_size=1000&desc=False');
    assert.deepEqual(asc.body.data.map((c: any) => c.id), [...all.body.data.map((c: any) => c.id)].reverse());
    assert.equal((await listChats('?page_size=1000&desc=FALSE')).body.data[0].id, all.body.data[0].id, 'only false/False turn desc off');
    const byName = await listChats('?orderby=name&desc=false&page_size=1000');
    const names = byName.body.data.map((c: any) => c.name);
    assert.deepEqual(names, [...names].sort((a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0)));
    assert.equal((await listChats('?page=0&page_size=2')).body.data[0].id, all.body.data[0].id, 'page 0 is the first page');
    assert.equal((await listChats('?page=2&page_size=2')).body.data[0].id, all.body.data[2].id);
    assert.deepEqual((await listChats('?page_size=0')).body, { code: 0, data: [] });
    assert.deepEqual((await listChats('?page=a')).body, { code: 100, message: `ValueError("invalid literal for int() with base 10: 'a'")`, data: null });
    assert.deepEqual((await listChats('?page_size=1.5')).body, { code: 100, message: `ValueError("invalid literal for int() with base 10: '1.5'")`, data: null });
    assert.deepEqual((await listChats('?orderby=unknown')).body, { code: 100, message: `AttributeError("type object 'Dialog' has no attribute 'unknown'")`, data: null });
    assert.equal((await listChats(`?id=${first.id}`)).body.data.length, 1);
    assert.equal((await listChats('?name=DEFAULTS')).body.data[0].id, first.id, 'names compare case-insensitively');
    assert.equal((await listChats(`?id=${first.id}&name=defaults`)).body.data.length, 1);
    assert.deepEqual((await listChats('?id=unknown')).body, { code: 102, message: "The chat doesn't exist" });
    assert.deepEqual((await listChats(`?id=${first.id}&name=other`)).body, { code: 102, message: "The chat doesn't exist" });
    assert.deepEqual((await listChats(`?id=${first.id}`, bob)).body, { code: 102, message: "The chat doesn't exist" });
    assert.equal((await listChats('?id=&name=&a=b')).body.data.length, Math.min(30, all.body.data.length), 'empty filters and unknown keys are ignored');
  });

  test('update: ownership, names, merges, dataset_ids, unknown keys', async () => {
    const created = await createChat({ name: 'to update', dataset_ids: [dataset], llm: { temperature: 0.3, top_p: 0.4 } });
    const id = created.body.data.id as string;
    const get = async () => (await listChats(`?id=${id}`)).body.data[0];
    const put = (json: unknown, who: User = alice) => stack.http.put(`${chats()}/${id}`, json, who.bearer);
    assert.deepEqual((await put({ name: 'x' }, bob)).body, { code: 102, message: 'You do not own the chat' });
    assert.deepEqual((await stack.http.put(`${chats()}/unknown`, { name: 'x' }, alice.bearer)).body, { code: 102, message: 'You do not own the chat' });
    assert.deepEqual((await put({ name: '' })).body, { code: 102, message: '`name` cannot be empty.' });
    assert.deepEqual((await put({ name: 'DEFAULTS', dataset_ids: [dataset] })).body, { code: 102, message: 'Duplicated chat name in updating chat.' });
    assert.deepEqual((await put({ name: 'TO UPDATE', dataset_ids: [dataset] })).body, { code: 0 }, 'another case of its own name is allowed');
    assert.equal((await get()).name, 'TO UPDATE');
    assert.equal((await get()).datasets.length, 1);

    assert.deepEqual((await put({ llm: { temperature: 0.9 }, dataset_ids: [dataset] })).body, { code: 0 });
    let c = await get();
    assert.deepEqual(c.llm, { temperature: 0.9, top_p: 0.4, model_name: 'glm-4-flash@ZHIPU-AI' }, 'llm_setting is merged');
    assert.deepEqual((await put({ llm: { model_name: 'glm-4', model_type: 'chat' }, dataset_ids: [dataset] })).body, { code: 0 });
    assert.equal((await get()).llm.model_name, 'glm-4');
    assert.deepEqual((await put({ llm: { model_name: 'unknown' } })).body, { code: 102, message: "`model_name` unknown doesn't exist" });

    assert.deepEqual((await put({ prompt: { opener: 'Hello', keywords_similarity_weight: 0.25 }, dataset_ids: [dataset] })).body, { code: 0 });
    c = await get();
    assert.equal(c.prompt.opener, 'Hello');
    assert.equal(c.prompt.prompt, SYSTEM_PROMPT, 'prompt_config is merged');
    assert.equal(c.prompt.keywords_similarity_weight, 0.75);
    assert.deepEqual((await put({ prompt: { prompt: 'Hello World' } })).body, { code: 102, message: "Parameter 'knowledge' is not used" });
    assert.deepEqual((await put({ prompt: { prompt: 'Hello World', variables: [] }, dataset_ids: [dataset] })).body, { code: 0 });
    assert.equal((await get()).prompt.prompt, 'Hello World');
    assert.deepEqual((await put({ prompt: { rerank_model: 'unknown' } })).body, { code: 102, message: "`rerank_model` unknown doesn't exist" });

    const bad = await put({ prompt: {} });
    assert.equal(bad.body.code, 100);
    assert.match(bad.body.message, /^ValueError\('Unrecognized field name: "prompt" in /);
    assert.match((await put({ unknown: 1 })).body.message, /^ValueError\('Unrecognized field name: "unknown"/);
    assert.deepEqual((await put({ top_n: 'a' })).body, { code: 100, message: `ValueError("invalid literal for int() with base 10: 'a'")`, data: null });
    assert.deepEqual((await put({ dataset_ids: ['nope'] })).body, { code: 102, message: "You don't own the dataset nope" });
    const empty = await stack.http.post('/api/v1/datasets', { name: 'still empty' }, alice.bearer);
    assert.deepEqual((await put({ dataset_ids: [empty.body.data.id] })).body, { code: 102, message: `The dataset ${empty.body.data.id} doesn't own parsed file` });

    assert.deepEqual((await put({ avatar: 'data:image/png;base64,AAAA', show_quotation: '0', description: 'changed', dataset_ids: [dataset] })).body, { code: 0 });
    c = await get();
    assert.equal(c.avatar, 'data:image/png;base64,AAAA');
    assert.equal(c.do_refer, '0');
    assert.equal(c.description, 'changed');
    assert.equal(c.datasets.length, 1);

    assert.deepEqual((await put({ description: 'no datasets' })).body, { code: 0 });
    assert.deepEqual((await get()).datasets, [], 'an update without dataset_ids detaches every dataset (upstream)');
    assert.deepEqual((await put({ dataset_ids: [dataset] })).body, { code: 0 });
    assert.equal((await get()).datasets.length, 1);
    assert.deepEqual((await put({ dataset_ids: [] })).body, { code: 0 });
    assert.deepEqual((await get()).datasets, []);
    assert.ok((await get()).update_time > created.body.data.update_time);
  });

  test('delete: soft, all when ids are missing, partial successes', async () => {
    const ids: string[] = [];
    for (const name of ['del1', 'del2', 'del3']) ids.push((await createChat({ name }, bob)).body.data.id);
    const del = (json: unknown, who: User = bob) => stack.http.delete(chats(), json, who.bearer);
    assert.deepEqual((await del({ ids: ['nope'] })).body, { code: 102, message: 'Assistant(nope) not found.' });
    assert.deepEqual((await del({ ids: ['nope', 'nada'] })).body, { code: 102, message: 'Assistant(nope) not found.; Assistant(nada) not found.' });
    assert.deepEqual((await del({ ids: [ids[0]] }, alice)).body, { code: 102, message: `Assistant(${ids[0]}) not found.` }, "another tenant's chat is not found");
    assert.deepEqual((await del({ ids: [ids[0], 'nope'] })).body, { code: 0, data: { success_count: 1, errors: ['Assistant(nope) not found.'] } });
    assert.deepEqual((await del({ ids: [ids[0]] })).body, { code: 102, message: `Assistant(${ids[0]}) not found.` }, 'a deleted chat is gone');
    assert.deepEqual((await del({ ids: [ids[1], ids[1]] })).body, { code: 0, data: { success_count: 1, errors: [`Duplicate assistant ids: ${ids[1]}`] } });
    assert.equal((await createChat({ name: 'del1' }, bob)).body.code, 0, 'the name of a deleted chat is free again');
    assert.deepEqual((await del({ ids: 7 })).body, { code: 100, message: `TypeError("'int' object is not iterable")`, data: null });
    assert.deepEqual((await del({})).body, { code: 0 });
    assert.deepEqual((await listChats('', bob)).body, { code: 0, data: [] });
    assert.deepEqual((await del({ ids: [] })).body, { code: 0 }, 'nothing left to delete');

    const db = dialogDb(stack);
    try {
      const rows = await db('chats').whereIn('id', ids).select('id', 'status');
      assert.equal(rows.length, 3, 'deleted chats keep their rows');
      assert.ok(rows.every((r: { status: string }) => r.status === '0'));
    } finally {
      await db.destroy();
    }
  });

  test('sessions: create, list, rename, delete (§11)', async () => {
    const chat = (await createChat({ name: 'with sessions', dataset_ids: [dataset], prompt: { opener: 'Welcome!' } })).body.data;
    const url = sessions(chat.id);
    const s = await stack.http.post(url, {}, alice.bearer);
    assert.equal(s.body.code, 0, s.text);
    assert.deepEqual(Object.keys(s.body.data).sort(), ['chat_id', 'create_date', 'create_time', 'id', 'messages', 'name', 'update_date', 'update_time', 'user_id']);
    assert.equal(s.body.data.name, 'New session');
    assert.equal(s.body.data.chat_id, chat.id);
    assert.equal(s.body.data.user_id, '');
    assert.deepEqual(s.body.data.messages, [{ role: 'assistant', content: 'Welcome!' }]);
    const named: string[] = [s.body.data.id];
    for (let i = 0; i < 4; i++) named.push((await stack.http.post(url, { name: `session_${i}`, user_id: i % 2 ? 'u-odd' : 'u-even' }, alice.bearer)).body.data.id);
    assert.equal((await stack.http.post(url, { name: 'session_0' }, alice.bearer)).body.code, 0, 'duplicate names are allowed');
    named.push((await stack.http.get(`${url}?name=session_0&page_size=1&desc=true`, alice.bearer)).body.data[0].id);
    assert.deepEqual((await stack.http.post(url, { name: '' }, alice.bearer)).body, { code: 102, message: '`name` can not be empty.' });
    assert.deepEqual((await stack.http.post(url, { name: null }, alice.bearer)).body, { code: 102, message: '`name` can not be empty.' });
    assert.deepEqual((await stack.http.post(url, {}, bob.bearer)).body, { code: 102, message: 'You do not own the assistant.' });
    assert.deepEqual((await stack.http.post(sessions('unknown'), {}, alice.bearer)).body, { code: 102, message: 'You do not own the assistant.' });

    const list = (q = '', who: User = alice) => stack.http.get(`${url}${q}`, who.bearer);
    const all = await list();
    assert.equal(all.body.data.length, 6);
    assert.deepEqual(Object.keys(all.body.data[0]).sort(), ['chat_id', 'create_date', 'create_time', 'id', 'messages', 'name', 'update_date', 'update_time', 'user_id']);
    assert.deepEqual(all.body.data.map((x: any) => x.create_time), [...all.body.data.map((x: any) => x.create_time)].sort((a: number, b: number) => b - a));
    assert.deepEqual((await list('', bob)).body, { code: 102, message: `You don't own the assistant ${chat.id}.` });
    assert.equal((await list('?page=2&page_size=4')).body.data.length, 2);
    assert.equal((await list('?page=0&page_size=4')).body.data.length, 4);
    assert.deepEqual((await list('?page_size=0')).body, { code: 0, data: [] });
    assert.equal((await list('?name=SESSION_1')).body.data.length, 1);
    assert.equal((await list('?name=unknown')).body.data.length, 0);
    assert.equal((await list(`?id=${named[1]}`)).body.data[0].id, named[1]);
    assert.deepEqual((await list('?id=unknown')).body, { code: 0, data: [] });
    assert.equal((await list('?user_id=u-odd')).body.data.length, 2);
    const byName = (await list('?orderby=name&desc=False')).body.data.map((x: any) => x.name);
    assert.deepEqual(byName, [...byName].sort());
    assert.deepEqual((await list('?orderby=nope')).body, { code: 100, message: `AttributeError("type object 'Conversation' has no attribute 'nope'")`, data: null });
    assert.deepEqual((await list('?page_size=a')).body, { code: 100, message: `ValueError("invalid literal for int() with base 10: 'a'")`, data: null });

    const put = (sessionId: string, json: unknown, who: User = alice, chatId = chat.id) => stack.http.put(`${sessions(chatId)}/${sessionId}`, json, who.bearer);
    assert.deepEqual((await put(named[1]!, { name: 'renamed', user_id: 'someone' })).body, { code: 0 });
    const renamed = (await list(`?id=${named[1]}`)).body.data[0];
    assert.equal(renamed.name, 'renamed');
    assert.equal(renamed.user_id, 'someone');
    assert.deepEqual((await put(named[1]!, {})).body, { code: 0 });
    assert.deepEqual((await put('unknown', { name: 'x' })).body, { code: 102, message: 'Session does not exist' });
    assert.deepEqual((await put(named[1]!, { name: 'x' }, alice, 'unknown')).body, { code: 102, message: 'Session does not exist' }, 'the session is looked up in the chat first');
    // Another tenant's session reads as unknown (upstream answers 'You do not own the session', which
    // tells a prober that the chat/session pair exists; issue #7 closes that).
    assert.deepEqual((await put(named[1]!, { name: 'x' }, bob)).body, { code: 102, message: 'Session does not exist' });
    assert.deepEqual((await put(named[1]!, { message: [] })).body, { code: 102, message: '`message` can not be change' });
    assert.deepEqual((await put(named[1]!, { messages: [] })).body, { code: 102, message: '`message` can not be change' });
    assert.deepEqual((await put(named[1]!, { reference: [] })).body, { code: 102, message: '`reference` can not be change' });
    assert.deepEqual((await put(named[1]!, { name: '' })).body, { code: 102, message: '`name` can not be empty.' });
    assert.match((await put(named[1]!, { unknown_key: 'v' })).body.message, /^ValueError\('Unrecognized field name: "unknown_key"/);
    const noId = await stack.http.put(`${url}/`, { name: 'x' }, alice.bearer);
    assert.deepEqual(noId.body, { code: 100, message: "<MethodNotAllowed '405: Method Not Allowed'>", data: null });

    const del = (json: unknown, who: User = alice, chatId = chat.id) => stack.http.delete(sessions(chatId), json, who.bearer);
    assert.deepEqual((await del({ ids: [named[0]] }, bob)).body, { code: 102, message: "You don't own the chat" });
    assert.deepEqual((await del({ ids: ['invalid_id'] })).body, { code: 102, message: "The chat doesn't own the session invalid_id" });
    assert.deepEqual((await del({ ids: [named[0], 'invalid_id'] })).body, { code: 0, data: { success_count: 1, errors: ["The chat doesn't own the session invalid_id"] } });
    assert.deepEqual((await del({ ids: [named[1], named[1]] })).body, { code: 0, data: { success_count: 1, errors: [`Duplicate session ids: ${named[1]}`] } });
    assert.deepEqual((await del({ ids: [named[1]] })).body, { code: 102, message: `The chat doesn't own the session ${named[1]}` });
    assert.deepEqual((await del({ ids: [named[2]] })).body, { code: 0 });
    assert.equal((await list()).body.data.length, 3);
    assert.deepEqual((await del({})).body, { code: 0 }, 'no ids: every session of the chat');
    assert.deepEqual((await list()).body, { code: 0, data: [] });

    // Sessions of a deleted chat are out of reach.
    await stack.http.post(url, {}, alice.bearer);
    assert.deepEqual((await stack.http.delete(chats(), { ids: [chat.id] }, alice.bearer)).body, { code: 0 });
    assert.deepEqual((await list()).body, { code: 102, message: `You don't own the assistant ${chat.id}.` });
    assert.deepEqual((await stack.http.post(url, {}, alice.bearer)).body, { code: 102, message: 'You do not own the assistant.' });
  });

  test('listed sessions carry each answer\'s reference chunks and never the prompt', async () => {
    const chat = (await createChat({ name: 'answered', dataset_ids: [dataset] })).body.data;
    const created = (await stack.http.post(sessions(chat.id), { name: 'qa' }, alice.bearer)).body.data;
    const db = dialogDb(stack);
    try {
      // What a completion stores: the question, the answer (with its prompt) and the answer's reference.
      const chunk = { chunk_id: 'c1', content_with_weight: 'The moon orbits the earth.', doc_id: 'd1', docnm_kwd: 'facts.txt', kb_id: dataset, image_id: '', positions: [], similarity: 0.9 };
      const repo = new SessionRepository(db);
      await repo.appendMessages(created.id, [
        { role: 'user', content: 'What orbits the earth?', id: 'q1' },
        { role: 'assistant', content: 'The moon.', id: 'q1', prompt: 'system prompt text', created_at: 1_700_000_000.5 },
      ], { chunks: [chunk], doc_aggs: [{ doc_name: 'facts.txt', doc_id: 'd1', count: 1 }], total: 1 });
      const stored = await repo.get(created.id);
      assert.equal(stored?.messages.length, 3);
      assert.equal(stored?.reference.length, 2, "the opener's empty entry, then the answer's");
    } finally {
      await db.destroy();
    }
    const listed = (await stack.http.get(`${sessions(chat.id)}?id=${created.id}`, alice.bearer)).body.data[0];
    assert.equal('reference' in listed, false);
    const [prologue, question, answer] = listed.messages;
    // Answers and references are walked in step (§11); the opener has its own empty entry, so
    // each answer lists the chunks it was built from.
    assert.deepEqual(prologue.reference, []);
    assert.deepEqual(question, { role: 'user', content: 'What orbits the earth?', id: 'q1' });
    assert.deepEqual(answer.reference, [{ id: 'c1', content: 'The moon orbits the earth.', document_id: 'd1', document_name: 'facts.txt', dataset_id: dataset, image_id: '', positions: [] }]);
    assert.equal('prompt' in answer, false);
    assert.equal(answer.content, 'The moon.');
  });

  test('chat and session events go out through the outbox', async () => {
    const deadline = Date.now() + 10_000;
    const types = () => new Set(seen.map((e) => e.type));
    while (Date.now() < deadline && !['chat.created', 'chat.updated', 'chat.deleted', 'session.created', 'session.deleted'].every((t) => types().has(t))) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual([...types()].sort(), ['chat.created', 'chat.deleted', 'chat.updated', 'session.created', 'session.deleted']);
    const created = seen.find((e) => e.type === 'chat.created' && e.data.name === 'defaults');
    assert.equal(created?.data.tenant_id, alice.userId);
    assert.ok(seen.some((e) => e.type === 'chat.deleted' && e.data.ids.length === 1 && e.data.tenant_id === bob.userId));
  });
});

describe('chat and session CRUD flow (MariaDB)', () => {
  let stack: Stack;
  let alice: User;

  before(async () => {
    stack = await startStack({ db: 'mariadb' });
    alice = await signUp(stack.http);
    await configureModels(stack, alice);
  });
  after(async () => stack?.stop());

  test('create, list, update, sessions with references, delete', async () => {
    const dataset = await datasetWithChunk(stack, alice, 'maria');
    const created = await stack.http.post('/api/v1/chats', { name: 'Maria', dataset_ids: [dataset], prompt: { keywords_similarity_weight: 0.4 } }, alice.bearer);
    assert.equal(created.body.code, 0, created.text);
    const id = created.body.data.id as string;
    assert.equal(created.body.data.prompt.prompt, SYSTEM_PROMPT);
    assert.deepEqual((await stack.http.post('/api/v1/chats', { name: 'maria' }, alice.bearer)).body, { code: 102, message: 'Duplicated chat name in creating chat.' });
    const listed = (await stack.http.get(`/api/v1/chats?name=MARIA`, alice.bearer)).body.data;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].prompt.keywords_similarity_weight, 0.6);
    assert.equal(listed[0].datasets[0].id, dataset);
    assert.deepEqual((await stack.http.put(`/api/v1/chats/${id}`, { name: 'Maria 2', dataset_ids: [dataset], llm: { model_name: 'glm-4', temperature: 0.5 } }, alice.bearer)).body, { code: 0 });
    const updated = (await stack.http.get(`/api/v1/chats?id=${id}`, alice.bearer)).body.data[0];
    assert.equal(updated.name, 'Maria 2');
    assert.deepEqual(updated.llm, { temperature: 0.5, top_p: 0.3, frequency_penalty: 0.7, presence_penalty: 0.4, max_tokens: 512, model_name: 'glm-4' });

    const session = (await stack.http.post(`/api/v1/chats/${id}/sessions`, { name: 'first' }, alice.bearer)).body.data;
    assert.deepEqual(session.messages, [{ role: 'assistant', content: OPENER }]);
    const db = dialogDb(stack);
    try {
      await new SessionRepository(db).appendMessages(session.id, [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a', prompt: 'p' }], { chunks: [{ id: 'c', content: 'x' }], doc_aggs: [] });
    } finally {
      await db.destroy();
    }
    const sessionsListed = (await stack.http.get(`/api/v1/chats/${id}/sessions`, alice.bearer)).body.data;
    assert.equal(sessionsListed.length, 1);
    assert.deepEqual(sessionsListed[0].messages[0].reference, []);
    assert.equal(sessionsListed[0].messages[2].reference[0].id, 'c');
    assert.equal('prompt' in sessionsListed[0].messages[2], false);
    assert.deepEqual((await stack.http.put(`/api/v1/chats/${id}/sessions/${session.id}`, { name: 'renamed' }, alice.bearer)).body, { code: 0 });
    assert.equal((await stack.http.get(`/api/v1/chats/${id}/sessions?name=RENAMED`, alice.bearer)).body.data.length, 1);
    assert.deepEqual((await stack.http.delete(`/api/v1/chats/${id}/sessions`, { ids: [session.id, 'nope'] }, alice.bearer)).body, {
      code: 0,
      data: { success_count: 1, errors: ["The chat doesn't own the session nope"] },
    });
    assert.deepEqual((await stack.http.delete('/api/v1/chats', { ids: [id] }, alice.bearer)).body, { code: 0 });
    assert.deepEqual((await stack.http.get('/api/v1/chats', alice.bearer)).body, { code: 0, data: [] });
  });
});
