import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, headers as natsHeaders } from 'nats';
import { Headers, Subjects } from '@rag/contracts';
import { startStack, signUp, type Stack } from '../support/stack.js';

/**
 * account-svc through the gateway (CONTRACT §3, §17): registration, sessions, tenant defaults,
 * API keys, tenant models and the web-route auth failures, on SQLite and on MariaDB.
 */

type User = Awaited<ReturnType<typeof signUp>>;

const UNAUTHORIZED = { code: 401, message: "<Unauthorized '401: Unauthorized'>", data: null };
const USER_KEYS = [
  'avatar', 'color_schema', 'create_date', 'create_time', 'email', 'id', 'is_active', 'is_anonymous', 'is_authenticated', 'is_superuser', 'language',
  'last_login_time', 'login_channel', 'nickname', 'status', 'timezone', 'update_date', 'update_time',
].sort();
const TENANT_INFO_KEYS = ['tenant_id', 'name', 'llm_id', 'embd_id', 'rerank_id', 'asr_id', 'img2txt_id', 'tts_id', 'parser_ids', 'role'];
const UUID1_HEX = /^[0-9a-f]{12}1[0-9a-f]{19}$/;
const STUB_BASE = 'http://127.0.0.1:9/v1';

let seq = 0;
const freshEmail = (tag: string) => `${tag}${Date.now()}${++seq}@example.com`;

for (const db of ['sqlite', 'mariadb'] as const) {
  describe(`account end to end (${db})`, () => {
    let stack: Stack;
    let alice: User;
    let bob: User;

    before(async () => {
      stack = await startStack({ db });
      alice = await signUp(stack.http);
      bob = await signUp(stack.http);
    });
    after(async () => stack?.stop());

    test('register answers the user row without secrets and a working login token', async () => {
      const email = freshEmail('Reg');
      const r = await stack.http.post('/v1/user/register', { nickname: 'reggie', email, password: '123' });
      assert.equal(r.status, 200);
      assert.deepEqual(Object.keys(r.body), ['code', 'message', 'data']);
      assert.equal(r.body.code, 0);
      assert.equal(r.body.message, 'reggie, welcome aboard!');
      const u = r.body.data;
      assert.deepEqual(Object.keys(u).sort(), USER_KEYS);
      assert.match(u.id, UUID1_HEX);
      assert.equal(u.email, email);
      assert.equal(u.nickname, 'reggie');
      assert.equal(u.avatar, null);
      assert.equal(u.language, 'English');
      assert.equal(u.color_schema, 'Bright');
      assert.equal(u.timezone, 'UTC+8\tAsia/Shanghai');
      assert.deepEqual([u.is_authenticated, u.is_active, u.is_anonymous, u.status, u.login_channel, u.is_superuser], ['1', '1', '0', '1', 'password', false]);
      assert.equal(typeof u.create_time, 'number');
      assert.match(u.create_date, /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      assert.ok(!r.text.includes('"password":') && !r.text.includes('access_token') && !r.text.includes('scrypt'), 'no secrets in the row');
      const token = r.headers.get('authorization');
      assert.ok(token);
      const info = await stack.http.get('/v1/user/info', token);
      assert.equal(info.body.data.id, u.id);
      // The tenant: same id as the user, "<nickname>‘s Kingdom", server defaults.
      const t = await stack.http.get('/v1/user/tenant_info', token);
      assert.deepEqual(Object.keys(t.body.data), TENANT_INFO_KEYS);
      assert.deepEqual(
        { ...t.body.data, parser_ids: undefined },
        { tenant_id: u.id, name: 'reggie‘s Kingdom', llm_id: 'extractive-answerer@Builtin', embd_id: 'hashing-embedder-384@Builtin', rerank_id: '', asr_id: '', img2txt_id: '', tts_id: null, parser_ids: undefined, role: 'owner' },
      );
      assert.match(t.body.data.parser_ids, /^naive:General,qa:Q&A,/);
      // Its first models: the offline Builtin engines.
      const mine = await stack.http.get('/v1/llm/my_llms', token);
      assert.deepEqual(mine.body.data.Builtin.llm.map((m: { name: string }) => m.name).sort(), ['extractive-answerer', 'hashing-embedder-384']);
    });

    test('register refusals (§3.2)', async () => {
      const reg = (json: unknown) => stack.http.post('/v1/user/register', json);
      assert.deepEqual((await reg({})).body, { code: 101, message: 'required argument are missing: nickname,email,password; ', data: null });
      assert.deepEqual((await reg({ nickname: 'x', email: 'x@y.com' })).body, { code: 101, message: 'required argument are missing: password; ', data: null });
      const notJson = await stack.http.send('POST', '/v1/user/register', { body: '{bad json', headers: { 'Content-Type': 'application/json' } });
      assert.deepEqual(notJson.body, { code: 101, message: 'required argument are missing: nickname,email,password; ', data: null });
      assert.deepEqual((await reg({ nickname: 'x', email: 'not-an-email', password: '1' })).body, { code: 103, message: 'Invalid email address: not-an-email!', data: false });
      assert.deepEqual((await reg({ nickname: 'x', email: 'a@b.c', password: '1' })).body, { code: 103, message: 'Invalid email address: a@b.c!', data: false });
      assert.deepEqual((await reg({ nickname: 'x', email: alice.email, password: '1' })).body, { code: 103, message: `Email: ${alice.email} has already registered!`, data: false });
      const upper = alice.email.toUpperCase();
      assert.deepEqual((await reg({ nickname: 'x', email: upper, password: '1' })).body, { code: 103, message: `Email: ${upper} has already registered!`, data: false });
      // Wrong JSON types are clear 101s, never a crash.
      const numeric = await reg({ nickname: 'x', email: 123, password: '1' });
      assert.equal(numeric.status, 200);
      assert.deepEqual(numeric.body, { code: 101, message: 'Field: <email> - Message: <Input should be a valid string> - Value: <123>', data: false });
      assert.deepEqual((await reg({ nickname: ['n'], email: freshEmail('t'), password: '1' })).body, {
        code: 101,
        message: "Field: <nickname> - Message: <Input should be a valid string> - Value: <['n']>",
        data: false,
      });
      assert.deepEqual((await reg({ nickname: 'x', email: freshEmail('t'), password: null })).body, {
        code: 101,
        message: 'Field: <password> - Message: <Input should be a valid string> - Value: <None>',
        data: false,
      });
      assert.deepEqual((await reg({ nickname: 'x', email: freshEmail('t'), password: '' })).body, {
        code: 101,
        message: 'Field: <password> - Message: <String should have at least 1 character> - Value: <>',
        data: false,
      });
    });

    test('concurrent registrations of one e-mail: exactly one wins', async () => {
      const email = freshEmail('Race');
      const variants = [email, email.toLowerCase(), email.toUpperCase(), email, email.toLowerCase(), email];
      const results = await Promise.all(variants.map((e) => stack.http.post('/v1/user/register', { nickname: 'racer', email: e, password: '123' })));
      assert.equal(results.filter((r) => r.body.code === 0).length, 1, results.map((r) => r.text).join('\n'));
      for (const r of results.filter((x) => x.body.code !== 0)) {
        assert.equal(r.body.code, 103);
        assert.match(r.body.message, /^Email: .+ has already registered!$/);
      }
    });

    test('login: the token comes in the Authorization header; refusals are exact (§3.2)', async () => {
      const ok = await stack.http.post('/v1/user/login', { email: alice.email, password: '123' });
      assert.equal(ok.status, 200);
      assert.deepEqual(Object.keys(ok.body), ['code', 'message', 'data']);
      assert.equal(ok.body.message, 'Welcome back!');
      assert.deepEqual(Object.keys(ok.body.data).sort(), USER_KEYS);
      assert.match(ok.headers.get('access-control-expose-headers') ?? '', /\bAuthorization\b/);
      const token = ok.headers.get('authorization')!;
      assert.equal((await stack.http.get('/v1/user/info', token)).body.data.email, alice.email);
      // E-mail is matched without regard to case, as MySQL's collation does.
      assert.equal((await stack.http.post('/v1/user/login', { email: alice.email.toUpperCase(), password: '123' })).body.code, 0);
      alice.loginToken = (await stack.http.post('/v1/user/login', { email: alice.email, password: '123' })).headers.get('authorization')!;
      assert.deepEqual((await stack.http.get('/v1/user/info', token)).body, UNAUTHORIZED, 'a new login retires the old token');

      const login = (json: unknown) => stack.http.post('/v1/user/login', json);
      assert.deepEqual((await login({})).body, { code: 109, message: 'Unauthorized!', data: false });
      assert.deepEqual((await stack.http.get('/v1/user/login')).body, { code: 109, message: 'Unauthorized!', data: false });
      assert.deepEqual((await stack.http.send('POST', '/v1/user/login', { body: 'email=a', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).body, { code: 109, message: 'Unauthorized!', data: false });
      assert.deepEqual((await login({ email: 'admin@ragflow.io', password: 'admin' })).body, { code: 109, message: 'Default admin account cannot be used to login normal services!', data: false });
      assert.deepEqual((await login({ email: 'nobody@example.com', password: '123' })).body, { code: 109, message: 'Email: nobody@example.com is not registered!', data: false });
      assert.deepEqual((await login({ password: '123' })).body, { code: 109, message: 'Email:  is not registered!', data: false });
      assert.deepEqual((await login({ email: 123, password: '123' })).body, { code: 109, message: 'Email: 123 is not registered!', data: false });
      assert.deepEqual((await login({ email: alice.email })).body, { code: 500, message: 'Fail to crypt password', data: false });
      assert.deepEqual((await login({ email: alice.email, password: 123 })).body, { code: 500, message: 'Fail to crypt password', data: false });
      assert.deepEqual((await login({ email: alice.email, password: 'wrong' })).body, { code: 109, message: 'Email and password do not match!', data: false });
      const str = await stack.http.send('POST', '/v1/user/login', { body: '"text"', headers: { 'Content-Type': 'application/json' } });
      assert.deepEqual(str.body, { code: 100, message: `AttributeError("'str' object has no attribute 'get'")`, data: null });
      assert.ok(!str.headers.get('authorization'));
    });

    test('logout retires the login token at once', async () => {
      const u = await signUp(stack.http);
      assert.equal((await stack.http.get('/v1/user/info', u.loginToken)).body.code, 0);
      const out = await stack.http.get('/v1/user/logout', u.loginToken);
      assert.deepEqual(out.body, { code: 0, message: 'success', data: true });
      const after = await stack.http.get('/v1/user/info', u.loginToken);
      assert.equal(after.status, 401);
      assert.deepEqual(after.body, UNAUTHORIZED);
      // API keys outlive the session; a new login works.
      assert.equal((await stack.http.get('/v1/user/info', u.bearer)).body.data.id, u.userId);
      assert.equal((await stack.http.post('/v1/user/login', { email: u.email, password: u.password })).body.code, 0);
    });

    test('every web route answers HTTP 401 with the exact body on a bad credential (§3.4)', async () => {
      const routes: Array<[string, string]> = [
        ['GET', '/v1/user/info'],
        ['GET', '/v1/user/logout'],
        ['POST', '/v1/user/setting'],
        ['GET', '/v1/user/tenant_info'],
        ['POST', '/v1/user/set_tenant_info'],
        ['POST', '/v1/system/new_token'],
        ['GET', '/v1/system/token_list'],
        ['DELETE', '/v1/system/token/x'],
        ['GET', '/api/v1/system/tokens'],
        ['GET', '/v1/llm/factories'],
        ['GET', '/v1/llm/my_llms'],
        ['GET', '/v1/llm/list'],
        ['POST', '/v1/llm/add_llm'],
        ['POST', '/v1/llm/set_api_key'],
      ];
      const tampered = alice.loginToken.slice(0, -2) + (alice.loginToken.endsWith('AA') ? 'BB' : 'AA');
      for (const [method, path] of routes) {
        for (const auth of [undefined, 'garbage', 'Bearer ragflow-unknownkey', tampered, `Bearer ${alice.loginToken}`]) {
          const r = await stack.http.send(method, path, auth === undefined ? {} : { auth });
          assert.equal(r.status, 401, `${method} ${path} with ${auth}`);
          assert.deepEqual(r.body, UNAUTHORIZED, `${method} ${path} with ${auth}`);
        }
      }
      // Register, login and the system pings need no credential.
      assert.equal((await stack.http.get('/v1/system/ping')).text, 'pong');
    });

    test('user info and settings', async () => {
      const u = await signUp(stack.http);
      const info = await stack.http.get('/v1/user/info', u.loginToken);
      assert.deepEqual(Object.keys(info.body), ['code', 'message', 'data']);
      assert.deepEqual(Object.keys(info.body.data).sort(), USER_KEYS);
      const set = (json: unknown) => stack.http.post('/v1/user/setting', json, u.loginToken);
      assert.deepEqual((await set({ nickname: 'renamed', language: 'Chinese', email: 'ignored@example.com', is_superuser: true })).body, { code: 0, message: 'success', data: true });
      const after = (await stack.http.get('/v1/user/info', u.loginToken)).body.data;
      assert.deepEqual([after.nickname, after.language, after.email, after.is_superuser], ['renamed', 'Chinese', u.email, false]);
      assert.deepEqual((await set({ password: 'wrong', new_password: 'x' })).body, { code: 109, message: 'Password error!', data: false });
      assert.deepEqual((await set({ no_such_column: 1 })).body, { code: 100, message: 'Update failure!', data: false });
      assert.deepEqual((await set({ nickname: 5 })).body, { code: 100, message: 'Update failure!', data: false });
      const bad = await stack.http.send('POST', '/v1/user/setting', { body: '{oops', headers: { 'Content-Type': 'application/json' }, auth: u.loginToken });
      assert.deepEqual(bad.body, { code: 100, message: "<BadRequest '400: Bad Request'>", data: null });
      assert.deepEqual((await set({ password: u.password, new_password: 'n3w' })).body.data, true);
      assert.equal((await stack.http.post('/v1/user/login', { email: u.email, password: u.password })).body.code, 109);
      assert.equal((await stack.http.post('/v1/user/login', { email: u.email, password: 'n3w' })).body.code, 0);
    });

    test('passwords never cross the bus: register, login and a password change carry derived keys only', async () => {
      const nc = await connect({ servers: stack.nats.url });
      const seen: string[] = [];
      const sub = nc.subscribe('rag.v1.account.>', { callback: (_err, m) => seen.push(`${m.subject} ${new TextDecoder().decode(m.data)}`) });
      await nc.flush();
      try {
        const email = `secret${Date.now()}@example.com`;
        const [first, second] = ['Sup3r-s3cret-one', 'Sup3r-s3cret-two'];
        assert.equal((await stack.http.post('/v1/user/register', { nickname: 'sec', email, password: first })).body.code, 0);
        const login = await stack.http.post('/v1/user/login', { email, password: first });
        assert.equal(login.body.code, 0);
        const token = login.headers.get('authorization')!;
        assert.equal((await stack.http.post('/v1/user/setting', { password: first, new_password: second }, token)).body.code, 0);
        assert.equal((await stack.http.post('/v1/user/login', { email, password: second })).body.code, 0);
        assert.equal((await stack.http.post('/v1/user/login', { email, password: first })).body.code, 109);
        await nc.flush();
        const sent = seen.filter((m) => /\.(register|login|user_setting) /.test(m));
        assert.equal(sent.length, 5, seen.join('\n'));
        for (const secret of [first, second, Buffer.from(first).toString('base64'), Buffer.from(second).toString('base64')]) {
          assert.ok(!seen.some((m) => m.includes(secret)), `${secret} crossed the bus`);
        }
        assert.ok(sent.every((m) => /"password_hash":"[^"]+"/.test(m)), 'each carries a derived key or stored form');

        // Asking how to derive tells nothing about which accounts exist: an unknown e-mail gets stand-in
        // parameters of the same shape, the same every time.
        const ask = async (body: unknown) => JSON.parse(new TextDecoder().decode((await nc.request(Subjects.account.passwordParams, JSON.stringify({ body }), { timeout: 5000 })).data));
        const known = await ask({ email });
        const unknown = await ask({ email: `nobody${Date.now()}@example.com` });
        assert.equal(unknown.code, 0);
        assert.equal(unknown.data.method, known.data.method);
        assert.match(unknown.data.salt, /^[A-Za-z0-9]{16}$/);
        const again = await ask({ email: 'stable-nobody@example.com' });
        assert.deepEqual(await ask({ email: 'stable-nobody@example.com' }), again);
      } finally {
        sub.unsubscribe();
        await nc.close();
      }
    });

    test('tenant_info and set_tenant_info', async () => {
      const info = await stack.http.get('/v1/user/tenant_info', bob.loginToken);
      assert.equal(info.body.code, 0);
      assert.equal(info.body.data.tenant_id, bob.userId);
      const set = (json: unknown, who = bob.loginToken) => stack.http.post('/v1/user/set_tenant_info', json, who);
      assert.deepEqual((await set({})).body, { code: 101, message: 'required argument are missing: tenant_id,asr_id,embd_id,img2txt_id,llm_id; ', data: null });
      assert.deepEqual((await set({ tenant_id: bob.userId, llm_id: 'x' })).body, { code: 101, message: 'required argument are missing: asr_id,embd_id,img2txt_id; ', data: null });
      const foreign = { tenant_id: alice.userId, llm_id: 'x', embd_id: 'y', asr_id: '', img2txt_id: '' };
      assert.deepEqual((await set(foreign)).body, { code: 102, message: `Only the owner of tenant ${alice.userId} can change its settings.` });
      assert.notEqual((await stack.http.get('/v1/user/tenant_info', alice.loginToken)).body.data.llm_id, 'x', "another tenant's settings are untouched");
      const ok = await set({ tenant_id: bob.userId, llm_id: 'glm-4@ZHIPU-AI', embd_id: 'embedding-3@ZHIPU-AI', asr_id: '', img2txt_id: null, rerank_id: 'r@SILICONFLOW', tts_id: null, name: 'Bob Inc' });
      assert.deepEqual(ok.body, { code: 0, message: 'success', data: true });
      const now = (await stack.http.get('/v1/user/tenant_info', bob.bearer)).body.data;
      assert.deepEqual(
        [now.llm_id, now.embd_id, now.asr_id, now.img2txt_id, now.rerank_id, now.tts_id, now.name, now.role],
        ['glm-4@ZHIPU-AI', 'embedding-3@ZHIPU-AI', '', '', 'r@SILICONFLOW', null, 'Bob Inc', 'owner'],
      );
      assert.deepEqual((await set({ tenant_id: bob.userId, llm_id: { a: 1 }, embd_id: '', asr_id: '', img2txt_id: '' })).body, {
        code: 101,
        message: "Field: <llm_id> - Message: <Input should be a valid string> - Value: <{'a': 1}>",
      });
    });

    test('API keys: created once in full, listed masked, deleted by either form, refused at once', async () => {
      const u = await signUp(stack.http);
      const created = await stack.http.send('POST', '/v1/system/new_token', { auth: u.loginToken });
      assert.deepEqual(Object.keys(created.body), ['code', 'message', 'data']);
      const k = created.body.data;
      assert.deepEqual(Object.keys(k), ['tenant_id', 'token', 'beta', 'create_time', 'create_date', 'update_time', 'update_date']);
      assert.equal(k.tenant_id, u.userId);
      assert.match(k.token, /^ragflow-[A-Za-z0-9_-]{43}$/);
      assert.match(k.beta, /^[A-Za-z0-9_-]{32}$/);
      assert.equal(k.update_time, null);
      assert.equal(k.update_date, null);
      assert.equal((await stack.http.get('/api/v1/datasets', `Bearer ${k.token}`)).body.code, 0);

      const listed = await stack.http.get('/v1/system/token_list', u.loginToken);
      assert.equal(listed.body.code, 0);
      assert.equal(listed.body.data.length, 2);
      for (const row of listed.body.data) {
        assert.deepEqual(Object.keys(row), ['tenant_id', 'token', 'dialog_id', 'source', 'beta', 'create_time', 'create_date', 'update_time', 'update_date']);
        assert.match(row.token, /^ragflow-[A-Za-z0-9_-]{4}\*\*\*\*[A-Za-z0-9_-]{4}$/);
      }
      assert.ok(!listed.text.includes(k.token) && !listed.text.includes(u.apiKey), 'full keys are never listed');
      const masked = listed.body.data.find((row: { beta: string }) => row.beta === k.beta).token;

      // Delete the first key by its full text, the second by its masked form.
      assert.deepEqual((await stack.http.delete(`/v1/system/token/${u.apiKey}`, undefined, u.loginToken)).body, { code: 0, message: 'success', data: true });
      assert.deepEqual((await stack.http.get('/api/v1/datasets', u.bearer)).body, { code: 109, message: 'Authentication error: API key is invalid!', data: false });
      assert.equal((await stack.http.get('/api/v1/datasets', `Bearer ${k.token}`)).body.code, 0, 'the other key still works');
      assert.deepEqual((await stack.http.delete(`/v1/system/token/${encodeURIComponent(masked)}`, undefined, u.loginToken)).body.data, true);
      assert.deepEqual((await stack.http.get('/api/v1/datasets', `Bearer ${k.token}`)).body, { code: 109, message: 'Authentication error: API key is invalid!', data: false });
      assert.deepEqual((await stack.http.get('/v1/user/info', `Bearer ${k.token}`)).body, UNAUTHORIZED);
      assert.deepEqual((await stack.http.get('/v1/system/token_list', u.loginToken)).body.data, []);
      assert.deepEqual((await stack.http.delete('/v1/system/token/ragflow-nosuchkey', undefined, u.loginToken)).body, { code: 0, message: 'success', data: true });
      // Another tenant's key cannot be deleted.
      assert.equal((await stack.http.delete(`/v1/system/token/${alice.apiKey}`, undefined, u.loginToken)).body.data, true);
      assert.equal((await stack.http.get('/api/v1/datasets', alice.bearer)).body.code, 0);
    });

    test('API keys through the later /api/v1/system/tokens routes, and as web credentials', async () => {
      const u = await signUp(stack.http);
      const created = await stack.http.send('POST', '/api/v1/system/tokens', { auth: u.bearer });
      assert.equal(created.body.code, 0);
      const key = created.body.data.token as string;
      assert.equal((await stack.http.get('/api/v1/system/tokens', u.loginToken)).body.data.length, 2);
      // A key on a web route acts as its tenant's owner.
      const asKey = await stack.http.get('/v1/user/info', `Bearer ${key}`);
      assert.equal(asKey.body.data.id, u.userId);
      assert.deepEqual((await stack.http.delete(`/api/v1/system/tokens/${key}`, undefined, u.bearer)).body, { code: 0, message: 'success', data: true });
      assert.deepEqual((await stack.http.get('/api/v1/datasets', `Bearer ${key}`)).body.code, 109);
      assert.equal((await stack.http.get('/api/v1/system/tokens', u.loginToken)).body.data.length, 1);
    });

    test('the offline model set-up of §17 works exactly, and dataset-svc sees the models', async () => {
      const u = await signUp(stack.http);
      const mine0 = await stack.http.get('/v1/llm/my_llms', u.loginToken);
      assert.equal(mine0.body.code, 0);
      assert.ok(!('ZHIPU-AI' in mine0.body.data));
      const models: Array<[string, string, string]> = [
        ['glm-4-flash', 'ZHIPU-AI', 'chat'],
        ['glm-4', 'ZHIPU-AI', 'chat'],
        ['embedding-3', 'ZHIPU-AI', 'embedding'],
        ['BAAI/bge-small-en-v1.5', 'Builtin', 'embedding'],
        ['BAAI/bge-large-zh-v1.5', 'SILICONFLOW', 'embedding'],
      ];
      for (const [llm_name, llm_factory, model_type] of models) {
        const r = await stack.http.post('/v1/llm/add_llm', { llm_factory, llm_name, model_type, api_base: STUB_BASE, api_key: 'stub-key' }, u.loginToken);
        assert.deepEqual(r.body, { code: 0, message: 'success', data: true }, `${llm_name}@${llm_factory}`);
      }
      const tenant = await stack.http.get('/v1/user/tenant_info', u.loginToken);
      const set = await stack.http.post(
        '/v1/user/set_tenant_info',
        { tenant_id: tenant.body.data.tenant_id, llm_id: 'glm-4-flash@ZHIPU-AI', embd_id: 'BAAI/bge-small-en-v1.5@Builtin', img2txt_id: '', asr_id: '', tts_id: null },
        u.loginToken,
      );
      assert.deepEqual(set.body, { code: 0, message: 'success', data: true });
      const after = (await stack.http.get('/v1/user/tenant_info', u.loginToken)).body.data;
      assert.deepEqual([after.llm_id, after.embd_id, after.img2txt_id, after.asr_id, after.tts_id], ['glm-4-flash@ZHIPU-AI', 'BAAI/bge-small-en-v1.5@Builtin', '', '', null]);

      const mine = (await stack.http.get('/v1/llm/my_llms', u.loginToken)).body.data;
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      assert.deepEqual(Object.keys(mine['ZHIPU-AI']), ['tags', 'llm']);
      assert.equal(mine['ZHIPU-AI'].tags, 'LLM,TEXT EMBEDDING,SPEECH2TEXT,MODERATION');
      assert.deepEqual(
        mine['ZHIPU-AI'].llm.sort(byName),
        [
          { type: 'chat', name: 'glm-4-flash', used_token: 0, status: '1' },
          { type: 'chat', name: 'glm-4', used_token: 0, status: '1' },
          { type: 'embedding', name: 'embedding-3', used_token: 0, status: '1' },
        ].sort(byName),
      );
      assert.ok(mine.SILICONFLOW.llm.some((m: { name: string }) => m.name === 'BAAI/bge-large-zh-v1.5'));
      const detailed = await stack.http.get('/v1/llm/my_llms?include_details=true', u.loginToken);
      const emb = detailed.body.data['ZHIPU-AI'].llm.find((m: { name: string }) => m.name === 'embedding-3');
      assert.deepEqual(emb, { type: 'embedding', name: 'embedding-3', used_token: 0, api_base: STUB_BASE, max_tokens: 8192, status: '1' });
      assert.ok(!detailed.text.includes('stub-key') && !mine0.text.includes('stub-key'), 'provider keys are never returned');

      // dataset-svc reads the tenant's models from account-svc (§5.2 availability).
      const ds = (embedding_model: string) => stack.http.post('/api/v1/datasets', { name: `d${++seq}`, embedding_model }, u.bearer);
      assert.equal((await ds('embedding-3@ZHIPU-AI')).body.code, 0);
      assert.equal((await ds('BAAI/bge-large-zh-v1.5@SILICONFLOW')).body.code, 0);
      assert.deepEqual((await ds('text-embedding-3-small@OpenAI')).body, { code: 101, message: 'Unauthorized model: <text-embedding-3-small@OpenAI>' });
      assert.deepEqual((await ds('unknown@ZHIPU-AI')).body, { code: 101, message: 'Unsupported model: <unknown@ZHIPU-AI>' });
      const dflt = await stack.http.post('/api/v1/datasets', { name: `d${++seq}` }, u.bearer);
      assert.equal(dflt.body.data.embedding_model, 'BAAI/bge-small-en-v1.5@Builtin');

      // Model callers (document-svc) get the provider settings, key included, over the bus only.
      const nc = await connect({ servers: stack.nats.url });
      try {
        // The tenant is the caller context's header (set by the calling service), never a body field.
        const ask = async (tenant: string, body: unknown) => {
          const h = natsHeaders();
          if (tenant) h.set(Headers.tenantId, tenant);
          return JSON.parse(new TextDecoder().decode((await nc.request(Subjects.account.modelCredentials, JSON.stringify({ body }), { timeout: 5000, headers: h })).data));
        };
        assert.deepEqual(await ask(u.userId, { model: 'embedding-3@ZHIPU-AI', model_type: 'embedding' }), {
          code: 0,
          data: { factory: 'ZHIPU-AI', name: 'embedding-3', type: 'embedding', api_base: STUB_BASE, api_key: 'stub-key', max_tokens: 8192 },
        });
        assert.equal((await ask(u.userId, { model: 'glm-4', model_type: 'chat' })).data.factory, 'ZHIPU-AI');
        assert.deepEqual(await ask(u.userId, { model: 'gpt-4o@OpenAI', model_type: 'chat' }), { code: 100, message: "LookupError('Model(gpt-4o) not authorized')" });
        assert.equal((await ask(bob.userId, { model: 'embedding-3@ZHIPU-AI', model_type: 'embedding' })).code, 100, "another tenant's models are not mine");
        assert.equal((await ask(bob.userId, { tenant_id: u.userId, model: 'embedding-3@ZHIPU-AI', model_type: 'embedding' })).code, 100, 'a tenant_id in the body is ignored');
        assert.equal((await ask('', { tenant_id: u.userId, model: 'embedding-3@ZHIPU-AI', model_type: 'embedding' })).code, 401, 'no caller tenant, no credentials');
      } finally {
        await nc.close();
      }
      assert.equal((await stack.http.get(`/api/v1/system/model_credentials`, u.bearer)).status, 404, 'never routed over HTTP');
    });

    test('add_llm refusals, the name suffix rule, enable/delete, set_api_key', async () => {
      const u = await signUp(stack.http);
      const add = (json: unknown) => stack.http.post('/v1/llm/add_llm', json, u.loginToken);
      assert.deepEqual((await add({})).body, { code: 101, message: 'required argument are missing: llm_factory; ', data: null });
      assert.deepEqual((await add({ llm_factory: 'ZHIPU-AI', llm_name: 'glm-4' })).body, { code: 100, message: "KeyError('model_type')", data: null });
      assert.deepEqual((await add({ llm_factory: 'ZHIPU-AI', llm_name: 'glm-4', model_type: 'chatty' })).body, {
        code: 101,
        message: 'Unsupported model_type: chatty. Allowed: chat, embedding, rerank, image2text, tts, speech2text, ocr',
      });
      assert.deepEqual((await add({ llm_factory: 'Nope', llm_name: 'm', model_type: 'chat' })).body, { code: 102, message: 'LLM factory Nope is not allowed' });
      assert.deepEqual((await add({ llm_factory: 7, llm_name: 'm', model_type: 'chat' })).body, { code: 102, message: 'LLM factory 7 is not allowed' });
      assert.deepEqual((await add({ llm_factory: 'ZHIPU-AI', model_type: 'chat' })).body, { code: 101, message: 'required argument are missing: llm_name; ' });
      assert.deepEqual((await add({ llm_factory: 'ZHIPU-AI', llm_name: 'glm-4', model_type: 'chat', max_tokens: 'lots' })).body, {
        code: 101,
        message: 'Field: <max_tokens> - Message: <Input should be a valid integer> - Value: <lots>',
      });
      assert.deepEqual((await add({ llm_factory: 'OpenAI-API-Compatible', llm_name: 'qwen', model_type: 'chat', api_base: STUB_BASE, max_tokens: 4096 })).body.data, true);
      const detailed = (await stack.http.get('/v1/llm/my_llms?include_details=true', u.loginToken)).body.data;
      assert.deepEqual(detailed['OpenAI-API-Compatible'].llm, [{ type: 'chat', name: 'qwen___OpenAI-API', used_token: 0, api_base: STUB_BASE, max_tokens: 4096, status: '1' }]);

      const post = (path: string, json: unknown) => stack.http.post(path, json, u.loginToken);
      assert.deepEqual((await post('/v1/llm/enable_llm', { llm_factory: 'OpenAI-API-Compatible' })).body, { code: 101, message: 'required argument are missing: llm_name; ', data: null });
      assert.deepEqual((await post('/v1/llm/enable_llm', { llm_factory: 'OpenAI-API-Compatible', llm_name: 'qwen___OpenAI-API', status: '0' })).body.data, true);
      assert.equal((await stack.http.get('/v1/llm/my_llms', u.loginToken)).body.data['OpenAI-API-Compatible'].llm[0].status, '0');
      assert.equal((await post('/v1/llm/enable_llm', { llm_factory: 'OpenAI-API-Compatible', llm_name: 'qwen___OpenAI-API', status: 'on' })).body.code, 101);
      assert.deepEqual((await post('/v1/llm/delete_llm', { llm_factory: 'OpenAI-API-Compatible', llm_name: 'qwen___OpenAI-API' })).body, { code: 0, message: 'success', data: true });
      assert.ok(!('OpenAI-API-Compatible' in (await stack.http.get('/v1/llm/my_llms', u.loginToken)).body.data));

      assert.deepEqual((await post('/v1/llm/set_api_key', { llm_factory: 'ZHIPU-AI' })).body, { code: 101, message: 'required argument are missing: api_key; ', data: null });
      assert.deepEqual((await post('/v1/llm/set_api_key', { llm_factory: 'ZHIPU-AI', api_key: 'zk', base_url: STUB_BASE })).body, { code: 0, message: 'success', data: true });
      const zhipu = (await stack.http.get('/v1/llm/my_llms?include_details=true', u.loginToken)).body.data['ZHIPU-AI'].llm;
      assert.deepEqual(zhipu.map((m: { name: string }) => m.name).sort(), ['embedding-2', 'embedding-3', 'glm-4', 'glm-4-air', 'glm-4-airx', 'glm-4-flash', 'glm-4-long', 'glm-4v']);
      assert.ok(zhipu.every((m: { api_base: string }) => m.api_base === STUB_BASE));
      assert.deepEqual((await post('/v1/llm/delete_factory', { llm_factory: 'ZHIPU-AI' })).body.data, true);
      assert.ok(!('ZHIPU-AI' in (await stack.http.get('/v1/llm/my_llms', u.loginToken)).body.data));
    });

    test('factories and the model list', async () => {
      const f = await stack.http.get('/v1/llm/factories', alice.loginToken);
      assert.equal(f.body.code, 0);
      const names = f.body.data.map((x: { name: string }) => x.name);
      for (const hidden of ['Builtin', 'FastEmbed', 'BAAI', 'Youdao']) assert.ok(!names.includes(hidden), hidden);
      assert.equal(names[0], 'OpenAI');
      const ranks = f.body.data.map((x: { rank: number }) => x.rank);
      assert.deepEqual(ranks, [...ranks].sort((a: number, b: number) => b - a));
      const zhipu = f.body.data.find((x: { name: string }) => x.name === 'ZHIPU-AI');
      assert.deepEqual(zhipu, { name: 'ZHIPU-AI', logo: '', tags: 'LLM,TEXT EMBEDDING,SPEECH2TEXT,MODERATION', status: '1', rank: 940, model_types: ['chat', 'embedding', 'image2text'] });

      const u = await signUp(stack.http);
      await stack.http.post('/v1/llm/add_llm', { llm_factory: 'ZHIPU-AI', llm_name: 'embedding-3', model_type: 'embedding', api_key: 'k' }, u.loginToken);
      const all = (await stack.http.get('/v1/llm/list', u.loginToken)).body.data;
      assert.ok(all.Builtin.every((m: { available: boolean }) => m.available));
      assert.deepEqual(all['ZHIPU-AI'].map((m: { llm_name: string; available: boolean }) => [m.llm_name, m.available]), [['embedding-3', true]]);
      const embeddings = (await stack.http.get('/v1/llm/list?model_type=embedding', u.loginToken)).body.data;
      assert.ok(Object.values(embeddings).flat().every((m) => (m as { model_type: string }).model_type === 'embedding'));
      assert.ok(!('OpenAI' in embeddings));
    });
  });
}

describe('registration can be switched off', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { REGISTER_ENABLED: 'false' } });
  });
  after(async () => stack?.stop());

  test('register answers 103 after the required-field check', async () => {
    assert.deepEqual((await stack.http.post('/v1/user/register', { nickname: 'n', email: 'n@example.com', password: '1' })).body, { code: 103, message: 'User registration is disabled!', data: false });
    assert.deepEqual((await stack.http.post('/v1/user/register', {})).body, { code: 101, message: 'required argument are missing: nickname,email,password; ', data: null });
    assert.deepEqual((await stack.http.get('/v1/system/config')).body, { code: 0, message: 'success', data: { registerEnabled: 0 } });
  });
});
