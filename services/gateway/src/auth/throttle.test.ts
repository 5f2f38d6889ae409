import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from 'nats';
import { isRagError } from '@rag/contracts';
import { createLogger } from '@rag/platform';
import { startNatsServer, type NatsServer } from '../../../../test/support/nats-server.js';
import { LoginThrottle, type ThrottleLimits } from './throttle.js';

/** The login throttle against a real nats-server (JetStream KV), with a clock the test moves. */

let nats: NatsServer;
let nc: NatsConnection;
before(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
});
after(async () => {
  await nc?.close();
  await nats?.stop();
});

const LIMITS: ThrottleLimits = { maxFailuresPerAccount: 3, maxFailuresPerAddress: 5, windowMs: 60_000, lockoutMs: 30_000 };
const logger = createLogger('test', 'silent');

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

async function attempt(throttle: LoginThrottle, who: { account?: string; address?: string }, succeeds: boolean): Promise<'ok' | 'failed' | number> {
  let ran = false;
  try {
    await throttle.around(who, async () => {
      ran = true;
      return succeeds;
    });
  } catch (err) {
    assert.ok(isRagError(err) && err.key === 'LOGIN_THROTTLED', String(err));
    assert.equal(ran, false, 'a locked login never reaches the password check');
    return Number(/in (\d+) seconds?\.$/.exec(err.message)![1]);
  }
  return succeeds ? 'ok' : 'failed';
}

test('an account is locked after N failures in the window, for the lockout time, whichever replica counted them', async () => {
  const c = clock();
  const a = new LoginThrottle(nc.jetstream(), 'user', LIMITS, logger, c.now);
  const b = new LoginThrottle(nc.jetstream(), 'user', LIMITS, logger, c.now);
  const who = { account: 'Carol@Example.com', address: '203.0.113.1' };
  assert.equal(await attempt(a, who, false), 'failed');
  assert.equal(await attempt(b, who, false), 'failed');
  assert.equal(await attempt(a, { ...who, account: 'carol@example.com' }, false), 'failed', 'the e-mail is matched without case');
  assert.equal(await attempt(b, who, true), 30, 'locked, even with the right password');
  c.t += 12_500;
  assert.equal(await attempt(a, who, true), 18, 'the wait counts down');
  c.t += 18_000;
  assert.equal(await attempt(a, who, true), 'ok', 'after the lockout the account may log in again');
});

test('a success clears the account count; failures spread beyond the window never lock', async () => {
  const c = clock();
  const t = new LoginThrottle(nc.jetstream(), 'user', LIMITS, logger, c.now);
  const who = { account: 'dave@example.com', address: '203.0.113.2' };
  await attempt(t, who, false);
  await attempt(t, who, false);
  assert.equal(await attempt(t, who, true), 'ok');
  await attempt(t, who, false);
  await attempt(t, who, false);
  assert.equal(await attempt(t, who, true), 'ok', 'two failures after a success are two, not four');
  await attempt(t, who, false);
  await attempt(t, who, false);
  c.t += LIMITS.windowMs + 1;
  assert.equal(await attempt(t, who, false), 'failed', 'a new window starts the count again');
  assert.equal(await attempt(t, who, true), 'ok');
});

test('one client address guessing at many accounts is locked out, other addresses are not', async () => {
  const c = clock();
  const t = new LoginThrottle(nc.jetstream(), 'user', LIMITS, logger, c.now);
  for (let i = 0; i < 5; i++) assert.equal(await attempt(t, { account: `victim${i}@example.com`, address: '198.51.100.9' }, false), 'failed');
  assert.equal(await attempt(t, { account: 'erin@example.com', address: '198.51.100.9' }, true), 30);
  assert.equal(await attempt(t, { account: 'erin@example.com', address: '198.51.100.10' }, true), 'ok');
});

test('a burst of parallel guesses over several replicas gets no more attempts than the limit (compare-and-set)', async () => {
  const c = clock();
  const replicas = [0, 1, 2].map(() => new LoginThrottle(nc.jetstream(), 'user', { ...LIMITS, maxFailuresPerAccount: 9, maxFailuresPerAddress: 0 }, logger, c.now));
  const who = { account: 'frank@example.com' };
  const waits = await Promise.all(Array.from({ length: 14 }, (_, i) => replicas[i % 3]!.reserve(who)));
  assert.equal(waits.filter((w) => w === 0).length, 9, `granted: ${waits.join(',')}`);
  assert.ok(waits.filter((w) => w > 0).every((w) => w === 1), 'the others retry in a second');
  assert.equal(await replicas[1]!.waitSeconds(who), 0, 'running attempts do not lock by themselves');
  await Promise.all(Array.from({ length: 9 }, (_, i) => replicas[i % 3]!.failed(who)));
  assert.equal(await replicas[2]!.waitSeconds(who), 30, 'once they failed, the account is locked');
});

test('a busy shared address is never locked by its successes, even with many logins at once', async () => {
  const c = clock();
  const t = new LoginThrottle(nc.jetstream(), 'user', { ...LIMITS, maxFailuresPerAccount: 0, maxFailuresPerAddress: 3 }, logger, c.now);
  const office = { address: '192.0.2.1' };
  for (let round = 0; round < 4; round++) {
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => attempt(t, office, true)));
    assert.equal(outcomes.filter((o) => o === 'ok').length >= 3, true, `round ${round}: ${outcomes.join(',')}`);
    assert.ok(outcomes.every((o) => o === 'ok' || o === 1), outcomes.join(','));
  }
  assert.equal(await t.waitSeconds(office), 0);
});

test('scopes are separate: the admin login keeps its own counts', async () => {
  const c = clock();
  const user = new LoginThrottle(nc.jetstream(), 'user', LIMITS, logger, c.now);
  const admin = new LoginThrottle(nc.jetstream(), 'admin', { ...LIMITS, maxFailuresPerAccount: 1 }, logger, c.now);
  const who = { account: 'grace@example.com' };
  assert.equal(await attempt(admin, who, false), 'failed');
  assert.equal(await attempt(admin, who, true), 30);
  assert.equal(await attempt(user, who, true), 'ok');
});

test('an unreachable bucket lets logins through instead of failing them', async () => {
  const other = await startNatsServer();
  const lost = await connect({ servers: other.url });
  const t = new LoginThrottle(lost.jetstream(), 'user', LIMITS, logger);
  await other.stop();
  assert.equal(await attempt(t, { account: 'heidi@example.com' }, true), 'ok');
  await lost.close().catch(() => undefined);
});
