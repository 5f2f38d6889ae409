import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2Sync, scryptSync } from 'node:crypto';
import { derivePasswordKey, newPasswordHash } from '@rag/platform';
import { PasswordHasher } from './password.js';

const hasher = new PasswordHasher(1024, 'decoy-secret');

test('a new password: fresh salt, today\'s method, accepted only in the full werkzeug scrypt form', async () => {
  const a = hasher.fresh();
  const b = hasher.fresh();
  assert.equal(a.method, 'scrypt:1024:8:1');
  assert.match(a.salt, /^[A-Za-z0-9]{16}$/);
  assert.notEqual(a.salt, b.salt);
  const stored = await newPasswordHash('MTIz', a);
  assert.match(stored, /^scrypt:1024:8:1\$[A-Za-z0-9]{16}\$[0-9a-f]{128}$/);
  assert.equal(hasher.accept(stored), stored);
  assert.ok(!stored.includes('MTIz'));
  for (const bad of [undefined, 123, '', 'MTIz', `scrypt:2048:8:1$${a.salt}$${stored.split('$')[2]}`, `scrypt:1024:8:1$$${stored.split('$')[2]}`, `scrypt:1024:8:1$${a.salt}$abc`]) {
    assert.equal(hasher.accept(bad), undefined, String(bad));
  }
});

test('login: the key the gateway derives with the stored params verifies; another password does not', async () => {
  const stored = await newPasswordHash('MTIz', hasher.fresh());
  const params = hasher.paramsFor(stored, 'a@b.cc');
  assert.deepEqual(params, { method: 'scrypt:1024:8:1', salt: stored.split('$')[1] });
  assert.equal(hasher.verify(await derivePasswordKey('MTIz', params), stored), true);
  assert.equal(hasher.verify(await derivePasswordKey('MTI0', params), stored), false);
  assert.equal(hasher.verify('MTIz', stored), false, 'the password itself is not a key');
  assert.equal(hasher.verify(undefined, stored), false);
});

test('hashes made elsewhere with the same scheme (scrypt and pbkdf2) keep working', async () => {
  const s = scryptSync('MTIz', 'abcdefghABCDEFGH', 64, { N: 1024, r: 8, p: 1 }).toString('hex');
  const scryptStored = `scrypt:1024:8:1$abcdefghABCDEFGH$${s}`;
  assert.equal(hasher.verify(await derivePasswordKey('MTIz', hasher.paramsFor(scryptStored, 'x@y.zz')), scryptStored), true);
  const p = pbkdf2Sync('MTIz', 'saltsalt', 1000, 32, 'sha256').toString('hex');
  const pbkdf2Stored = `pbkdf2:sha256:1000$saltsalt$${p}`;
  const params = hasher.paramsFor(pbkdf2Stored, 'x@y.zz');
  assert.deepEqual(params, { method: 'pbkdf2:sha256:1000', salt: 'saltsalt' });
  assert.equal(hasher.verify(await derivePasswordKey('MTIz', params), pbkdf2Stored), true);
  assert.equal(hasher.verify(await derivePasswordKey('nope', params), pbkdf2Stored), false);
});

test('an unknown account gets stand-in params: same shape, stable per e-mail, different across e-mails and secrets', () => {
  const a = hasher.paramsFor(undefined, 'nobody@example.com');
  assert.equal(a.method, 'scrypt:1024:8:1');
  assert.match(a.salt, /^[A-Za-z0-9]{16}$/);
  assert.deepEqual(hasher.paramsFor(undefined, 'NOBODY@example.com'), a, 'e-mails match case-insensitively, as the lookup does');
  assert.notDeepEqual(hasher.paramsFor(undefined, 'other@example.com'), a);
  assert.notDeepEqual(new PasswordHasher(1024, 'another-secret').paramsFor(undefined, 'nobody@example.com'), a);
  assert.deepEqual(hasher.paramsFor('broken-hash', 'nobody@example.com'), a, 'an unreadable stored hash looks like no account');
});

test('unparseable, missing or absurdly costly stored hashes never verify', async () => {
  const key = await derivePasswordKey('MTIz', { method: 'scrypt:1024:8:1', salt: 's' });
  for (const stored of [null, undefined, '', 'plain', 'scrypt:x:8:1$s$00', 'md5$s$00', 'scrypt:1024:8:1$salt', 'pbkdf2:md4:10$s$00', `scrypt:1073741824:8:1$s$${key}`]) {
    assert.equal(hasher.verify(key, stored), false, String(stored));
  }
});

test('the cost must be a power of two', () => {
  assert.throws(() => new PasswordHasher(1000, 'x'), /power of two/);
});
