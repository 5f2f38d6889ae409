/**
 * Agents and agent sessions through the gateway (CONTRACT §14.1, §14.2; AGENTS.md §9.1–9.2, §10):
 * RAGFlow's session-management fixture and suite, then every field, default, code and message the
 * contract names, tenant scoping, and the version snapshots behind the routes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, uuid1, type Knex } from '@rag/platform';
import { startStack, signUp, type Stack } from '../support/stack.js';

type User = Awaited<ReturnType<typeof signUp>>;

/** The suites' DSL: Begin → Message echoing `{sys.query}` (CONTRACT §14). */
const SUITE_DSL = {
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

const DEFAULT_PROLOGUE = "Hi! I'm your smart assistant. What can I do for you?";

for (const dbKind of ['sqlite', 'mariadb'] as const) {
  describe(`agents and agent sessions (§14.1, §14.2) on ${dbKind}`, () => {
    let stack: Stack;
    let alice: User;
    let bob: User;
    let db: Knex;

    before(async () => {
      stack = await startStack({ db: dbKind });
      alice = await signUp(stack.http);
      bob = await signUp(stack.http);
      db = openDb({ url: stack.env.DATABASE_URL, dataDir: stack.env.DATA_DIR!, name: 'canvas' });
    });
    after(async () => {
      await db?.destroy();
      await stack?.stop();
    });

    const get = (path: string, user = alice) => stack.http.get(path, user.bearer);
    const post = (path: string, body: unknown, user = alice) => stack.http.post(path, body, user.bearer);
    const put = (path: string, body: unknown, user = alice) => stack.http.put(path, body, user.bearer);
    const del = (path: string, body: unknown, user = alice) => stack.http.delete(path, body, user.bearer);
    const title = (label: string) => `${label}-${uuid1().slice(0, 8)}`;

    /** Creates an agent and returns its id, read back by title as the suites do. */
    async function createAgent(name: string, dsl: unknown = SUITE_DSL, user = alice): Promise<string> {
      const created = await post('/api/v1/agents', { title: name, dsl }, user);
      assert.deepEqual(created.body, { code: 0, message: 'success', data: true });
      const listed = await get(`/api/v1/agents?title=${encodeURIComponent(name)}`, user);
      assert.equal(listed.body.code, 0, listed.text);
      return listed.body.data[0].id as string;
    }

    test("RAGFlow's fixture and test_create_list_delete_agent_sessions", async () => {
      const all = await get('/api/v1/agents?page_size=1000');
      assert.deepEqual(all.body, { code: 0, data: [] });
      const agentId = await createAgent('test_agent_http');
      const listed = await get('/api/v1/agents?title=test_agent_http');
      const agent = listed.body.data[0];
      assert.deepEqual(
        Object.keys(agent).sort(),
        ['avatar', 'canvas_category', 'canvas_type', 'create_date', 'create_time', 'description', 'dsl', 'id', 'permission', 'title', 'update_date', 'update_time', 'user_id'],
      );
      assert.equal(agent.title, 'test_agent_http');
      assert.equal(agent.user_id, alice.userId);
      assert.equal(agent.permission, 'me');
      assert.equal(agent.canvas_category, 'agent_canvas');
      assert.deepEqual(agent.dsl, SUITE_DSL, 'the DSL is stored as given');

      const session = await post(`/api/v1/agents/${agentId}/sessions`, {});
      assert.equal(session.body.code, 0, session.text);
      assert.equal(session.body.data.agent_id, agentId);
      const sid = session.body.data.id as string;
      const one = await get(`/api/v1/agents/${agentId}/sessions?id=${sid}`);
      assert.equal(one.body.code, 0, one.text);
      assert.equal(one.body.data.length, 1);
      assert.equal(one.body.data[0].id, sid);
      const gone = await del(`/api/v1/agents/${agentId}/sessions`, { ids: [sid] });
      assert.deepEqual(gone.body, { code: 0 });
      // Teardown as the fixture does it: delete every session (none left: an error it does not check), then the agent.
      assert.deepEqual((await del(`/api/v1/agents/${agentId}/sessions`, {})).body, { code: 102, message: `Agent ${agentId} has no sessions` });
      assert.deepEqual((await del(`/api/v1/agents/${agentId}`, {})).body, { code: 0, message: 'success', data: true });
      assert.deepEqual((await get('/api/v1/agents?title=test_agent_http')).body, { code: 102, message: "The agent doesn't exist." });
    });

    test('create: missing dsl or title are J 101 with data false; the title is stripped and unique per tenant; a string dsl is parsed', async () => {
      assert.deepEqual((await post('/api/v1/agents', { title: 'x' })).body, { code: 101, message: 'No DSL data in request.', data: false });
      assert.deepEqual((await post('/api/v1/agents', { title: 'x', dsl: null })).body, { code: 101, message: 'No DSL data in request.', data: false });
      assert.deepEqual((await post('/api/v1/agents', { dsl: SUITE_DSL })).body, { code: 101, message: 'No title in request.', data: false });
      assert.deepEqual((await post('/api/v1/agents', { dsl: SUITE_DSL, title: null })).body, { code: 101, message: 'No title in request.', data: false });
      const name = title('strip');
      assert.deepEqual((await post('/api/v1/agents', { title: `  ${name}\n`, dsl: JSON.stringify(SUITE_DSL), description: 'echo', avatar: 'data:x' })).body, { code: 0, message: 'success', data: true });
      const [stored] = (await get(`/api/v1/agents?title=${name}`)).body.data;
      assert.equal(stored.title, name);
      assert.deepEqual(stored.dsl, SUITE_DSL, 'a JSON string is stored as the object it encodes');
      assert.equal(stored.description, 'echo', 'other body keys are stored as columns');
      assert.equal(stored.avatar, 'data:x');
      assert.deepEqual((await post('/api/v1/agents', { title: ` ${name} `, dsl: SUITE_DSL })).body, { code: 102, message: `Agent with title ${name} already exists.` });
      // Another tenant may use the same title; ids and owners from the body are not taken.
      assert.deepEqual((await post('/api/v1/agents', { title: name, dsl: SUITE_DSL, id: stored.id, user_id: alice.userId }, bob)).body, { code: 0, message: 'success', data: true });
      const bobs = (await get(`/api/v1/agents?title=${name}`, bob)).body.data;
      assert.equal(bobs.length, 1);
      assert.notEqual(bobs[0].id, stored.id);
      assert.equal(bobs[0].user_id, bob.userId);
      // Wrong types fail as Python would (code 100), never as a crash.
      const bad = await post('/api/v1/agents', { title: 5, dsl: SUITE_DSL });
      assert.deepEqual(bad.body, { code: 100, message: `AttributeError("'int' object has no attribute 'strip'")`, data: null });
      const broken = await post('/api/v1/agents', { title: title('broken'), dsl: '{not json' });
      assert.equal(broken.body.code, 100, broken.text);
      assert.match(broken.body.message, /^JSONDecodeError\(/);
    });

    test('create records a version snapshot <title>_<YYYY_MM_DD_HH_MM_SS>', async () => {
      const name = title('versioned');
      const id = await createAgent(name);
      const versions = await db('agent_versions').where({ agent_id: id });
      assert.equal(versions.length, 1);
      assert.match(versions[0].title, new RegExp(`^${name}_\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}$`));
      assert.deepEqual(JSON.parse(versions[0].dsl), SUITE_DSL);
    });

    test('list: own agent_canvas agents only, id/title filters, paging, orderby and desc (default false)', async () => {
      const carol = await signUp(stack.http);
      const ids: string[] = [];
      for (const n of ['a1', 'a2', 'a3']) ids.push(await createAgent(`${n}-${carol.userId}`, SUITE_DSL, carol));
      const list = async (q: string) => {
        const r = await get(`/api/v1/agents${q}`, carol);
        assert.equal(r.body.code, 0, r.text);
        return (r.body.data as { id: string }[]).map((a) => a.id);
      };
      assert.deepEqual(await list(''), ids, 'ascending update_time by default');
      assert.deepEqual(await list('?desc=true'), [...ids].reverse());
      assert.deepEqual(await list('?desc=yes'), [...ids].reverse(), 'anything but false is true');
      assert.deepEqual(await list('?desc=FALSE'), ids, 'false in any case');
      assert.deepEqual(await list('?page=2&page_size=2'), [ids[2]]);
      assert.deepEqual(await list('?page_size=1&desc=true'), [ids[2]]);
      assert.deepEqual(await list(`?id=${ids[1]}`), [ids[1]]);
      assert.deepEqual(await list(`?id=${ids[1]}&title=a2-${carol.userId}`), [ids[1]]);
      assert.deepEqual((await get(`/api/v1/agents?id=${ids[1]}&title=a1-${carol.userId}`, carol)).body, { code: 102, message: "The agent doesn't exist." }, 'both filters must match');
      assert.deepEqual((await get(`/api/v1/agents?id=${ids[0]}`, alice)).body, { code: 102, message: "The agent doesn't exist." }, "another tenant's agent is unknown");
      assert.deepEqual(await list('?orderby=title&desc=true'), [...ids].reverse());
      const badOrder = await get('/api/v1/agents?orderby=nope', carol);
      assert.deepEqual(badOrder.body, { code: 100, message: `AttributeError("type object 'UserCanvas' has no attribute 'nope'")`, data: null });
      const badPage = await get('/api/v1/agents?page=a', carol);
      assert.deepEqual(badPage.body, { code: 100, message: `ValueError("invalid literal for int() with base 10: 'a'")`, data: null });
      // Only the agent_canvas category is listed.
      const flow = title('flow');
      assert.equal((await post('/api/v1/agents', { title: flow, dsl: SUITE_DSL, canvas_category: 'dataflow_canvas' }, carol)).body.code, 0);
      assert.deepEqual(await list(''), ids);
    });

    test('update: null keys dropped, dsl string or object, title stripped, a snapshot per dsl write; not the owner → J 103', async () => {
      const name = title('upd');
      const id = await createAgent(name);
      const changed = { ...SUITE_DSL, variables: { x: { name: 'x', type: 'string', value: 'y' } } };
      assert.deepEqual((await put(`/api/v1/agents/${id}`, { title: `  ${name}-2 `, dsl: JSON.stringify(changed), description: null })).body, { code: 0, message: 'success', data: true });
      let [row] = (await get(`/api/v1/agents?id=${id}`)).body.data;
      assert.equal(row.title, `${name}-2`);
      assert.deepEqual(row.dsl, changed);
      assert.ok(row.update_time > row.create_time);
      // A DSL without a title is snapshotted under the stored title (AGENTS.md §9.1's recommended fix).
      assert.deepEqual((await put(`/api/v1/agents/${id}`, { dsl: SUITE_DSL, title: null })).body, { code: 0, message: 'success', data: true });
      [row] = (await get(`/api/v1/agents?id=${id}`)).body.data;
      assert.equal(row.title, `${name}-2`);
      assert.deepEqual(row.dsl, SUITE_DSL);
      const versions = await db('agent_versions').where({ agent_id: id }).orderBy('create_time', 'asc');
      assert.equal(versions.length, 3);
      assert.ok(versions[1].title.startsWith(`${name}-2_`) && versions[2].title.startsWith(`${name}-2_`), versions.map((v: { title: string }) => v.title).join());
      // Without a DSL no snapshot.
      assert.equal((await put(`/api/v1/agents/${id}`, { description: 'd' })).body.code, 0);
      assert.equal((await db('agent_versions').where({ agent_id: id })).length, 3);
      // Only the latest 20 snapshots are kept.
      for (let i = 0; i < 20; i++) assert.equal((await put(`/api/v1/agents/${id}`, { dsl: { ...SUITE_DSL, variables: { i: { name: 'i', type: 'number', value: i } } } })).body.code, 0);
      const kept = await db('agent_versions').where({ agent_id: id });
      assert.equal(kept.length, 20);
      assert.ok(kept.some((v: { dsl: string }) => JSON.parse(v.dsl).variables.i?.value === 19), 'the newest is kept');
      const refused = { code: 103, message: 'Only owner of canvas authorized for this operation.', data: false };
      assert.deepEqual((await put(`/api/v1/agents/${uuid1()}`, { title: 'x' })).body, refused);
      assert.deepEqual((await put(`/api/v1/agents/${id}`, { title: 'stolen' }, bob)).body, refused);
      assert.equal((await get(`/api/v1/agents?id=${id}`)).body.data[0].title, `${name}-2`, "bob's update changed nothing");
    });

    test('delete: not the owner → J 103; the owner → J data true', async () => {
      const id = await createAgent(title('del'));
      const refused = { code: 103, message: 'Only owner of canvas authorized for this operation.', data: false };
      assert.deepEqual((await del(`/api/v1/agents/${id}`, {}, bob)).body, refused);
      assert.deepEqual((await del(`/api/v1/agents/${uuid1()}`, {})).body, refused);
      assert.equal((await get(`/api/v1/agents?id=${id}`)).body.code, 0, 'still there');
      assert.deepEqual((await del(`/api/v1/agents/${id}`, {})).body, { code: 0, message: 'success', data: true });
      assert.deepEqual((await get(`/api/v1/agents?id=${id}`)).body, { code: 102, message: "The agent doesn't exist." });
      assert.equal((await db('agent_versions').where({ agent_id: id })).length, 0, 'its snapshots go with it');
    });

    test('session create: reset DSL copy, Begin prologue, user_id from the query; unknown or foreign agent → Agent not found.', async () => {
      const dsl = structuredClone(SUITE_DSL) as Record<string, any>;
      dsl.path = ['begin', 'message'];
      dsl.history = [['user', 'hi']];
      dsl.globals = { 'sys.query': 'hi', 'sys.user_id': 'u', 'sys.conversation_turns': 3, 'sys.files': ['f'], 'env.x': 'old' };
      dsl.variables = { x: { name: 'x', type: 'string', value: 'fresh' } };
      dsl.components.message.obj.params.outputs = { content: { type: 'str', value: 'stale' } };
      dsl.components.begin.obj.params.prologue = 'Welcome!';
      const id = await createAgent(title('sess'), dsl);
      const created = await post(`/api/v1/agents/${id}/sessions?user_id=end-user-1`, { user_id: 'ignored' });
      assert.equal(created.body.code, 0, created.text);
      const s = created.body.data;
      assert.deepEqual(Object.keys(s).sort(), ['agent_id', 'dsl', 'id', 'message', 'source', 'user_id']);
      assert.equal(s.user_id, 'end-user-1');
      assert.equal(s.source, 'agent');
      assert.deepEqual(s.message, [{ role: 'assistant', content: 'Welcome!' }]);
      assert.deepEqual(s.dsl.path, []);
      assert.deepEqual(s.dsl.history, []);
      assert.deepEqual(s.dsl.retrieval, []);
      assert.deepEqual(s.dsl.globals, { 'sys.query': '', 'sys.user_id': '', 'sys.conversation_turns': 0, 'sys.files': [], 'env.x': 'fresh' });
      assert.equal(s.dsl.components.message.obj.params.outputs.content.value, null);
      const byDefault = await post(`/api/v1/agents/${id}/sessions`, {});
      assert.equal(byDefault.body.data.user_id, alice.userId, 'user_id defaults to the caller tenant');
      const plain = await createAgent(title('plain'));
      assert.deepEqual((await post(`/api/v1/agents/${plain}/sessions`, {})).body.data.message, [{ role: 'assistant', content: DEFAULT_PROLOGUE }]);
      assert.deepEqual((await post(`/api/v1/agents/${uuid1()}/sessions`, {})).body, { code: 102, message: 'Agent not found.' });
      assert.deepEqual((await post(`/api/v1/agents/${id}/sessions`, {}, bob)).body, { code: 102, message: 'Agent not found.' }, 'a foreign agent reads as unknown');
      // A DSL the engine cannot load fails at session creation, not before (AGENTS.md §9.1).
      const broken = await createAgent(title('broken'), { components: {} });
      const failed = await post(`/api/v1/agents/${broken}/sessions`, {});
      assert.deepEqual(failed.body, { code: 100, message: "KeyError('path')", data: null });
    });

    test('session list: filters, paging, desc (false/False ⇒ asc), dsl=false omits the DSL; foreign → E 102', async () => {
      const id = await createAgent(title('list'));
      const sids: string[] = [];
      for (const u of ['u1', 'u2', 'u1']) sids.push((await post(`/api/v1/agents/${id}/sessions?user_id=${u}`, {})).body.data.id);
      const list = async (q: string) => {
        const r = await get(`/api/v1/agents/${id}/sessions${q}`);
        assert.equal(r.body.code, 0, r.text);
        return r.body.data as Record<string, any>[];
      };
      assert.deepEqual((await list('')).map((s) => s.id), [...sids].reverse(), 'newest first by default');
      assert.deepEqual((await list('?desc=False')).map((s) => s.id), sids);
      assert.deepEqual((await list('?desc=FALSE')).map((s) => s.id), [...sids].reverse(), 'only false/False turn desc off');
      assert.deepEqual((await list('?desc=false&page=2&page_size=2')).map((s) => s.id), [sids[2]]);
      assert.deepEqual((await list('?user_id=u1&desc=false')).map((s) => s.id), [sids[0], sids[2]]);
      const [one] = await list(`?id=${sids[1]}`);
      assert.deepEqual(
        Object.keys(one!).sort(),
        ['agent_id', 'create_date', 'create_time', 'dsl', 'duration', 'errors', 'id', 'messages', 'round', 'source', 'thumb_up', 'tokens', 'update_date', 'update_time', 'user_id'],
      );
      assert.equal(one!.agent_id, id);
      assert.deepEqual(one!.messages, [{ role: 'assistant', content: DEFAULT_PROLOGUE }]);
      assert.equal(one!.source, 'agent');
      assert.ok(!('dsl' in (await list(`?id=${sids[1]}&dsl=false`))[0]!));
      assert.ok(!('dsl' in (await list(`?id=${sids[1]}&dsl=False`))[0]!));
      assert.deepEqual(await list(`?id=${uuid1()}`), []);
      assert.deepEqual((await get(`/api/v1/agents/${id}/sessions`, bob)).body, { code: 102, message: `You don't own the agent ${id}.` });
      const unknown = uuid1();
      assert.deepEqual((await get(`/api/v1/agents/${unknown}/sessions`)).body, { code: 102, message: `You don't own the agent ${unknown}.` });
      const badOrder = await get(`/api/v1/agents/${id}/sessions?orderby=nope`);
      assert.deepEqual(badOrder.body, { code: 100, message: `AttributeError("type object 'API4Conversation' has no attribute 'nope'")`, data: null });
    });

    test("a session keeps its own DSL copy: the agent's later edits never reach it", async () => {
      const id = await createAgent(title('copy'));
      const sid = (await post(`/api/v1/agents/${id}/sessions`, {})).body.data.id;
      assert.equal((await put(`/api/v1/agents/${id}`, { dsl: { ...SUITE_DSL, variables: { v: { name: 'v', type: 'string', value: '1' } } } })).body.code, 0);
      const [s] = (await get(`/api/v1/agents/${id}/sessions?id=${sid}`)).body.data;
      assert.deepEqual(s.dsl.variables, {});
    });

    test('session delete: missing/empty ids ⇒ all; unknown, duplicate and partial outcomes; foreign → E 102', async () => {
      const id = await createAgent(title('sdel'));
      const make = async () => (await post(`/api/v1/agents/${id}/sessions`, {})).body.data.id as string;
      const [a, b, c] = [await make(), await make(), await make()];
      assert.deepEqual((await del(`/api/v1/agents/${id}/sessions`, { ids: [a] }, bob)).body, { code: 102, message: `You don't own the agent ${id}` });
      const ghost = uuid1();
      assert.deepEqual((await del(`/api/v1/agents/${id}/sessions`, { ids: [ghost] })).body, { code: 102, message: `The agent doesn't own the session ${ghost}` });
      assert.deepEqual((await del(`/api/v1/agents/${id}/sessions`, { ids: [a, ghost] })).body, { code: 0, data: { success_count: 1, errors: [`The agent doesn't own the session ${ghost}`] } });
      assert.deepEqual((await del(`/api/v1/agents/${id}/sessions`, { ids: [b, b] })).body, { code: 0, data: { success_count: 1, errors: [`Duplicate session ids: ${b}`] } });
      assert.deepEqual((await del(`/api/v1/agents/${id}/sessions`, { ids: [] })).body, { code: 0 }, 'empty ids: every session');
      assert.deepEqual((await get(`/api/v1/agents/${id}/sessions`)).body, { code: 0, data: [] });
      assert.deepEqual((await del(`/api/v1/agents/${id}/sessions`, { ids: [c] })).body, { code: 102, message: `Agent ${id} has no sessions` });
      const bad = await del(`/api/v1/agents/${id}/sessions`, {});
      assert.equal(bad.body.code, 102);
      await make();
      assert.deepEqual((await del(`/api/v1/agents/${id}/sessions`, { ids: 5 })).body, { code: 100, message: "TypeError(\"'int' object is not iterable\")", data: null });
    });
  });
}
