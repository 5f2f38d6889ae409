import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cosine, dot, mixVectors, normalizeInPlace } from './vector-math.js';

test('normalise, cosine and the title/content mix of §8.2', () => {
  assert.deepEqual([...normalizeInPlace(Float32Array.of(3, 4))], [0.6000000238418579, 0.800000011920929]);
  assert.deepEqual([...normalizeInPlace(new Float32Array(2))], [0, 0]);
  assert.equal(cosine([1, 0], [0, 1]), 0);
  assert.equal(cosine([0, 0], [1, 1]), 0);
  const title = Float32Array.of(1, 0);
  const content = Float32Array.of(0, 1);
  const mixed = mixVectors(title, content, 0.1);
  assert.ok(Math.abs(Math.sqrt(dot(mixed, mixed)) - 1) < 1e-6);
  assert.ok(Math.abs(mixed[1]! / mixed[0]! - 9) < 1e-5, 'content weighs 9× the title');
  assert.throws(() => mixVectors(title, Float32Array.of(1, 2, 3), 0.1), RangeError);
});
