import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jwtSecretProblem, resolveJwtSecret } from './jwt-secret.js';

const REAL = 'q8Vb3-Lk2Zp9xWm4Rt7Yc1Nd6Hf0Gs5J';

test('placeholders, short and repetitive secrets are unfit; a random one is fine', () => {
  for (const placeholder of ['change-me-to-a-long-random-string', 'CHANGE_ME_please_0123456789abcdefghij', 'replace-me-with-something-random-12345', 'your-secret-goes-here-0123456789abc', 'my-jwt-secret-for-the-example-app-1234']) {
    assert.match(jwtSecretProblem(placeholder) ?? '', /placeholder/, placeholder);
  }
  assert.match(jwtSecretProblem('abc123') ?? '', /too short \(6 characters, at least 32\)/);
  assert.match(jwtSecretProblem('ab'.repeat(20)) ?? '', /repetitive/);
  assert.equal(jwtSecretProblem(REAL), null);
});

test('a configured secret is checked in every environment; unset is generated once outside production and refused in production', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'jwt-secret-'));
  try {
    assert.equal(resolveJwtSecret({ JWT_SECRET: REAL, NODE_ENV: 'production', DATA_DIR: dataDir }), REAL);
    assert.throws(() => resolveJwtSecret({ JWT_SECRET: 'change-me-to-a-long-random-string', NODE_ENV: 'development', DATA_DIR: dataDir }), (e: Error) => e.name === 'ConfigError' && /openssl rand -base64 48/.test(e.message));
    assert.throws(() => resolveJwtSecret({ JWT_SECRET: undefined, NODE_ENV: 'production', DATA_DIR: dataDir }), /JWT_SECRET is required when NODE_ENV=production/);
    const generated = resolveJwtSecret({ JWT_SECRET: undefined, NODE_ENV: 'development', DATA_DIR: dataDir });
    const file = path.join(dataDir, 'secrets', 'jwt.key');
    assert.equal(readFileSync(file, 'utf8'), generated);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(generated.length >= 32);
    assert.equal(resolveJwtSecret({ JWT_SECRET: undefined, NODE_ENV: 'test', DATA_DIR: dataDir }), generated, 'kept across restarts');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
