import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpn, load, runAll, scriptedChat, testClock, text, trace } from '../testing.js';

test('LLM: followed by a Message, the answer streams through it and node_finished LLM follows message_end (§3.9)', async () => {
  const chat = scriptedChat('Hel|lo <think>hm</think>there');
  const canvas = load({ begin: cpn('Begin', {}, ['LLM:a']), 'LLM:a': cpn('LLM', { llm_id: 'glm-4', sys_prompt: 'Be brief about {sys.query}.' }, ['Message:m']), 'Message:m': cpn('Message', { content: ['{LLM:a@content}'] }) });
  const events = await runAll(canvas, { query: 'cats' }, { ports: { clock: testClock(), chat } });
  assert.deepEqual(trace(events).slice(3), ['node_started LLM:a', 'node_started Message:m', 'message', 'message', 'message', 'message', 'message', 'message', 'message', 'message_end', 'node_finished LLM:a', 'node_finished Message:m', 'workflow_finished']);
  const pieces = events.filter((e) => e.event === 'message').map((e) => e.data);
  assert.deepEqual(pieces.slice(0, 5), [{ content: 'Hel' }, { content: 'lo ' }, { content: '', start_to_think: true }, { content: 'hm' }, { content: '', end_to_think: true }]);
  assert.equal(text(events), 'Hello hmthere');
  assert.equal(chat.requests[0]!.system, 'Be brief about cats.');
  assert.deepEqual(chat.requests[0]!.messages, [{ role: 'user', content: 'cats' }]);
  const llm = events.find((e) => e.event === 'node_finished' && e.data.component_id === 'LLM:a')!;
  assert.equal(llm.event === 'node_finished' && llm.data.outputs.content, 'Hello <think>hm</think>there');
});

test('LLM: without a Message downstream the model is called in the step; prompts render null as "null"', async () => {
  const chat = scriptedChat('answer');
  const canvas = load({
    begin: cpn('Begin', {}, ['LLM:a']),
    'LLM:a': cpn('LLM', { llm_id: 'm', prompts: [{ role: 'user', content: 'q={sys.query} x={begin@x}' }], temperature: 0.5, temperatureEnabled: true, top_p: 0.9 }, ['s']),
    s: cpn('StringTransform', { method: 'merge', script: '{LLM:a@content}!' }),
  });
  await runAll(canvas, { query: 'hi', inputs: { x: { value: null } } }, { ports: { clock: testClock(), chat } });
  assert.equal(chat.requests[0]!.messages.at(-1)!.content, 'q=hi x=null');
  assert.deepEqual(chat.requests[0]!.options, { temperature: 0.5 });
  assert.equal(canvas.nodes.get('s')!.outputs.result, 'answer!');
});

test('LLM: earlier turns are given as history, the window counting entries', async () => {
  const chat = scriptedChat('one', 'two');
  const canvas = load({ begin: cpn('Begin', {}, ['LLM:a']), 'LLM:a': cpn('LLM', { llm_id: 'm' }, ['Message:m']), 'Message:m': cpn('Message', { content: ['{LLM:a@content}'] }) });
  const ports = { clock: testClock(), chat };
  await runAll(canvas, { query: 'first' }, { ports });
  await runAll(canvas, { query: 'second' }, { ports });
  assert.deepEqual(chat.requests[1]!.messages, [
    { role: 'user', content: 'first' },
    { role: 'assistant', content: 'one' },
    { role: 'user', content: 'second' },
  ]);
});

test('Agent without tools answers like an LLM; with tools it is refused at load', async () => {
  const chat = scriptedChat('agent says hi');
  const canvas = load({ begin: cpn('Begin', {}, ['Agent:a']), 'Agent:a': cpn('Agent', { llm_id: 'm', sys_prompt: 'You help.' }, ['Message:m']), 'Message:m': cpn('Message', { content: ['{Agent:a@content}'] }) });
  const events = await runAll(canvas, { query: 'hi' }, { ports: { clock: testClock(), chat } });
  assert.equal(text(events), 'agent says hi');
  assert.throws(() => load({ begin: cpn('Begin', {}, ['a']), a: cpn('Agent', { llm_id: 'm', tools: [{ component_name: 'TavilySearch' }] }) }), { message: 'a: Agent tools and MCP servers are not supported yet' });
});
