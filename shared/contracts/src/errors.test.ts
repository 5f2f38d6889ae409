import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exceptionRepr } from './errors.js';

test('exceptionRepr never throws, whatever was thrown', () => {
  assert.equal(exceptionRepr(new RangeError('Maximum call stack size exceeded')), "RangeError('Maximum call stack size exceeded')");
  assert.equal(exceptionRepr(new Error("it's")), `Exception("it's")`);
  const hostile = { toString: () => { throw new Error('no'); } };
  assert.equal(exceptionRepr(hostile), "Exception('[object Object]')");
  assert.equal(exceptionRepr(Object.create(null)), "Exception('[object Object]')");
  const odd = new Error('x');
  (odd as { message: unknown }).message = { not: 'a string' };
  assert.equal(exceptionRepr(odd), "Exception('[object Object]')");
});
