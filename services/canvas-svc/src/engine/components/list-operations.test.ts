import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpn, load, runAll } from '../testing.js';

async function apply(params: Record<string, unknown>, value: unknown) {
  const canvas = load({ begin: cpn('Begin', {}, ['l']), l: cpn('ListOperations', { query: 'begin@items', ...params }) });
  const events = await runAll(canvas, { query: 'q', inputs: { items: { value } } });
  return { outputs: canvas.nodes.get('l')!.outputs, last: events.at(-1)! };
}

test('ListOperations: topN takes n items; head/tail return one item, the n-th from the start/end (§11 pitfall)', async () => {
  const items = ['a', 'b', 'c', 'd'];
  assert.deepEqual((await apply({ operations: 'topN', n: 2 }, items)).outputs.result, ['a', 'b']);
  assert.deepEqual((await apply({ operations: 'head', n: 2 }, items)).outputs.result, ['b']);
  const tail = await apply({ operations: 'tail', n: 2 }, items);
  assert.deepEqual(tail.outputs.result, ['c']);
  assert.equal(tail.outputs.first, 'c');
});

test('ListOperations: filter, sort and drop_duplicates', async () => {
  assert.deepEqual((await apply({ operations: 'filter', filter: { operator: 'start with', value: 'ap' } }, ['apple', 'pear', 'apricot'])).outputs.result, ['apple', 'apricot']);
  assert.deepEqual((await apply({ operations: 'sort', sort_method: 'desc' }, [3, 10, 1])).outputs.result, [10, 3, 1]);
  const unique = await apply({ operations: 'drop_duplicates' }, [1, 1, { a: 1 }, { a: 1 }]);
  assert.deepEqual(unique.outputs.result, [1, { a: 1 }]);
  assert.deepEqual(unique.outputs.last, { a: 1 });
});

test('ListOperations: a value that is not a list fails the node; a bad operation is refused at load', async () => {
  const { last } = await apply({ operations: 'topN', n: 1 }, 'abc');
  assert.equal(last.event, 'error');
  assert.deepEqual(last.data, { error: 'begin@items is not a list.', component_id: 'l', bound: null });
  await assert.rejects(apply({ operations: 'shuffle' }, []), { message: 'l: operations must be one of topN, head, tail, filter, sort, drop_duplicates' });
});
