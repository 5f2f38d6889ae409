import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AckPolicy, DeliverPolicy, connect, type NatsConnection } from 'nats';
import { startStack, signUp, type Stack } from '../support/stack.js';

type User = Awaited<ReturnType<typeof signUp>>;

const DATASET_KEYS = [
  'avatar', 'chunk_count', 'chunk_method', 'create_date', 'create_time', 'created_by', 'description', 'document_count', 'embedding_model', 'graphrag_task_finish_at',
  'graphrag_task_id', 'id', 'language', 'mindmap_task_finish_at', 'mindmap_task_id', 'name', 'pagerank', 'parser_config', 'permission', 'pipeline_id',
  'raptor_task_finish_at', 'raptor_task_id', 'similarity_threshold', 'status', 'tenant_id', 'token_num', 'update_date', 'update_time', 'vector_similarity_weight',
].sort();

for (const db of ['sqlite', 'mariadb'] as const) {
  describe(`datasets end to end (${db})`, () => {
    let stack: Stack;
    let alice: User;
    let bob: User;
    const create = (json: unknown, who: User = alice) => stack.http.post('/api/v1/datasets', json, who.bearer);
    const list = (query = '', who: User = alice) => stack.http.get(`/api/v1/datasets${query}`, who.bearer);

    before(async () => {
      stack = await startStack({ db });
      alice = await signUp(stack.http);
      bob = await signUp(stack.http);
      // The offline model set-up of CONTRACT §17 (what RAGFlow's suites do first).
      for (const [llm_name, model_type] of [['glm-4-flash', 'chat'], ['embedding-3', 'embedding']]) {
        const r = await stack.http.post('/v1/llm/add_llm', { llm_factory: 'ZHIPU-AI', llm_name, model_type, api_base: 'http://127.0.0.1:9/v1', api_key: 'stub-key' }, alice.loginToken);
        assert.equal(r.body.code, 0, r.text);
      }
      const r = await stack.http.post(
        '/v1/user/set_tenant_info',
        { tenant_id: alice.userId, llm_id: 'glm-4-flash@ZHIPU-AI', embd_id: 'BAAI/bge-small-en-v1.5@Builtin', img2txt_id: '', asr_id: '', tts_id: null },
        alice.loginToken,
      );
      assert.equal(r.body.code, 0, r.text);
    });
    after(async () => stack?.stop());

    test('API-key failures answer exactly as RAGFlow does (§3.4)', async () => {
      assert.deepEqual((await stack.http.get('/api/v1/datasets')).body, { code: 0, message: "`Authorization` can't be empty", data: false });
      assert.deepEqual((await stack.http.get('/api/v1/datasets', 'Bearer')).body, { code: 0, message: 'Please check your authorization format.', data: false });
      const bad = await stack.http.get('/api/v1/datasets', 'Bearer ragflow-nope');
      assert.equal(bad.status, 200);
      assert.deepEqual(bad.body, { code: 109, message: 'Authentication error: API key is invalid!', data: false });
      // A login token is not an API key on /api/v1.
      assert.equal((await stack.http.get('/api/v1/datasets', `Bearer ${alice.loginToken}`)).body.code, 109);
    });

    test('create returns the full dataset object with the tenant defaults', async () => {
      const r = await create({ name: 'first' });
      assert.equal(r.status, 200);
      assert.equal(r.body.code, 0, r.text);
      assert.deepEqual(Object.keys(r.body).sort(), ['code', 'data']);
      const d = r.body.data;
      assert.deepEqual(Object.keys(d).sort(), DATASET_KEYS);
      assert.match(d.id, /^[0-9a-f]{12}1[0-9a-f]{19}$/, 'uuid1 hex');
      assert.equal(d.name, 'first');
      assert.equal(d.tenant_id, alice.userId);
      assert.equal(d.created_by, alice.userId);
      assert.equal(d.embedding_model, 'BAAI/bge-small-en-v1.5@Builtin');
      assert.equal(d.chunk_method, 'naive');
      assert.equal(d.permission, 'me');
      assert.equal(d.parser_config.llm_id, 'glm-4-flash@ZHIPU-AI');
      assert.equal(d.parser_config.delimiter, '\n');
      assert.equal(d.parser_config.raptor.use_raptor, true);
      assert.equal(d.parser_config.graphrag.use_graphrag, true);
      assert.equal(d.similarity_threshold, 0.2);
      assert.equal(d.vector_similarity_weight, 0.3);
      assert.equal(d.document_count, 0);
      assert.equal(d.status, '1');
      assert.match(d.create_date, /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      assert.ok(Number.isInteger(d.create_time) && d.create_time > 1.7e12);
    });

    test('names: stripped, de-duplicated case-insensitively, byte-limited', async () => {
      assert.equal((await create({ name: '  Dup  ' })).body.data.name, 'Dup');
      assert.equal((await create({ name: 'dup' })).body.data.name, 'dup(1)');
      assert.equal((await create({ name: 'DUP' })).body.data.name, 'DUP(2)');
      assert.equal((await create({ name: 'dup' }, bob)).body.data.name, 'dup', 'names are per tenant');
      const wide = await create({ name: '数'.repeat(50) });
      assert.deepEqual(wide.body, { code: 102, message: 'Dataset name length is 50 which is large than 128', data: null });
      const long = await create({ name: 'a'.repeat(129) });
      assert.equal(long.body.code, 101);
      assert.equal(long.body.message, `Field: <name> - Message: <String should have at most 128 characters> - Value: <${'a'.repeat(125)}...>`);
      assert.equal((await create({ name: 'a'.repeat(128) })).body.code, 0);
    });

    test('strict bodies: content type, malformed JSON, non-objects, extras', async () => {
      const xml = await stack.http.send('POST', '/api/v1/datasets', { body: '{"name":"x"}', headers: { 'Content-Type': 'text/xml' }, auth: alice.bearer });
      assert.deepEqual(xml.body, { code: 101, message: 'Field: <name> - Message: <Field required> - Value: <{}>' });
      const bad = await stack.http.send('POST', '/api/v1/datasets', { body: '{"name": "x",}', headers: { 'Content-Type': 'application/json' }, auth: alice.bearer });
      assert.deepEqual(bad.body, { code: 101, message: 'Malformed JSON syntax: Missing commas/brackets or invalid encoding' });
      for (const [payload, type] of [['[]', 'list'], ['"a"', 'str'], ['1', 'int'], ['1.5', 'float'], ['true', 'bool']]) {
        const r = await stack.http.send('POST', '/api/v1/datasets', { body: payload, headers: { 'Content-Type': 'application/json' }, auth: alice.bearer });
        assert.deepEqual(r.body, { code: 101, message: `Invalid request payload: expected object, got ${type}` });
      }
      const extra = await create({ name: 'x', unknown_field: 1 });
      assert.deepEqual(extra.body, { code: 101, message: 'Field: <unknown_field> - Message: <Extra inputs are not permitted> - Value: <1>' });
    });

    test('embedding model availability (§5.2)', async () => {
      assert.deepEqual((await create({ name: 'e1', embedding_model: 'text-embedding-3-small@OpenAI' })).body, { code: 101, message: 'Unauthorized model: <text-embedding-3-small@OpenAI>' });
      assert.deepEqual((await create({ name: 'e2', embedding_model: 'unknown@ZHIPU-AI' })).body, { code: 101, message: 'Unsupported model: <unknown@ZHIPU-AI>' });
      assert.deepEqual((await create({ name: 'e3', embedding_model: 'embedding-3@unknown' })).body, { code: 101, message: 'Unsupported model: <embedding-3@unknown>' });
      assert.equal((await create({ name: 'e4', embedding_model: 'embedding-3@ZHIPU-AI' })).body.data.embedding_model, 'embedding-3@ZHIPU-AI');
      assert.equal((await create({ name: 'e5', embedding_model: 'BAAI/bge-m3@Builtin' })).body.code, 0);
      assert.equal((await create({ name: 'e6', embedding_model: 'embedding-3@ZHIPU-AI' }, bob)).body.message, 'Unauthorized model: <embedding-3@ZHIPU-AI>', "bob has not configured alice's model");
    });

    test('chunk methods and explicit parser_config', async () => {
      const qa = await create({ name: 'qa', chunk_method: 'qa' });
      assert.deepEqual(qa.body.data.parser_config, { table_context_size: 0, image_context_size: 0, raptor: { use_raptor: false }, graphrag: { use_graphrag: false }, llm_id: 'glm-4-flash@ZHIPU-AI' });
      const custom = await create({ name: 'custom', parser_config: { chunk_token_num: 1024, raptor: { use_raptor: true } } });
      const pc = custom.body.data.parser_config;
      assert.equal(pc.chunk_token_num, 1024);
      assert.equal(pc.raptor.use_raptor, true);
      assert.equal(pc.raptor.max_token, 256);
      assert.equal(pc.graphrag.use_graphrag, false);
      assert.equal(pc.topn_tags, 1);
      assert.equal(pc.delimiter, '\\n');
      const r = await create({ name: 'bad', chunk_method: 'knowledge_graph' });
      assert.equal(r.body.code, 101);
      const dep = await create({ name: 'p', parse_type: 1 });
      assert.equal(dep.body.message, "Field: <> - Message: <parser_id omitted → required fields missing: pipeline_id> - Value: <{'name': 'p', 'parse_type': 1}>");
      const dep2 = await create({ name: 'p', chunk_method: 'naive', pipeline_id: 'a'.repeat(32) });
      assert.match(dep2.body.message, /parser_id provided → disallowed fields present: pipeline_id/);
    });

    test('list: visibility, paging, ordering, filters, total_datasets', async () => {
      const mine = await list('?page_size=1000');
      assert.equal(mine.body.code, 0);
      assert.ok(mine.body.total_datasets >= 9, `total ${mine.body.total_datasets}`);
      assert.equal(mine.body.data.length, mine.body.total_datasets);
      assert.ok(mine.body.data.every((d: { tenant_id: string }) => d.tenant_id === alice.userId), 'only my datasets');
      const times = mine.body.data.map((d: { create_time: number }) => d.create_time);
      assert.deepEqual(times, [...times].sort((a: number, b: number) => b - a), 'create_time desc by default');
      const asc = await list('?page_size=1000&desc=false&orderby=update_time');
      assert.deepEqual(asc.body.data.map((d: { id: string }) => d.id).reverse().length, mine.body.data.length);
      const page2 = await list('?page=2&page_size=3');
      assert.deepEqual(page2.body.data.map((d: { id: string }) => d.id), mine.body.data.slice(3, 6).map((d: { id: string }) => d.id));
      const first = mine.body.data[0];
      assert.deepEqual((await list(`?id=${first.id}`)).body.data.map((d: { id: string }) => d.id), [first.id]);
      assert.deepEqual((await list(`?name=${encodeURIComponent(first.name)}`)).body.data.map((d: { id: string }) => d.id), [first.id]);
      const other = mine.body.data[1];
      assert.deepEqual((await list(`?id=${first.id}&name=${encodeURIComponent(other.name)}`)).body, { code: 0, data: [], total_datasets: 0 });
      assert.deepEqual((await list(`?id=${first.id}`, bob)).body, { code: 108, message: `User '${bob.userId}' lacks permission for dataset '${first.id}'` });
      assert.deepEqual((await list('?name=nosuchname')).body, { code: 108, message: `User '${alice.userId}' lacks permission for dataset 'nosuchname'` });
      assert.equal((await list('?page=0')).body.message, 'Field: <page> - Message: <Input should be greater than or equal to 1> - Value: <0>');
      assert.equal((await list('?page_size=a')).body.code, 101);
      assert.equal((await list('?bogus=1')).body.message, 'Field: <bogus> - Message: <Extra inputs are not permitted> - Value: <1>');
    });

    test('update: only keys sent, ownership, name rules, parser_config merge and reset', async () => {
      const d = (await create({ name: 'upd' })).body.data;
      const put = (json: unknown, who: User = alice, id = d.id) => stack.http.put(`/api/v1/datasets/${id}`, json, who.bearer);
      assert.deepEqual((await put({})).body, { code: 101, message: 'No properties were modified' });
      const xml = await stack.http.send('PUT', `/api/v1/datasets/${d.id}`, { body: '{"name":"x"}', headers: { 'Content-Type': 'text/xml' }, auth: alice.bearer });
      assert.deepEqual(xml.body, { code: 101, message: 'No properties were modified' });
      assert.deepEqual((await put({ name: 'z' }, bob)).body, { code: 108, message: `User '${bob.userId}' lacks permission for dataset '${d.id}'` });
      assert.deepEqual((await put({ name: 'x' }, alice, 'not-a-uuid')).body, { code: 101, message: 'Field: <dataset_id> - Message: <Invalid UUID1 format> - Value: <not-a-uuid>' });
      assert.deepEqual((await put({ name: 'first' })).body, { code: 102, message: "Dataset name 'first' already exists" });
      assert.equal((await put({ name: 'UPD' })).body.data.name, 'UPD', 'same name, other case, is allowed');
      const merged = await put({ parser_config: { raptor: { max_token: 100 } }, description: 'd', pagerank: 5 });
      assert.equal(merged.body.code, 0, merged.text);
      assert.equal(merged.body.data.parser_config.raptor.max_token, 100);
      assert.equal(merged.body.data.parser_config.raptor.use_raptor, true, 'merge keeps the other keys');
      assert.equal(merged.body.data.parser_config.llm_id, 'glm-4-flash@ZHIPU-AI');
      assert.equal(merged.body.data.description, 'd');
      assert.equal(merged.body.data.pagerank, 5);
      assert.ok(merged.body.data.update_time > d.update_time);
      const reset = await put({ chunk_method: 'qa' });
      assert.deepEqual(reset.body.data.parser_config, { table_context_size: 0, image_context_size: 0, raptor: { use_raptor: false }, graphrag: { use_graphrag: false } });
      assert.equal((await put({ embedding_model: 'embedding-3@ZHIPU-AI' })).body.data.embedding_model, 'embedding-3@ZHIPU-AI');
      assert.equal((await put({ embedding_model: null })).body.data.embedding_model, 'embedding-3@ZHIPU-AI', 'null keeps the model');
      assert.equal((await put({ avatar: null, description: null })).body.data.description, null);
      assert.equal((await put({ pagerank: 101 })).body.message, 'Field: <pagerank> - Message: <Input should be less than or equal to 100> - Value: <101>');
      const listed = (await list(`?id=${d.id}`)).body.data[0];
      assert.equal(listed.chunk_method, 'qa');
      assert.equal(listed.name, 'UPD');
    });

    test('delete: required ids, ownership is all-or-nothing, duplicates, null = all', async () => {
      const del = (json: unknown, who: User = alice) => stack.http.delete('/api/v1/datasets', json, who.bearer);
      assert.deepEqual((await del({})).body, { code: 101, message: 'Field: <ids> - Message: <Field required> - Value: <{}>' });
      const a = (await create({ name: 'del-a' })).body.data.id;
      const b = (await create({ name: 'del-b' }, bob)).body.data.id;
      assert.deepEqual((await del({ ids: [a, b] })).body, { code: 108, message: `User '${alice.userId}' lacks permission for datasets: '${b}'` });
      assert.equal((await list(`?id=${a}`)).body.data.length, 1, 'nothing deleted');
      assert.deepEqual((await del({ ids: [a, a] })).body, { code: 101, message: `Field: <ids> - Message: <Duplicate ids: '${a}'> - Value: <['${a}', '${a}']>` });
      assert.deepEqual((await del({ ids: [] })).body, { code: 0 });
      assert.equal((await list(`?id=${a}`)).body.data.length, 1, 'empty list deletes nothing');
      assert.deepEqual((await del({ ids: [a] })).body, { code: 0 });
      assert.equal((await list(`?id=${a}`)).body.code, 108, 'gone');
      assert.deepEqual((await del({ ids: null }, bob)).body, { code: 0 });
      assert.deepEqual((await list('', bob)).body, { code: 0, data: [], total_datasets: 0 });
      assert.ok((await list()).body.total_datasets > 0, "bob's delete-all left alice's datasets");
    });

    test('unknown routes, wrong methods', async () => {
      const nf = await stack.http.get('/api/v1/nothing-here', alice.bearer);
      assert.equal(nf.status, 404);
      assert.deepEqual(nf.body, { code: 404, message: 'Not Found: /api/v1/nothing-here', data: null, error: 'Not Found' });
      const mna = await stack.http.send('PATCH', '/api/v1/datasets', { auth: alice.bearer });
      assert.equal(mna.status, 200);
      assert.deepEqual(mna.body, { code: 100, message: "<MethodNotAllowed '405: Method Not Allowed'>", data: null });
      assert.equal((await stack.http.get('/api/v1/datasets/', alice.bearer)).body.code, 0, 'trailing slash is not significant');
      assert.equal(nf.headers.get('access-control-allow-origin'), '*');
    });

    test('dataset events reach the EVENTS stream', async () => {
      const nc: NatsConnection = await connect({ servers: stack.nats.url });
      try {
        const d = (await create({ name: 'evented' })).body.data;
        await stack.http.put(`/api/v1/datasets/${d.id}`, { name: 'evented2' }, alice.bearer);
        await stack.http.delete('/api/v1/datasets', { ids: [d.id] }, alice.bearer);
        const jsm = await nc.jetstreamManager();
        const consumer = await jsm.consumers.add('EVENTS', { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All, filter_subject: 'rag.v1.events.dataset.>' });
        const c = await nc.jetstream().consumers.get('EVENTS', consumer.name);
        const seen: { type: string; data: { id?: string; ids?: string[] } }[] = [];
        const deadline = Date.now() + 10_000;
        while (Date.now() < deadline && !seen.some((e) => e.type === 'dataset.deleted' && e.data.ids?.includes(d.id))) {
          const batch = await c.fetch({ max_messages: 500, expires: 1000 });
          for await (const m of batch) seen.push(m.json());
        }
        const mine = seen.filter((e) => e.data.id === d.id || (e.data as { dataset?: { id: string } }).dataset?.id === d.id || e.data.ids?.includes(d.id));
        assert.deepEqual(mine.map((e) => e.type), ['dataset.created', 'dataset.updated', 'dataset.deleted']);
      } finally {
        await nc.close();
      }
    });
  });
}
