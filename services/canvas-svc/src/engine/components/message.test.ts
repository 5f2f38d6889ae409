import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpn, load, runAll, scriptedChat, testClock, text, trace } from '../testing.js';

const say = (content: unknown, extra: Record<string, unknown> = {}) => load({ begin: cpn('Begin', {}, ['m']), m: cpn('Message', { content, ...extra }) });

test('Message: Jinja-mode text replaces only the inner ref and keeps the outer braces (§2.1)', async () => {
  assert.equal(text(await runAll(say(['{{sys.query}}']), { query: 'hello' })), '{hello}');
});

test('Message: non-streamed text keeps the spaces around refs; status goes on message_end', async () => {
  const events = await runAll(say(['Hi {sys.query} !'], { stream: false, status: 201 }), { query: 'Bob' });
  assert.equal(text(events), 'Hi Bob !');
  const end = events.find((e) => e.event === 'message_end')!;
  assert.deepEqual(end.data, { status: 201 });
});

test('Message: objects and lists render as JSON with Python separators in streamed text', async () => {
  const events = await runAll(say(['{begin@o}']), { query: 'q', inputs: { o: { value: { a: [1, 2], b: 'é' } } } });
  assert.equal(text(events), '{"a": [1, 2], "b": "é"}');
});

test('Message: a non-streamed Message drains an LLM stream; the LLM finishes right after it', async () => {
  const canvas = load({ begin: cpn('Begin', {}, ['l']), l: cpn('LLM', { llm_id: 'm' }, ['m']), m: cpn('Message', { content: ['<{l@content}>'], stream: false }) });
  const events = await runAll(canvas, { query: 'q' }, { ports: { clock: testClock(), chat: scriptedChat('a|b') } });
  assert.equal(text(events), '<ab>');
  assert.deepEqual(trace(events).slice(-4), ['message_end', 'node_finished l', 'node_finished m', 'workflow_finished']);
});
