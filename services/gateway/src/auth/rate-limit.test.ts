import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKeyRateLimiter } from './rate-limit.js';

test('a token bucket per key: the burst at once, then the rate, with the wait until the next token', () => {
  let now = 0;
  const limiter = new ApiKeyRateLimiter({ perMinute: 60, burst: 3 }, () => now);
  assert.deepEqual([1, 2, 3].map(() => limiter.take('a')), [0, 0, 0]);
  assert.equal(limiter.take('a'), 1, 'one a second at 60 a minute');
  assert.equal(limiter.take('b'), 0, 'another key has its own bucket');
  now += 1000;
  assert.equal(limiter.take('a'), 0);
  assert.equal(limiter.take('a'), 1);
  now += 60_000;
  assert.deepEqual([1, 2, 3, 4].map(() => limiter.take('a')), [0, 0, 0, 1], 'an idle key refills up to the burst, not beyond');
});

test('slow rates answer the whole wait; the default burst is a tenth of a minute; 0 turns it off', () => {
  let now = 0;
  const slow = new ApiKeyRateLimiter({ perMinute: 2, burst: 1 }, () => now);
  assert.equal(slow.take('k'), 0);
  assert.equal(slow.take('k'), 30);
  now += 10_000;
  assert.equal(slow.take('k'), 20);
  const byDefault = new ApiKeyRateLimiter({ perMinute: 600, burst: 0 }, () => now);
  assert.equal(Array.from({ length: 61 }, () => byDefault.take('k')).filter((w) => w === 0).length, 60);
  const off = new ApiKeyRateLimiter({ perMinute: 0, burst: 0 });
  assert.equal(off.enabled, false);
  assert.ok(Array.from({ length: 1000 }, () => off.take('k')).every((w) => w === 0));
});
