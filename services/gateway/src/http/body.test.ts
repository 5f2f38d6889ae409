import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'express';
import { isRagError } from '@rag/contracts';
import { assertJsonDepth, jsonNestsDeeperThan, lenientBody } from './body.js';

const req = (body: string, type = 'application/json') => ({ body: Buffer.from(body), headers: { 'content-type': type } }) as unknown as Request;

test('nesting is counted over arrays and objects, outside strings, escapes included', () => {
  assert.equal(jsonNestsDeeperThan('[[[]]]', 3), false);
  assert.equal(jsonNestsDeeperThan('[[[[]]]]', 3), true);
  assert.equal(jsonNestsDeeperThan('{"a":{"b":[{}]}}', 4), false);
  assert.equal(jsonNestsDeeperThan('{"a":{"b":[{}]}}', 3), true);
  assert.equal(jsonNestsDeeperThan('{"a":"[[[[[[[[[["}', 1), false, 'brackets inside a string');
  assert.equal(jsonNestsDeeperThan('{"a":"\\"[[[[[[\\\\"}', 1), false, 'escaped quotes do not end the string');
  assert.equal(jsonNestsDeeperThan('[1],[2],[3],[4]', 1), false, 'siblings do not add up');
  assert.equal(jsonNestsDeeperThan('['.repeat(1_000_000), 64), true, 'a million brackets: no recursion, no overflow');
});

test('a JSON body past the limit is a code-101 JSON_TOO_DEEP error; other content types are not scanned', () => {
  assert.throws(
    () => assertJsonDepth(req('['.repeat(65)), 64),
    (e: unknown) => isRagError(e) && e.code === 101 && e.message === 'The JSON body is nested more than 64 levels deep.',
  );
  assert.doesNotThrow(() => assertJsonDepth(req('['.repeat(64) + ']'.repeat(64)), 64));
  assert.doesNotThrow(() => assertJsonDepth(req('a=' + '['.repeat(100), 'application/x-www-form-urlencoded'), 64));
  // Within the limit, the usual lenient parse answers as before.
  assert.deepEqual(lenientBody(req('{"a":[[1]]}')), { a: [[1]] });
});
