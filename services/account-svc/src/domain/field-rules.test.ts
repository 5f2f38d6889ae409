import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RagError } from '@rag/contracts';
import { isValidEmail, optionalInteger, optionalString, requireString } from './field-rules.js';

test("RAGFlow's e-mail pattern", () => {
  for (const ok of ['a@b.co', 'first.last@example.com', 'x_y-z@sub.domain.org', 'user123@ex-ample.io', 'ünï@exämple.de']) assert.equal(isValidEmail(ok), true, ok);
  for (const bad of ['', 'plain', 'a@b', 'a@b.c', '@b.com', 'a b@c.com', 'a@b..com', 'a+tag@b.com', 'a@b.com ', `${'a'.repeat(250)}@b.com`]) assert.equal(isValidEmail(bad), false, bad);
});

test('wrong JSON types become contract-style 101 field errors', () => {
  assert.equal(requireString({ email: 'x' }, 'email'), 'x');
  assert.throws(
    () => requireString({ email: 123 }, 'email', false),
    (e: unknown) => e instanceof RagError && e.code === 101 && e.message === 'Field: <email> - Message: <Input should be a valid string> - Value: <123>' && e.data === false,
  );
  assert.throws(() => requireString({}, 'email'), /Value: <None>/);
  assert.equal(optionalString({}, 'api_base', ''), '');
  assert.equal(optionalString({ api_base: null }, 'api_base', 'd'), 'd');
  assert.throws(() => optionalString({ api_base: ['x'] }, 'api_base', ''), /Field: <api_base> - Message: <Input should be a valid string> - Value: <\['x'\]>/);
  assert.equal(optionalInteger({ max_tokens: 8192 }, 'max_tokens'), 8192);
  assert.equal(optionalInteger({}, 'max_tokens'), null);
  assert.throws(() => optionalInteger({ max_tokens: '8k' }, 'max_tokens'), /Input should be a valid integer> - Value: <8k>/);
  assert.throws(() => optionalInteger({ max_tokens: 1.5 }, 'max_tokens'), /valid integer/);
});
