import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpn, load, runAll } from '../testing.js';

const assign = (variables: unknown[]) =>
  load(
    {
      begin: cpn('Begin', {}, ['VariableAssigner:v']),
      'VariableAssigner:v': cpn('VariableAssigner', { variables }),
    },
    { variables: { list: { name: 'list', type: 'array<string>', value: ['a'] }, count: { name: 'count', type: 'number', value: 4 }, note: { name: 'note', type: 'string', value: '' } } },
  );

test('VariableAssigner: list, number and text operators write env globals; type errors are stored as values', async () => {
  const canvas = assign([
    { variable: 'env.list', operator: 'append', parameter: 'sys.query' },
    { variable: 'env.count', operator: '*=', parameter: 3 },
    { variable: 'env.note', operator: 'set', parameter: 'asked {sys.query} ' },
    { variable: 'env.count', operator: '/=', parameter: 0 },
  ]);
  await runAll(canvas, { query: 'b' });
  assert.deepEqual(canvas.globals['env.list'], ['a', 'b']);
  assert.equal(canvas.globals['env.count'], 'ERROR:DIVIDE_BY_ZERO');
  assert.equal(canvas.globals['env.note'], 'askedb');
});

test('VariableAssigner: clear, remove_first and a non-list target', async () => {
  const canvas = assign([
    { variable: 'env.list', operator: 'remove_first' },
    { variable: 'env.note', operator: 'append', parameter: 'sys.query' },
    { variable: 'env.count', operator: 'clear' },
  ]);
  await runAll(canvas, { query: 'b' });
  assert.deepEqual(canvas.globals['env.list'], []);
  assert.equal(canvas.globals['env.note'], 'ERROR:VARIABLE_NOT_LIST');
  assert.equal(canvas.globals['env.count'], 0);
});

test('VariableAssigner: an unknown operator is refused at load', () => {
  assert.throws(() => assign([{ variable: 'env.count', operator: '^=', parameter: 2 }]), { message: "VariableAssigner:v: assignment 1: unknown operator '^='" });
});
