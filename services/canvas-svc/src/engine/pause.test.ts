import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpn, load, runAll, text, trace } from './testing.js';

const interactive = () =>
  load({
    begin: cpn('Begin', {}, ['StringTransform:plan']),
    'StringTransform:plan': cpn('StringTransform', { method: 'merge', script: 'plan for {sys.query}' }, ['UserFillUp:ask']),
    'UserFillUp:ask': cpn('UserFillUp', { tips: 'About {StringTransform:plan@result}: which city?', inputs: { city: { name: 'city', type: 'line' } } }, ['Message:out']),
    'Message:out': cpn('Message', { content: ['{StringTransform:plan@result} in {UserFillUp:ask@city}'], stream: false }),
  });

test('pause: a UserFillUp stops the run with user_inputs as the last event, no workflow_finished (§3.7)', async () => {
  const canvas = interactive();
  const events = await runAll(canvas, { query: 'a trip' });
  assert.deepEqual(trace(events).slice(-2), ['node_finished StringTransform:plan', 'user_inputs']);
  const last = events.at(-1)!;
  assert.deepEqual(last.data, { inputs: { city: { name: 'city', type: 'line' } }, tips: 'About plan for a trip: which city?' });
  assert.deepEqual(canvas.path, ['UserFillUp:ask']);
  assert.deepEqual(canvas.history.map(([role]) => role), ['user']);
});

test('resume: the UserFillUp takes the inputs and outputs from before the pause are kept (§11 #7)', async () => {
  const canvas = interactive();
  await runAll(canvas, { query: 'a trip' });
  const events = await runAll(canvas, { query: '', inputs: { city: { value: 'Lyon' } } });
  assert.ok(!trace(events).includes('node_started begin'));
  assert.equal(trace(events)[1], 'node_started UserFillUp:ask');
  assert.equal(text(events), 'plan for a trip in Lyon');
  assert.equal(events.at(-1)!.event, 'workflow_finished');
  assert.deepEqual(canvas.path, ['UserFillUp:ask', 'Message:out']);
  assert.equal(canvas.globals['sys.conversation_turns'], 2);
  const next = await runAll(canvas, { query: 'again' });
  assert.equal(trace(next)[1], 'node_started begin');
});
