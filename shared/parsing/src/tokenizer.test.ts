import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countTokens, decode, encode, hasCjk, tokenizeForIndex, truncate } from './tokenizer.js';

test('cl100k_base counts match the reference tokenizer', () => {
  assert.equal(countTokens('hello world'), 2);
  assert.equal(countTokens('tiktoken is great!'), 6);
  assert.equal(countTokens(''), 0);
  assert.equal(countTokens('Hello, world! 123'), 6);
  assert.deepEqual([...encode('hello world')], [15339, 1917]);
});

test('special tokens in user text are ordinary text, never an error', () => {
  assert.equal(countTokens('<|endoftext|> hi'), 8);
  assert.equal(decode(encode('a <|endoftext|> b')), 'a <|endoftext|> b');
});

test('truncate keeps a prefix within the budget and never splits a character', () => {
  const text = 'héllo wörld 你好世界, and more words after that';
  for (let n = 0; n <= countTokens(text); n++) {
    const cut = truncate(text, n);
    assert.ok(text.startsWith(cut), `prefix at ${n}`);
    assert.ok(countTokens(cut) <= n, `budget at ${n}`);
    assert.ok(!cut.includes('\uFFFD'));
  }
  assert.equal(truncate(text, 1000), text);
});

test('tokenizeForIndex: lower-cased words, punctuation and underscores split, CJK per character', () => {
  assert.deepEqual(tokenizeForIndex('Hello, World!'), ['hello', 'world']);
  assert.deepEqual(tokenizeForIndex('ragflow_test_upload_0.txt'), ['ragflow', 'test', 'upload', '0', 'txt']);
  assert.deepEqual(tokenizeForIndex('RAG检索 chunk test 1'), ['rag', '检', '索', 'chunk', 'test', '1']);
  assert.deepEqual(tokenizeForIndex('Ｆｕｌｌ-width café naïve'), ['full', 'width', 'café', 'naïve']);
  assert.deepEqual(tokenizeForIndex(''), []);
  assert.equal(hasCjk('abc'), false);
  assert.equal(hasCjk('第十二条'), true);
});

test('tokenizeForIndex is fast enough for whole documents', () => {
  const text = 'The quick brown fox jumps over the lazy dog. '.repeat(20_000);
  const start = performance.now();
  const tokens = tokenizeForIndex(text);
  const ms = performance.now() - start;
  assert.equal(tokens.length, 180_000);
  assert.ok(ms < 2000, `took ${ms} ms`);
});
