import { test } from 'node:test';
import assert from 'node:assert/strict';
import { switchHolds } from '../conditions.js';
import { cpn, load, runAll, text } from '../testing.js';

test('Switch operators: case-insensitive text, numeric when both sides are numbers, lists rejected', () => {
  assert.equal(switchHolds('contains', 'Hello World', 'world'), true);
  assert.equal(switchHolds('start with', 'Hello', 'he'), true);
  assert.equal(switchHolds('end with', 'Hello', 'LO'), true);
  assert.equal(switchHolds('not contains', 'Hello', 'x'), true);
  assert.equal(switchHolds('>', '10', '9'), true);
  assert.equal(switchHolds('≤', 2, '2'), true);
  assert.equal(switchHolds('=', 'abc', 'abc'), true);
  assert.equal(switchHolds('≠', 'abc', 'abd'), true);
  assert.equal(switchHolds('empty', [], null), true);
  assert.equal(switchHolds('not empty', 'x', null), true);
  assert.throws(() => switchHolds('contains', ['a'], 'a'), /does not apply to a list/);
});

test('Switch: "or" needs one true item, "and" all; no condition → end_cpn_ids; next holds graph names', async () => {
  const canvas = (logical_operator: string) =>
    load(
      {
        begin: cpn('Begin', {}, ['s']),
        s: cpn('Switch', { conditions: [{ logical_operator, items: [{ cpn_id: 'sys.query', operator: 'contains', value: 'a' }, { cpn_id: 'sys.query', operator: 'contains', value: 'z' }], to: ['yes'] }], end_cpn_ids: ['no'] }),
        yes: cpn('Message', { content: ['yes'] }),
        no: cpn('Message', { content: ['no'] }),
      },
      { graph: { nodes: [{ id: 'yes', data: { name: 'Yes reply' } }] } },
    );
  assert.equal(text(await runAll(canvas('or'), { query: 'abc' })), 'yes');
  assert.equal(text(await runAll(canvas('and'), { query: 'abc' })), 'no');
  const c = canvas('or');
  await runAll(c, { query: 'a' });
  assert.deepEqual(c.nodes.get('s')!.outputs.next, ['Yes reply']);
});
