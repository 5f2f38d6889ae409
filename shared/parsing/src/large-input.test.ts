import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunk, extract } from './index.js';
import { appendAll } from './append-all.js';

test('appendAll handles arrays far beyond the call-argument limit', () => {
  const big = Array.from({ length: 300_000 }, (_, i) => i);
  assert.equal(appendAll([] as number[], big).length, 300_000);
});

test('a 150k-line text file chunks without overflowing the stack', async () => {
  const text = Array.from({ length: 150_000 }, (_, i) => `line ${i} of a very long plain text file`).join('\n');
  const doc = await extract(Buffer.from(text), 'long.txt');
  const chunks = chunk(doc, 'naive', { chunk_token_num: 256, delimiter: '\n' }, { filename: 'long.txt' });
  assert.ok(chunks.length > 1000);
  assert.ok(chunks.every((c) => c.tokens <= 256));
});
