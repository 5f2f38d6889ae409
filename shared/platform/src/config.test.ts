import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commonConfig, defineConfig, env } from './config.js';

test('defaults apply and values are typed', () => {
  const c = defineConfig(commonConfig).load({});
  assert.equal(c.NATS_URL, 'nats://127.0.0.1:4222');
  assert.equal(c.NATS_REQUEST_TIMEOUT_MS, 30000);
});

test('a bad value stops the load with a message naming the variable', () => {
  assert.throws(() => defineConfig(commonConfig).load({ NATS_REQUEST_TIMEOUT_MS: 'soon', LOG_LEVEL: 'loud', NATS_URL: 'http://x' }), (err: Error) => {
    assert.equal(err.name, 'ConfigError');
    assert.match(err.message, /NATS_REQUEST_TIMEOUT_MS must be an integer, got "soon"/);
    assert.match(err.message, /LOG_LEVEL must be one of/);
    assert.match(err.message, /NATS_URL must use nats/);
    return true;
  });
  assert.throws(() => defineConfig({ X: env.string(undefined, 'required') }).load({}), /X is required/);
  assert.throws(() => defineConfig({ B: env.bool(false, 'b') }).load({ B: 'maybe' }), /B must be a boolean/);
});
