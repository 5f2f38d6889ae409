import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { startGateway } from '@rag/gateway';
import { startStack, signUp, type Stack } from '../support/stack.js';
import { freePort } from '../support/nats-server.js';
import { upload } from '../support/documents.js';

type User = Awaited<ReturnType<typeof signUp>>;

/** Sends raw bytes over one socket and collects what comes back until the server closes it (or `waitMs`). */
async function rawExchange(port: number, parts: { data: string | Buffer; delayMs?: number }[], waitMs = 10_000): Promise<{ text: string; closedAfterMs: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedAfterMs: Number.POSITIVE_INFINITY });
    }, waitMs);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', () => undefined); // a reset after the answer is part of what is tested
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
    socket.once('connect', async () => {
      try {
        for (const p of parts) {
          if (p.delayMs) await new Promise((r) => setTimeout(r, p.delayMs));
          if (socket.destroyed) return;
          socket.write(p.data);
        }
      } catch (err) {
        reject(err);
      }
    });
  });
}

const bodyOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4).replace(/^[0-9a-f]+\r\n/, '').split('\r\n')[0]!);

describe('the gateway edge: bounded bodies, depth, timeouts, metrics port', () => {
  let stack: Stack;
  let alice: User;
  let port: number;

  before(async () => {
    stack = await startStack({ env: { BODY_READ_TIMEOUT_MS: '800', JSON_BODY_MAX_BYTES: String(64 * 1024), JSON_MAX_DEPTH: '64', RESPONSE_STALL_TIMEOUT_MS: '1000' } });
    alice = await signUp(stack.http);
    port = stack.gateway.port;
  });
  after(async () => stack?.stop());

  test('JSON nested past JSON_MAX_DEPTH is refused with code 101 in the route envelope; at the limit it passes', async () => {
    const deep = '['.repeat(65) + ']'.repeat(65);
    const onR = await stack.http.send('POST', '/api/v1/chats', { body: `{"name":${deep}}`, headers: { 'Content-Type': 'application/json' }, auth: alice.bearer });
    assert.equal(onR.status, 200);
    assert.deepEqual(onR.body, { code: 101, message: 'The JSON body is nested more than 64 levels deep.' });
    const onJ = await stack.http.send('POST', '/v1/user/login', { body: '['.repeat(50_000), headers: { 'Content-Type': 'application/json' } });
    assert.deepEqual(onJ.body, { code: 101, message: 'The JSON body is nested more than 64 levels deep.', data: null });
    const strict = await stack.http.send('POST', '/api/v1/datasets', { body: `{"name":"d","parser_config":${'{"a":'.repeat(70)}1${'}'.repeat(70)}}`, headers: { 'Content-Type': 'application/json' }, auth: alice.bearer });
    assert.equal(strict.body.code, 101);
    // 63 levels inside the top-level object: 64 in all, accepted and answered by dialog-svc.
    const ok = await stack.http.send('POST', '/api/v1/chats', { body: `{"name":"x","llm":${'['.repeat(63)}${']'.repeat(63)}}`, headers: { 'Content-Type': 'application/json' }, auth: alice.bearer });
    assert.notEqual(ok.body.message, 'The JSON body is nested more than 64 levels deep.', ok.text);
    // Brackets inside strings do not count.
    const inString = await stack.http.post('/api/v1/chats', { name: '['.repeat(200) }, alice.bearer);
    assert.equal(inString.body.code, 0, inString.text);
  });

  test('a body over the limit answers the 413 envelope, declared or chunked, and the connection is closed', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(70 * 1024) });
    const declared = await stack.http.send('POST', '/api/v1/chats', { body: big, headers: { 'Content-Type': 'application/json' }, auth: alice.bearer });
    assert.equal(declared.status, 200);
    assert.deepEqual(declared.body, { code: 100, message: "<RequestEntityTooLarge '413: Request Entity Too Large'>", data: null });
    const head = `POST /api/v1/chats HTTP/1.1\r\nHost: x\r\nAuthorization: ${alice.bearer}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunk = Buffer.from('x'.repeat(40 * 1024));
    const chunked = await rawExchange(port, [{ data: head }, { data: `${chunk.length.toString(16)}\r\n` }, { data: chunk }, { data: '\r\n' }, { data: `${chunk.length.toString(16)}\r\n` }, { data: chunk }, { data: '\r\n' }]);
    assert.match(chunked.text, /^HTTP\/1\.1 200/);
    assert.match(chunked.text, /connection: close/i);
    assert.deepEqual(bodyOf(chunked.text), { code: 100, message: "<RequestEntityTooLarge '413: Request Entity Too Large'>", data: null });
    assert.ok(chunked.closedAfterMs < 8000, 'the connection is cut after the answer');
  });

  test('a body that is still arriving after BODY_READ_TIMEOUT_MS answers 408 and the connection closes', async () => {
    const head = `POST /api/v1/chats HTTP/1.1\r\nHost: x\r\nAuthorization: ${alice.bearer}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na`;
    const r = await rawExchange(port, [{ data: head }, { data: 'm', delayMs: 300 }, { data: 'e', delayMs: 300 }, { data: '"', delayMs: 300 }, { data: ':', delayMs: 300 }]);
    assert.deepEqual(bodyOf(r.text), { code: 100, message: "<RequestTimeout '408: Request Timeout'>", data: null });
    assert.ok(r.closedAfterMs < 8000, `closed after ${r.closedAfterMs} ms`);
  });

  test('compressed bodies are read; an unknown Content-Encoding or a broken gzip stream gets an envelope', async () => {
    const gz = gzipSync(JSON.stringify({ name: 'zipped chat' }));
    const ok = await stack.http.send('POST', '/api/v1/chats', { body: gz, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, auth: alice.bearer });
    assert.equal(ok.body.code, 0, ok.text);
    const unknown = await stack.http.send('POST', '/api/v1/chats', { body: 'x', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'zstd-ish' }, auth: alice.bearer });
    assert.deepEqual(unknown.body, { code: 100, message: "<UnsupportedMediaType '415: Unsupported Media Type'>", data: null });
    const broken = await stack.http.send('POST', '/api/v1/chats', { body: Buffer.from('not gzip at all'), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, auth: alice.bearer });
    assert.deepEqual(broken.body, { code: 100, message: "<BadRequest '400: Bad Request'>", data: null });
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    const inflated = await stack.http.send('POST', '/api/v1/chats', { body: bomb, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, auth: alice.bearer });
    assert.deepEqual(inflated.body, { code: 100, message: "<RequestEntityTooLarge '413: Request Entity Too Large'>", data: null }, 'the limit counts inflated bytes');
  });

  test('malformed paths and request ids do not reach a handler as errors', async () => {
    const badPath = await stack.http.get('/api/v1/datasets/%zz/documents/%E0%A4%A', alice.bearer);
    assert.ok(badPath.status < 500, badPath.text);
    const unknown = await stack.http.get('/api/v1/nothing/%zz', alice.bearer);
    assert.equal(unknown.status, 404);
    const rid = await stack.http.send('GET', '/v1/system/ping', { headers: { 'X-Request-Id': 'bad id\twith spaces' } });
    assert.notEqual(rid.headers.get('x-request-id'), 'bad id\twith spaces');
    const good = await stack.http.send('GET', '/v1/system/ping', { headers: { 'X-Request-Id': 'trace-123' } });
    assert.equal(good.headers.get('x-request-id'), 'trace-123');
  });

  test('/metrics is not on the API port', async () => {
    const r = await fetch(`${stack.baseUrl}/metrics`);
    assert.equal(r.status, 404);
    assert.equal(stack.gateway.metricsPort, undefined, 'METRICS_PORT=0 turns the listener off');
  });

  test('a download whose client stops reading is cut after RESPONSE_STALL_TIMEOUT_MS', async () => {
    const ds = await stack.http.post('/api/v1/datasets', { name: 'big files' }, alice.bearer);
    const big = Buffer.alloc(24 * 1024 * 1024, 0x61);
    const up = await upload(stack.http, alice.bearer, ds.body.data.id, [{ name: 'big.txt', data: big }]);
    assert.equal(up.body.code, 0, JSON.stringify(up.body));
    const head = `GET /api/v1/datasets/${ds.body.data.id}/documents/${up.body.data[0].id} HTTP/1.1\r\nHost: x\r\nAuthorization: ${alice.bearer}\r\n\r\n`;
    // A paused socket reads nothing (so it cannot see the server's close either): stall for longer
    // than the bound, then read what is left. A cut response ends early; an uncut one would go on
    // to the last byte and stay open (keep-alive).
    const received = await new Promise<{ bytes: number; closed: boolean }>((resolve) => {
      let bytes = 0;
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(head);
        socket.pause();
        setTimeout(() => socket.resume(), 3000);
      });
      socket.on('data', (d) => (bytes += d.length));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve({ bytes, closed: true }));
      setTimeout(() => {
        socket.destroy();
        resolve({ bytes, closed: false });
      }, 10_000).unref();
    });
    assert.ok(received.closed, 'the server closed the stalled download');
    assert.ok(received.bytes < big.length, `the stalled download was cut (${received.bytes} of ${big.length} bytes sent)`);
    const again = await fetch(`${stack.baseUrl}/api/v1/datasets/${ds.body.data.id}/documents/${up.body.data[0].id}`, { headers: { Authorization: alice.bearer } });
    assert.equal((await again.arrayBuffer()).byteLength, big.length, 'a reading client gets the whole file');
  });
});

describe('the gateway process: internal metrics port, JWT secret rule', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => stack?.stop());

  test('METRICS_PORT serves /metrics, /healthz and /readyz; the API port does not serve /metrics', async () => {
    const metricsPort = await freePort();
    const gw = await startGateway({ ...stack.env, METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' });
    try {
      assert.equal(gw.metricsPort, metricsPort);
      await fetch(`http://127.0.0.1:${gw.port}/v1/system/ping`);
      const m = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      assert.equal(m.status, 200);
      assert.match(await m.text(), /rag_http_requests_total\{[^}]*route="\/v1\/system\/ping"/);
      assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status, 200);
      assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status, 200);
      assert.equal((await fetch(`http://127.0.0.1:${gw.port}/metrics`)).status, 404);
    } finally {
      await gw.stop();
    }
  });

  test('a body within the limit that grows past the NATS max_payload on its way (escaped form fields) answers the 413 envelope', async () => {
    const user = await signUp(stack.http);
    // 900 KB of form data whose 300,000 control characters JSON-escape to six bytes each: 1.8 MB on the bus.
    const r = await stack.http.send('POST', '/api/v1/chats', { body: `name=${'%01'.repeat(300_000)}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, auth: user.bearer });
    assert.deepEqual(r.body, { code: 100, message: "<RequestEntityTooLarge '413: Request Entity Too Large'>", data: null });
  });

  test('a metrics port that is taken stops the start with a message naming METRICS_PORT', async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const taken = (busy.address() as net.AddressInfo).port;
    try {
      await assert.rejects(startGateway({ ...stack.env, METRICS_PORT: String(taken) }), (err: Error) => err.name === 'ConfigError' && /METRICS_PORT/.test(err.message));
    } finally {
      busy.close();
    }
  });

  test('production refuses a missing, placeholder or short JWT_SECRET and says how to set one; a real one starts', async () => {
    const refuse = async (env: Record<string, string>, pattern: RegExp) =>
      assert.rejects(startGateway({ ...stack.env, ...env }), (err: Error) => err.name === 'ConfigError' && pattern.test(err.message) && /openssl rand/.test(err.message));
    await refuse({ NODE_ENV: 'production' }, /JWT_SECRET is required when NODE_ENV=production/);
    await refuse({ NODE_ENV: 'production', JWT_SECRET: 'change-me-to-a-long-random-string' }, /placeholder/);
    await refuse({ JWT_SECRET: 'change-me-to-a-long-random-string' }, /placeholder/);
    await refuse({ NODE_ENV: 'production', JWT_SECRET: 'short-secret' }, /too short/);
    const gw = await startGateway({ ...stack.env, NODE_ENV: 'production', JWT_SECRET: 'k3J9-pQ2x_Lm8vR5tY7wZ1aB4cD6eF0gH' });
    await gw.stop();
  });
});
