import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2Sync, scryptSync } from 'node:crypto';
import { PasswordHasher } from './password.js';

const hasher = new PasswordHasher(1024);

test('hashes are salted, in werkzeug scrypt format, and verify', async () => {
  const a = await hasher.hash('MTIz');
  const b = await hasher.hash('MTIz');
  assert.match(a, /^scrypt:1024:8:1\$[A-Za-z0-9]{16}\$[0-9a-f]{128}$/);
  assert.notEqual(a, b);
  assert.equal(await hasher.verify('MTIz', a), true);
  assert.equal(await hasher.verify('MTI0', a), false);
  assert.ok(!a.includes('MTIz'));
});

test('verifies hashes made elsewhere with the same scheme (scrypt and pbkdf2)', async () => {
  const s = scryptSync('MTIz', 'abcdefghABCDEFGH', 64, { N: 1024, r: 8, p: 1 }).toString('hex');
  assert.equal(await hasher.verify('MTIz', `scrypt:1024:8:1$abcdefghABCDEFGH$${s}`), true);
  const p = pbkdf2Sync('MTIz', 'saltsalt', 1000, 32, 'sha256').toString('hex');
  assert.equal(await hasher.verify('MTIz', `pbkdf2:sha256:1000$saltsalt$${p}`), true);
  assert.equal(await hasher.verify('nope', `pbkdf2:sha256:1000$saltsalt$${p}`), false);
});

test('unparseable or missing stored hashes never verify', async () => {
  for (const stored of [null, undefined, '', 'plain', 'scrypt:x:8:1$s$00', 'md5$s$00', 'scrypt:1024:8:1$salt', 'pbkdf2:md4:10$s$00']) {
    assert.equal(await hasher.verify('MTIz', stored), false, String(stored));
  }
});

test('the cost must be a power of two', () => {
  assert.throws(() => new PasswordHasher(1000), /power of two/);
});
