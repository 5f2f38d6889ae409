import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CANCELED } from './errors.js';
import { cpn, load, runAll, scriptedChat, testClock, text, trace } from './testing.js';
import type { ChatModelPort } from './types.js';

const loop = (count: number) =>
  load({
    begin: cpn('Begin', {}, ['Loop:l']),
    'Loop:l': cpn('Loop', { maximum_loop_count: count, loop_termination_condition: [{ variable: 'Loop:l@n', operator: '≥', value: 100000, input_mode: 'constant' }], loop_variables: [{ variable: 'n', input_mode: 'constant', value: 0, type: 'number' }] }, ['m']),
    'LoopItem:i': cpn('LoopItem', {}, ['VariableAssigner:inc'], 'Loop:l'),
    'VariableAssigner:inc': cpn('VariableAssigner', { variables: [{ variable: 'Loop:l@n', operator: '+=', parameter: 1 }] }, [], 'Loop:l'),
    m: cpn('Message', { content: ['n={Loop:l@n}'] }),
  });

const lastError = (events: Awaited<ReturnType<typeof runAll>>) => {
  const last = events.at(-1)!;
  assert.equal(last.event, 'error');
  return last.data as { error: string; bound: string | null; component_id: string | null };
};

test('bounds: the step bound ends the run with an error event naming it', async () => {
  const events = await runAll(loop(1000), { query: 'q' }, { bounds: { maxSteps: 12 } });
  assert.deepEqual(lastError(events), { error: 'The run stopped: it reached the limit of 12 steps.', component_id: null, bound: 'steps' });
});

test('bounds: the loop-pass bound ends the run with an error event naming it', async () => {
  const events = await runAll(loop(1000), { query: 'q' }, { bounds: { maxLoopPasses: 3 } });
  assert.equal(lastError(events).bound, 'loop_passes');
  assert.equal(lastError(events).component_id, 'LoopItem:i');
});

test('bounds: the wall-time bound ends the run with an error event naming it', async () => {
  const clock = testClock();
  const slow: ChatModelPort = {
    async *chat() {
      clock.advance(5000);
      yield 'done';
    },
  };
  const canvas = load({ begin: cpn('Begin', {}, ['l']), l: cpn('LLM', { llm_id: 'm' }, ['s']), s: cpn('StringTransform', { method: 'merge', script: '{l@content}' }) });
  const events = await runAll(canvas, { query: 'q' }, { ports: { clock, chat: slow }, bounds: { maxWallMs: 1000 } });
  assert.equal(lastError(events).bound, 'wall_time');
  assert.ok(!trace(events).includes('node_started s'));
});

test('cancellation: aborting the signal ends the run with workflow_finished "Task has been canceled"', async () => {
  const controller = new AbortController();
  const chat: ChatModelPort = {
    async *chat(request) {
      controller.abort();
      await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }));
      yield 'late';
    },
  };
  const canvas = load({ begin: cpn('Begin', {}, ['l']), l: cpn('LLM', { llm_id: 'm' }, ['s']), s: cpn('StringTransform', { method: 'merge', script: '{l@content}' }) });
  const events = await runAll(canvas, { query: 'q', signal: controller.signal }, { ports: { clock: testClock(), chat } });
  const last = events.at(-1)!;
  assert.equal(last.event, 'workflow_finished');
  assert.equal(last.event === 'workflow_finished' && last.data.outputs, CANCELED);
  const llm = events.find((e) => e.event === 'node_finished' && e.data.component_id === 'l')!;
  assert.equal(llm.event === 'node_finished' && llm.data.error, CANCELED);
});

const failing = (policy: Record<string, unknown>) =>
  load({
    begin: cpn('Begin', {}, ['s']),
    s: cpn('StringTransform', { method: 'split', split_ref: 'sys.files', ...policy }, ['ok']),
    ok: cpn('Message', { content: ['normal path'] }),
    rescue: cpn('Message', { content: ['rescued'] }),
  });

test('errors: goto sends the run to exception_goto instead of downstream (§5.1)', async () => {
  const events = await runAll(failing({ exception_method: 'goto', exception_goto: ['rescue'] }), { query: 'q' });
  assert.equal(text(events), 'rescued');
  const s = events.find((e) => e.event === 'node_finished' && e.data.component_id === 's')!;
  assert.equal(s.event === 'node_finished' && s.data.error, 'split_ref sys.files is not a string.');
  assert.equal(events.at(-1)!.event, 'workflow_finished');
});

test('errors: comment with a default value emits it as a message and follows downstream (§5.1)', async () => {
  const events = await runAll(failing({ exception_method: 'comment', exception_default_value: 'sorry' }), { query: 'q' });
  assert.equal(text(events), 'sorrynormal path');
  assert.deepEqual(trace(events).slice(3, 7), ['node_started s', 'message', 'message_end', 'node_finished s']);
});

test('errors: no policy — the run stops after the failing step with an error event', async () => {
  const events = await runAll(failing({}), { query: 'q' });
  assert.deepEqual(lastError(events), { error: 'split_ref sys.files is not a string.', component_id: 's', bound: null });
  assert.ok(!trace(events).includes('node_started ok'));
});

test('errors: max_retries retries an **ERROR** answer after delay_after_error', async () => {
  const clock = testClock();
  const chat = scriptedChat('**ERROR**: busy', '**ERROR**: busy', 'fine');
  const canvas = load({ begin: cpn('Begin', {}, ['l']), l: cpn('LLM', { llm_id: 'm', max_retries: 2, delay_after_error: 1.5 }, ['s']), s: cpn('StringTransform', { method: 'merge', script: '{l@content}' }) });
  const events = await runAll(canvas, { query: 'q' }, { ports: { clock, chat } });
  assert.equal(events.at(-1)!.event, 'workflow_finished');
  assert.equal(canvas.nodes.get('s')!.outputs.result, 'fine');
  assert.deepEqual(clock.slept, [1500, 1500]);
  assert.equal(chat.requests.length, 3);
});

test('errors: a body over its timeout fails the node with the limit in the message', async () => {
  const hang: ChatModelPort = {
    async *chat(request) {
      await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }));
      yield 'never';
    },
  };
  const canvas = load({ begin: cpn('Begin', {}, ['l']), l: cpn('LLM', { llm_id: 'm' }, ['s']), s: cpn('StringTransform', { method: 'merge', script: '{l@content}' }) });
  const events = await runAll(canvas, { query: 'q' }, { ports: { clock: testClock(), chat: hang }, componentTimeoutMs: 30 });
  assert.deepEqual(lastError(events), { error: 'LLM timed out after 30 ms', component_id: 'l', bound: null });
});
