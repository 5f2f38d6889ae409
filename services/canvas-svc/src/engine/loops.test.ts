import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpn, load, runAll, text, trace } from './testing.js';

const iteration = () =>
  load({
    begin: cpn('Begin', {}, ['Iteration:it']),
    'Iteration:it': cpn('Iteration', { items_ref: 'begin@names', outputs: { greetings: { type: 'array', ref: 'StringTransform:hi@result' } } }, ['Message:out']),
    'IterationItem:item': cpn('IterationItem', {}, ['StringTransform:hi'], 'Iteration:it'),
    'StringTransform:hi': cpn('StringTransform', { method: 'merge', script: '{IterationItem:item@index}:{IterationItem:item@item}' }, [], 'Iteration:it'),
    'Message:out': cpn('Message', { content: ['{Iteration:it@greetings}'] }),
  });

test('Iteration: the item runs once per element and the Iteration collates the inner output (§3.6)', async () => {
  const events = await runAll(iteration(), { query: 'q', inputs: { names: { value: ['ann', 'bob', 'cy'] } } });
  // A merge renders every falsy value as "" (§2.3), so index 0 disappears from the first greeting.
  assert.equal(text(events), '[":ann", "1:bob", "2:cy"]');
  const t = trace(events);
  assert.equal(t.filter((x) => x === 'node_finished StringTransform:hi').length, 3);
  assert.equal(t.filter((x) => x === 'node_finished Iteration:it').length, 1);
  assert.ok(t.indexOf('node_finished Iteration:it') > t.lastIndexOf('node_finished StringTransform:hi'));
});

test('Iteration: an empty list gives zero passes and outputs stay null; a non-list fails the node', async () => {
  const canvas = iteration();
  const events = await runAll(canvas, { query: 'q', inputs: { names: { value: [] } } });
  assert.ok(!trace(events).includes('node_started StringTransform:hi'));
  assert.equal(canvas.nodes.get('Iteration:it')!.outputs.greetings, null);
  const bad = await runAll(iteration(), { query: 'q', inputs: { names: { value: 'ann' } } });
  assert.equal(bad.at(-1)!.event, 'error');
});

const counter = (loopParams: Record<string, unknown>, body: Record<string, ReturnType<typeof cpn>> = {}) =>
  load({
    begin: cpn('Begin', {}, ['Loop:l']),
    'Loop:l': cpn('Loop', { loop_variables: [{ variable: 'n', input_mode: 'constant', value: 0, type: 'number' }], ...loopParams }, ['m']),
    'LoopItem:i': cpn('LoopItem', {}, ['VariableAssigner:inc'], 'Loop:l'),
    'VariableAssigner:inc': cpn('VariableAssigner', { variables: [{ variable: 'Loop:l@n', operator: '+=', parameter: 1 }] }, Object.keys(body).slice(0, 1), 'Loop:l'),
    ...body,
    m: cpn('Message', { content: ['n={Loop:l@n}'], stream: false }),
  });

test('Loop: maximum_loop_count 0 and an empty "and" condition list both run zero passes (§11 pitfall)', async () => {
  assert.equal(text(await runAll(counter({ maximum_loop_count: 0, loop_termination_condition: [{ variable: 'Loop:l@n', operator: '≥', value: 9 }] }), { query: 'q' })), 'n=');
  assert.equal(text(await runAll(counter({ maximum_loop_count: 5 }), { query: 'q' })), 'n=');
});

test('Loop: passes until the termination condition holds, checked before each pass', async () => {
  const events = await runAll(counter({ maximum_loop_count: 10, loop_termination_condition: [{ variable: 'Loop:l@n', operator: '≥', value: 3 }] }), { query: 'q' });
  assert.equal(text(events), 'n=3');
  assert.equal(trace(events).filter((x) => x === 'node_finished Loop:l').length, 1);
  const capped = await runAll(counter({ maximum_loop_count: 2, loop_termination_condition: [{ variable: 'Loop:l@n', operator: '≥', value: 3 }] }), { query: 'q' });
  assert.equal(text(capped), 'n=2');
});

test('Loop: ExitLoop leaves at once for the Loop downstream, without a node_finished for the Loop', async () => {
  const canvas = counter(
    { maximum_loop_count: 10, loop_termination_condition: [{ variable: 'Loop:l@n', operator: '≥', value: 9 }] },
    {
      'Switch:stop': cpn('Switch', { conditions: [{ items: [{ cpn_id: 'Loop:l@n', operator: '≥', value: '2' }], to: ['ExitLoop:x'] }], end_cpn_ids: ['StringTransform:noop'] }, [], 'Loop:l'),
      'ExitLoop:x': cpn('ExitLoop', {}, [], 'Loop:l'),
      'StringTransform:noop': cpn('StringTransform', { method: 'merge', script: 'x' }, [], 'Loop:l'),
    },
  );
  const events = await runAll(canvas, { query: 'q' });
  assert.equal(text(events), 'n=2');
  assert.ok(!trace(events).includes('node_finished Loop:l'));
  assert.equal(events.at(-1)!.event, 'workflow_finished');
});
