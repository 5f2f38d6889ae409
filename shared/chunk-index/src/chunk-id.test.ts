import assert from 'node:assert/strict';
import { test } from 'node:test';
import xxhash from 'xxhash-wasm';
import { chunkId } from './chunk-id.js';

test('chunkId is xxhash64 (seed 0) of content + document id as 16 lowercase hex', async () => {
  // Reference values of XXH64 with seed 0 (the xxHash test vectors).
  assert.equal(chunkId('', ''), 'ef46db3751d8e999');
  assert.equal(chunkId('a', ''), 'd24ec4f1a98c6e5b');
  assert.equal(chunkId('ab', 'c'), '44bc2cf5ad770999', 'hashes the concatenation: "abc"');
  assert.equal(chunkId('pad', '516'), '004c4c7fd8d4a965', 'zero-padded like Python hexdigest()');
  assert.match(chunkId('chunk test 1', 'f'.repeat(32)), /^[0-9a-f]{16}$/);
  assert.equal(chunkId('same', 'doc'), chunkId('same', 'doc'));
  assert.notEqual(chunkId('same', 'doc1'), chunkId('same', 'doc2'));
  const { h64Raw } = await xxhash();
  const text = 'é 检索 😀';
  assert.equal(chunkId(text, 'd'), h64Raw(new TextEncoder().encode(`${text}d`)).toString(16).padStart(16, '0'), 'UTF-8 bytes');
});
