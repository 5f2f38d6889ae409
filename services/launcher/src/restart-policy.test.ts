import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartPolicy } from './restart-policy.js';

test('a crashed service is restarted with a doubling delay, and given up on past the limit inside the window', () => {
  const policy = new RestartPolicy({ maxRestarts: 3, windowMs: 10_000, backoffMs: 100, maxBackoffMs: 250 });
  assert.deepEqual(policy.onCrash('a', 0), { restart: true, delayMs: 100, attempt: 1 });
  assert.deepEqual(policy.onCrash('a', 1000), { restart: true, delayMs: 200, attempt: 2 });
  assert.deepEqual(policy.onCrash('b', 1000), { restart: true, delayMs: 100, attempt: 1 }, 'each service counts its own crashes');
  assert.deepEqual(policy.onCrash('a', 2000), { restart: true, delayMs: 250, attempt: 3 }, 'capped');
  assert.deepEqual(policy.onCrash('a', 3000), { restart: false, crashes: 4 });
  assert.deepEqual(policy.restarts(), { a: 3, b: 1 });
});

test('crashes older than the window are forgotten: a service that crashes now and then is never given up on', () => {
  const policy = new RestartPolicy({ maxRestarts: 2, windowMs: 1000, backoffMs: 100 });
  for (let i = 0; i < 10; i++) assert.deepEqual(policy.onCrash('a', i * 1500), { restart: true, delayMs: 100, attempt: i + 1 });
});

test('maxRestarts 0 never restarts', () => {
  assert.deepEqual(new RestartPolicy({ maxRestarts: 0, windowMs: 1000, backoffMs: 100 }).onCrash('a', 0), { restart: false, crashes: 1 });
});
