import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pyJson, refsInText, render, resolveRef, splitStreamed, stripRef } from './refs.js';

const source = {
  globals: { 'sys.query': 'hello', 'sys.files': [] },
  outputsOf: (id: string) => (id === 'Agent:Cool' ? { content: 'text', json: '[{"content":"a"}]', list: [1, 2], absent: null } : undefined),
};

test('refs: the grammar of §2.1 — ids with letters, digits and colons only', () => {
  assert.deepEqual(refsInText('{sys.query} and {begin@topic} and {Agent:Cool@json.0.content} {env.region}'), ['sys.query', 'begin@topic', 'Agent:Cool@json.0.content', 'env.region']);
  assert.deepEqual(refsInText('{begin@knowledge base} { begin@x } {my_node@x}'), []);
  assert.equal(stripRef(' {begin@lang} '), 'begin@lang');
});

test('refs: streamed text swallows the spaces and extra braces around a ref (§2.3 pitfall)', () => {
  assert.deepEqual(splitStreamed('Hi {begin@name}, bye'), [{ literal: 'Hi' }, { target: 'begin@name' }, { literal: ', bye' }]);
  assert.deepEqual(splitStreamed('{{sys.query}}!'), [{ target: 'sys.query' }, { literal: '!' }]);
});

test('refs: resolution — missing output is "", unproduced is null, paths walk JSON strings, bad steps give null', () => {
  assert.equal(resolveRef(source, 'sys.query'), 'hello');
  assert.equal(resolveRef(source, '{Agent:Cool@content}'), 'text');
  assert.equal(resolveRef(source, 'Agent:Cool@nothing'), '');
  assert.equal(resolveRef(source, 'Agent:Cool@absent'), null);
  assert.equal(resolveRef(source, 'Agent:Cool@json.0.content'), 'a');
  assert.equal(resolveRef(source, 'Agent:Cool@list.5'), null);
  assert.equal(resolveRef(source, 'Agent:Cool@content.x'), null);
  assert.throws(() => resolveRef(source, 'sys.files.0'), /Can't find variable: 'sys.files.0'/);
  assert.throws(() => resolveRef(source, 'Nope:x@content'), /Can't find variable: 'Nope:x@content'/);
  assert.throws(() => resolveRef(source, 'Agent:Cool@a@b'), /Can't find variable/);
});

test('refs: the four rendering rules keep falsy values apart (§2.3)', () => {
  assert.equal(render.streamed(0), '0');
  assert.equal(render.streamed(false), 'false');
  assert.equal(render.streamed(null), '');
  assert.equal(render.merged(0), '');
  assert.equal(render.merged(false), '');
  assert.equal(render.merged([]), '');
  assert.equal(render.merged(['a', 'b'], '-'), 'a-b');
  assert.equal(render.prompt(null), 'null');
  assert.equal(render.query(null), '');
  assert.equal(render.query([1, 'a']), "[1, 'a']");
  assert.equal(pyJson({ a: [1, 'é'], b: true }), '{"a": [1, "é"], "b": true}');
});
