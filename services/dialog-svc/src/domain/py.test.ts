import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RagError } from '@rag/contracts';
import { dedupeIds, pyFloat, pyInt, pyIntQuery, pyIter, pyStrRepr, pySubscript, pyTruthy } from './py.js';

const repr = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RagError);
    assert.equal(err.code, 100);
    return err.message;
  }
  assert.fail('expected a code-100 error');
};

test('Python reprs of strings pick the quote Python picks', () => {
  assert.equal(pyStrRepr('a'), "'a'");
  assert.equal(pyStrRepr("it's"), `"it's"`);
  assert.equal(pyStrRepr(`it's "x"`), `'it\\'s "x"'`);
  assert.equal(pyStrRepr('a\nb'), "'a\\nb'");
});

test('int() of query values (§1.4)', () => {
  assert.equal(pyIntQuery(undefined, 30), 30);
  assert.equal(pyIntQuery(' 3 ', 1), 3);
  assert.equal(pyIntQuery('-1', 1), -1);
  assert.equal(pyIntQuery('1_0', 1), 10);
  assert.equal(repr(() => pyIntQuery('a', 1)), `ValueError("invalid literal for int() with base 10: 'a'")`);
  assert.equal(repr(() => pyIntQuery('', 1)), `ValueError("invalid literal for int() with base 10: ''")`);
  assert.equal(repr(() => pyIntQuery('1.5', 1)), `ValueError("invalid literal for int() with base 10: '1.5'")`);
});

test('int() and float() of body values', () => {
  assert.equal(pyInt(2.9), 2);
  assert.equal(pyInt(true), 1);
  assert.equal(pyInt('7'), 7);
  assert.equal(repr(() => pyInt([1])), `TypeError("int() argument must be a string, a bytes-like object or a real number, not 'list'")`);
  assert.equal(pyFloat('0.5'), 0.5);
  assert.equal(pyFloat(1), 1);
  assert.equal(repr(() => pyFloat('a')), `ValueError("could not convert string to float: 'a'")`);
  assert.equal(repr(() => pyFloat({})), `TypeError("float() argument must be a string or a real number, not 'dict'")`);
});

test('iteration, subscripts and truthiness follow Python', () => {
  assert.deepEqual(pyIter('ab'), ['a', 'b']);
  assert.deepEqual(pyIter({ x: 1, y: 2 }), ['x', 'y']);
  assert.equal(repr(() => pyIter(null)), `TypeError("'NoneType' object is not iterable")`);
  assert.equal(repr(() => pyIter(5)), `TypeError("'int' object is not iterable")`);
  assert.equal(repr(() => pySubscript({}, 'optional')), "KeyError('optional')");
  assert.equal(repr(() => pySubscript('k', 'optional')), `TypeError("string indices must be integers, not 'str'")`);
  assert.equal(repr(() => pySubscript(3, 'key')), `TypeError("'int' object is not subscriptable")`);
  for (const falsy of [null, undefined, false, 0, '', [], {}]) assert.equal(pyTruthy(falsy), false);
  for (const truthy of [true, 1, 'a', [0], { a: 0 }]) assert.equal(pyTruthy(truthy), true);
});

test('check_duplicate_ids: first occurrence kept, repeats reported once, unhashable ids refused', () => {
  assert.deepEqual(dedupeIds(['a', 'b', 'a', 'a', 'c', 'b']), { unique: ['a', 'b', 'c'], duplicates: ['a', 'b'] });
  assert.deepEqual(dedupeIds([1, '1']), { unique: [1, '1'], duplicates: [] });
  assert.equal(repr(() => dedupeIds([['x']])), `TypeError("unhashable type: 'list'")`);
});
