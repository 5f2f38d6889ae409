import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMPONENTS } from './components/index.js';
import { loadCanvas, resetCanvas, serialiseCanvas } from './dsl.js';
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

test('resume from the stored DSL: a canvas serialised at the pause and loaded again resumes with its outputs', async () => {
  const first = interactive();
  await runAll(first, { query: 'a trip' });
  const stored = JSON.parse(JSON.stringify(serialiseCanvas(first)));
  assert.deepEqual(stored.path, ['UserFillUp:ask']);
  assert.equal(stored.components['StringTransform:plan'].obj.params.outputs.result.value, 'plan for a trip');
  const again = loadCanvas(stored, COMPONENTS);
  const events = await runAll(again, { query: '', inputs: { city: { value: 'Oslo' } } });
  assert.equal(text(events), 'plan for a trip in Oslo');
});

test('reset: a new session starts from zero globals, empty path and history, and null outputs', async () => {
  const canvas = interactive();
  await runAll(canvas, { query: 'a trip', userId: 'u1' });
  resetCanvas(canvas);
  assert.deepEqual(canvas.globals, { 'sys.query': '', 'sys.user_id': '', 'sys.conversation_turns': 0, 'sys.files': [] });
  assert.deepEqual([canvas.path, canvas.history, canvas.retrieval], [[], [], []]);
  assert.equal(canvas.nodes.get('StringTransform:plan')!.outputs.result, null);
  const events = await runAll(canvas, { query: 'again' });
  assert.equal(events.at(-1)!.event, 'user_inputs');
});
