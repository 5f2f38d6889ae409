import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomHexId, uuid1 } from './ids.js';

test('uuid1 ids are 32 hex characters, unique and ordered within a process', () => {
  const ids = Array.from({ length: 1000 }, () => uuid1());
  for (const id of ids) assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(new Set(ids).size, ids.length);
  // The node part (last 12 characters) is the same for every id of a process: it is not secret.
  assert.equal(new Set(ids.map((id) => id.slice(20))).size, 1);
});

test('randomHexId has the shape of a uuid1 hex id but no part of it is shared or predictable', () => {
  const ids = Array.from({ length: 1000 }, () => randomHexId());
  for (const id of ids) assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(new Set(ids).size, ids.length);
  // 1000 draws from 16^4 values leave about 992 distinct in the narrowest slice.
  for (const [from, to] of [[0, 8], [8, 12], [12, 16], [16, 20], [20, 32]] as const) {
    assert.ok(new Set(ids.map((id) => id.slice(from, to))).size > 950, `characters ${from}-${to} vary from id to id`);
  }
});
