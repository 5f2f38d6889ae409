import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateTokens } from '../token-count.js';
import { callPolicy, retryAfterMs, retryDelayMs } from './call-policy.js';

test('retry-after is read as ms, seconds or an HTTP date', () => {
  assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '250' })), 250);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': '1.5' })), 1500);
  const soon = retryAfterMs(new Headers({ 'retry-after': new Date(Date.now() + 10_000).toUTCString() }))!;
  assert.ok(soon > 8000 && soon <= 10_000);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' })), undefined);
  assert.equal(retryAfterMs(undefined), undefined);
});

test('backoff doubles with jitter in its upper half, capped; retry-after wins but is capped too', () => {
  const policy = callPolicy({ retryBaseDelayMs: 100, retryMaxDelayMs: 1000 });
  assert.equal(retryDelayMs(policy, 1, undefined, () => 0), 50);
  assert.equal(retryDelayMs(policy, 1, undefined, () => 1), 100);
  assert.equal(retryDelayMs(policy, 3, undefined, () => 1), 400);
  assert.equal(retryDelayMs(policy, 10, undefined, () => 1), 1000);
  assert.equal(retryDelayMs(policy, 1, 300), 300);
  assert.equal(retryDelayMs(policy, 1, 60_000), 1000);
});

test('policy defaults and bounds', () => {
  assert.deepEqual(callPolicy({}), { timeoutMs: 60_000, maxAttempts: 3, retryBaseDelayMs: 500, retryMaxDelayMs: 20_000 });
  assert.equal(callPolicy({ maxAttempts: 0 }).maxAttempts, 3);
  assert.equal(callPolicy({ maxAttempts: 1 }).maxAttempts, 1);
  assert.equal(callPolicy({}, 120_000).timeoutMs, 120_000);
});

test('the token estimate is in the range of a BPE tokenizer', () => {
  assert.equal(estimateTokens(''), 0);
  assert.equal(estimateTokens('Hello, world!'), 4);
  assert.equal(estimateTokens('中文文本'), 4);
  const english = 'Retrieval augmented generation grounds answers in documents the user supplied.';
  const n = estimateTokens(english);
  assert.ok(n >= 11 && n <= 25, `${n}`);
});
