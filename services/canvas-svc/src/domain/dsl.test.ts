import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RagError } from '@rag/contracts';
import { DEFAULT_PROLOGUE, dslOfBody, prologueOf, resetDsl } from './dsl.js';

const base = () => ({ components: { begin: { obj: { component_name: 'Begin', params: {} }, downstream: [], upstream: [] } }, path: ['begin'], history: [['user', 'q']], retrieval: [{ chunks: [], doc_aggs: [] }] });

const exception = (message: string) => (err: unknown) => err instanceof RagError && err.code === 100 && err.message === message;

test('dslOfBody parses a JSON string and keeps any other value as given', () => {
  assert.deepEqual(dslOfBody('{"a":[1]}'), { a: [1] });
  assert.deepEqual(dslOfBody({ a: 1 }), { a: 1 });
  assert.equal(dslOfBody(5), 5);
  assert.throws(() => dslOfBody('{oops'), (err: unknown) => err instanceof RagError && err.code === 100 && err.message.startsWith('JSONDecodeError('));
});

test('resetDsl: a DSL the engine could not load fails as Python does', () => {
  assert.throws(() => resetDsl(5), exception(`TypeError("'int' object is not subscriptable")`));
  assert.throws(() => resetDsl({ path: [], history: [], retrieval: [] }), exception("KeyError('components')"));
  assert.throws(() => resetDsl({ components: {}, history: [], retrieval: [] }), exception("KeyError('path')"));
});

test('resetDsl: state emptied, sys.* zeroed by type, env.* from variables, declared values cleared; the input is untouched', () => {
  const dsl = {
    ...base(),
    memory: [['a', 'b', 'c']],
    globals: { 'sys.query': 'q', 'sys.conversation_turns': 4, 'sys.files': ['x'], 'sys.flag': true, 'env.s': 'old', 'env.n': 7, 'env.l': [1], 'env.gone': 'x' },
    variables: { s: { type: 'string', value: 'kept' }, n: { type: 'number', value: 0 }, l: { type: 'array<string>', value: '' } },
  };
  (dsl.components.begin.obj.params as Record<string, unknown>).inputs = { lang: { type: 'line', value: 'fr' } };
  (dsl.components.begin.obj.params as Record<string, unknown>).outputs = { lang: { type: 'str', value: 'fr' } };
  const before = structuredClone(dsl);
  const reset = resetDsl(dsl);
  assert.deepEqual(dsl, before, 'the agent row keeps its DSL');
  assert.deepEqual([reset.path, reset.history, reset.retrieval, reset.memory], [[], [], [], []]);
  assert.deepEqual(reset.globals, { 'sys.query': '', 'sys.conversation_turns': 0, 'sys.files': [], 'sys.flag': false, 'env.s': 'kept', 'env.n': 0, 'env.l': [], 'env.gone': '' });
  const params = (reset.components as typeof dsl.components).begin.obj.params as Record<string, Record<string, { value: unknown }>>;
  assert.equal(params.inputs!.lang!.value, null);
  assert.equal(params.outputs!.lang!.value, null);
  assert.deepEqual(resetDsl(base()).globals, { 'sys.query': '', 'sys.user_id': '', 'sys.conversation_turns': 0, 'sys.files': [] }, 'the four sys.* keys by default');
});

test("prologueOf: Begin's opener, or the default", () => {
  assert.equal(prologueOf(base()), DEFAULT_PROLOGUE);
  const own = base();
  (own.components.begin.obj.params as Record<string, unknown>).prologue = 'Hello there';
  assert.equal(prologueOf(own), 'Hello there');
  assert.equal(prologueOf({ components: {} }), DEFAULT_PROLOGUE);
});
