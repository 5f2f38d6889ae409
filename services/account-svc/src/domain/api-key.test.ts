import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { generateApiKey, generateBetaToken, hashApiKey, maskApiKey } from './api-key.js';

test('API keys are ragflow- plus 43 url-safe base64 characters, all different', () => {
  const keys = new Set(Array.from({ length: 200 }, generateApiKey));
  assert.equal(keys.size, 200);
  for (const k of keys) assert.match(k, /^ragflow-[A-Za-z0-9_-]{43}$/);
});

test('beta tokens are 32 url-safe characters', () => {
  for (let i = 0; i < 50; i++) assert.match(generateBetaToken(), /^[A-Za-z0-9_-]{32}$/);
});

test('the stored hash is the sha256 hex the gateway computes', () => {
  const key = generateApiKey();
  assert.equal(hashApiKey(key), createHash('sha256').update(key).digest('hex'));
  assert.match(hashApiKey(key), /^[0-9a-f]{64}$/);
});

test('masking keeps the prefix, 4 leading and 4 trailing characters', () => {
  const key = 'ragflow-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq';
  assert.equal(maskApiKey(key), 'ragflow-ABCD****nopq');
  assert.equal(maskApiKey('0123456789abcdefXYZ'), '01234567****fXYZ');
  assert.equal(maskApiKey('short'), '****');
  const real = generateApiKey();
  const masked = maskApiKey(real);
  assert.ok(masked.length < 24 && !masked.includes(real.slice(12, -4)));
});
