import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, type RunningGateway } from '@rag/gateway';
import { Http } from '../support/http.js';
import { startModelServer, type ModelServer } from '../support/model-server.js';
import { signUp, startStack, type Stack } from '../support/stack.js';

/**
 * Abuse resistance through the gateway (issue #7 §5): login throttling shared by gateway replicas
 * through NATS KV, the client address behind a trusted proxy, per-API-key request limits, and
 * model endpoints that may not reach the server's own networks.
 */

type User = Awaited<ReturnType<typeof signUp>>;

const THROTTLED = /^Too many failed login attempts\. Try again in (\d+) seconds\.$/;

describe('abuse resistance end to end', () => {
  let stack: Stack;
  let models: ModelServer;
  const extra: RunningGateway[] = [];
  let seq = 0;
  const fresh = (tag: string) => `${tag}${Date.now()}${++seq}@example.com`;

  /** Another gateway replica on the same NATS (and so the same throttle bucket), with its own settings. */
  async function replica(env: Record<string, string> = {}): Promise<Http> {
    const g = await startGateway({ ...stack.env, ...env });
    extra.push(g);
    return new Http(`http://127.0.0.1:${g.port}`);
  }

  before(async () => {
    models = await startModelServer();
    stack = await startStack({
      env: {
        // The production default: model endpoints may not reach private networks.
        MODEL_ALLOW_PRIVATE_NETWORKS: 'false',
        MODEL_ALLOWED_NETWORKS: '',
        LOGIN_MAX_FAILURES: '3',
        LOGIN_MAX_FAILURES_PER_ADDRESS: '0',
        LOGIN_LOCKOUT_SECONDS: '120',
      },
    });
  });
  after(async () => {
    for (const g of extra) await g.stop();
    await stack?.stop();
    await models?.stop();
  });

  test('repeated bad logins lock the account on every gateway replica, with the wait in the message', async () => {
    const a = stack.http;
    const b = await replica();
    const carol = await signUp(a, fresh('carol'));
    const dave = await signUp(a, fresh('dave'));
    const mismatch = { code: 109, message: 'Email and password do not match!', data: false };
    assert.deepEqual((await a.post('/v1/user/login', { email: carol.email, password: 'guess1' })).body, mismatch);
    assert.deepEqual((await b.post('/v1/user/login', { email: carol.email, password: 'guess2' })).body, mismatch);
    assert.deepEqual((await a.post('/v1/user/login', { email: carol.email.toUpperCase(), password: 'guess3' })).body, mismatch);

    for (const gw of [a, b]) {
      const locked = await gw.post('/v1/user/login', { email: carol.email, password: carol.password });
      assert.equal(locked.status, 200);
      assert.equal(locked.body.code, 109);
      assert.equal(locked.body.data, false);
      const seconds = Number(THROTTLED.exec(locked.body.message)?.[1]);
      assert.ok(seconds > 100 && seconds <= 120, locked.text);
      assert.equal(locked.headers.get('retry-after'), String(seconds));
      assert.equal(locked.headers.get('authorization'), null, 'no token while locked, even with the right password');
    }
    // Someone else from the same address is not affected (address counting is off here).
    assert.equal((await b.post('/v1/user/login', { email: dave.email, password: dave.password })).body.code, 0);
    // A success clears the account's count: two failures, a success, two failures, still open.
    for (const pw of ['x', 'y', dave.password, 'x', 'y', dave.password]) {
      const r = await a.post('/v1/user/login', { email: dave.email, password: pw });
      assert.equal(r.body.code, pw === dave.password ? 0 : 109, r.text);
    }
  });

  test('behind a trusted proxy the forwarded client address is counted; otherwise X-Forwarded-For is ignored', async () => {
    const erin = await signUp(stack.http, fresh('erin'));
    const login = (http: Http, email: string, password: string, forwardedFor: string) =>
      http.send('POST', '/v1/user/login', { json: { email, password }, headers: { 'X-Forwarded-For': forwardedFor } });

    const proxied = await replica({ TRUST_PROXY: 'loopback', LOGIN_MAX_FAILURES_PER_ADDRESS: '3' });
    for (let i = 0; i < 3; i++) assert.equal((await login(proxied, fresh('nobody'), 'x', '203.0.113.7')).body.code, 109);
    const locked = await login(proxied, erin.email, erin.password, '203.0.113.7');
    assert.match(locked.body.message, THROTTLED, 'the guessing address is locked out');
    assert.equal((await login(proxied, erin.email, erin.password, '203.0.113.8')).body.code, 0, 'another client behind the proxy is not');

    // Without TRUST_PROXY every attempt counts against the socket's address, whatever the header says.
    const direct = await replica({ LOGIN_MAX_FAILURES_PER_ADDRESS: '3' });
    for (let i = 0; i < 3; i++) assert.equal((await login(direct, fresh('nobody'), 'x', `198.51.100.${i}`)).body.code, 109);
    assert.match((await login(direct, erin.email, erin.password, '198.51.100.99')).body.message, THROTTLED);
  });

  test('an API key over its request limit gets HTTP 429 with Retry-After and the error envelope', async () => {
    const limited = await replica({ API_KEY_REQUESTS_PER_MINUTE: '30', API_KEY_BURST: '3' });
    const frank = await signUp(stack.http, fresh('frank'));
    const grace = await signUp(stack.http, fresh('grace'));
    for (let i = 0; i < 3; i++) assert.equal((await limited.get('/api/v1/datasets', frank.bearer)).body.code, 0);
    const over = await limited.get('/api/v1/datasets', frank.bearer);
    assert.equal(over.status, 429);
    assert.equal(over.headers.get('retry-after'), '2', 'one request every 2 s at 30 a minute');
    assert.deepEqual(over.body, { code: 429, message: 'Too many requests for this API key (limit 30 per minute). Try again in 2 seconds.', data: null });
    // The same key on a web route (Bearer <API key>) draws from the same bucket.
    assert.equal((await limited.get('/v1/user/info', frank.bearer)).status, 429);
    // Other keys have their own bucket; the limit is off on the replica that does not set it.
    assert.equal((await limited.get('/api/v1/datasets', grace.bearer)).body.code, 0);
    assert.equal((await stack.http.get('/api/v1/datasets', frank.bearer)).body.code, 0);
    // A bad key is refused as before and takes nothing from any bucket.
    assert.equal((await limited.get('/api/v1/datasets', 'Bearer ragflow-nope')).body.code, 109);
  });

  describe('model endpoints', () => {
    let user: User;
    before(async () => {
      user = await signUp(stack.http, fresh('heidi'));
    });

    test('adding a model or a key whose api_base is loopback, link-local or private is refused; a public one is stored', async () => {
      const add = (api_base: string) =>
        stack.http.post('/v1/llm/add_llm', { llm_factory: 'OpenAI-API-Compatible', llm_name: 'stub', model_type: 'chat', api_base, api_key: 'k' }, user.loginToken);
      const refused = [
        [models.url, '127.0.0.1 is a loopback address'],
        ['http://169.254.169.254/latest', '169.254.169.254 is a link-local address'],
        ['http://[::1]:8000/v1', '::1 is a loopback address'],
        ['http://[::ffff:10.0.0.5]/v1', 'is a private address'],
        ['http://10.1.2.3:8000/v1', '10.1.2.3 is a private address'],
        ['http://localhost:11434/v1', 'localhost resolves to 127.0.0.1, a loopback address'],
      ] as const;
      for (const [url, reason] of refused) {
        const r = await add(url);
        assert.equal(r.body.code, 102, r.text);
        assert.ok(r.body.message.startsWith(`The model endpoint ${url} is not allowed: `) && r.body.message.includes(reason), r.text);
        assert.match(r.body.message, /MODEL_ALLOW_PRIVATE_NETWORKS/);
      }
      const key = await stack.http.post('/v1/llm/set_api_key', { llm_factory: 'OpenAI', api_key: 'sk-x', base_url: 'http://192.168.1.10/v1' }, user.loginToken);
      assert.equal(key.body.code, 102, key.text);
      assert.match(key.body.message, /192\.168\.1\.10 is a private address/);
      const mine = await stack.http.get('/v1/llm/my_llms', user.loginToken);
      assert.ok(!JSON.stringify(mine.body).includes('127.0.0.1') && !JSON.stringify(mine.body).includes('192.168'), 'nothing refused was stored');

      assert.equal((await add('http://203.0.113.50/v1')).body.code, 0, 'a public address is stored (and only called when used)');
      assert.equal(models.requests.length, 0, 'no settings call reached the model server');
    });

    test('a model whose endpoint is on the server network is refused when it is called', async () => {
      // Ollama's default endpoint is http://localhost:11434/v1: stored without an api_base, refused at the call.
      const add = await stack.http.post('/v1/llm/add_llm', { llm_factory: 'Ollama', llm_name: 'llama3', model_type: 'chat' }, user.loginToken);
      assert.equal(add.body.code, 0, add.text);
      const info = (await stack.http.get('/v1/user/tenant_info', user.loginToken)).body.data;
      const set = await stack.http.post('/v1/user/set_tenant_info', { ...info, llm_id: 'llama3@Ollama' }, user.loginToken);
      assert.equal(set.body.code, 0, set.text);
      const r = await stack.http.post('/api/v1/sessions/related_questions', { question: 'how do I descale?' }, user.bearer);
      assert.notEqual(r.body.code, 0, r.text);
      assert.match(r.body.message, /Model endpoint http:\/\/localhost:11434\/v1 is not allowed: localhost resolves to 127\.0\.0\.1, a loopback address/);
    });
  });
});
