import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpn, load, runAll, scriptedChat, testClock, text, trace } from './testing.js';

const suite = () => load({ begin: cpn('Begin', {}, ['message']), message: cpn('Message', { content: ['{sys.query}'] }) });

test('run: the suite DSL emits the §4 sequence with one message_id and created_at on every event', async () => {
  const events = await runAll(suite(), { query: 'hello' });
  assert.deepEqual(trace(events), ['workflow_started', 'node_started begin', 'node_finished begin', 'node_started message', 'message', 'message', 'message_end', 'node_finished message', 'workflow_finished']);
  assert.equal(new Set(events.map((e) => e.message_id)).size, 1);
  assert.match(events[0]!.message_id, /^[0-9a-f]{32}$/);
  assert.equal(new Set(events.map((e) => e.created_at)).size, 1);
  assert.ok(events.every((e) => e.task_id === 'agent1'));
  assert.equal(text(events), 'hello');
  const finished = events.find((e) => e.event === 'node_finished' && e.data.component_id === 'message')!;
  assert.deepEqual(finished.event === 'node_finished' && finished.data.inputs, { 'sys.query': 'hello' });
  const last = events.at(-1)!;
  assert.equal(last.event === 'workflow_finished' && (last.data.outputs as Record<string, unknown>).content, 'hello');
});

test('run: the streamed message chunking — a trailing empty chunk with audio_binary null (§4)', async () => {
  const canvas = load({ begin: cpn('Begin', {}, ['m']), m: cpn('Message', { content: ['Hi {sys.query}, that is a long tail'] }) });
  const messages = (await runAll(canvas, { query: 'Bob' })).filter((e) => e.event === 'message').map((e) => e.data);
  assert.deepEqual(messages, [{ content: 'Hi' }, { content: 'Bob' }, { content: ', that is a long tail', audio_binary: null }]);
  const short = load({ begin: cpn('Begin', {}, ['m']), m: cpn('Message', { content: ['{sys.query}'] }) });
  const tail = (await runAll(short, { query: 'hello' })).filter((e) => e.event === 'message').map((e) => e.data);
  assert.deepEqual(tail, [{ content: 'hello' }, { content: '', audio_binary: null }]);
});

test('run: falsy values — streamed text shows 0 and false, non-streamed text shows nothing (§11 pitfall)', async () => {
  const build = (stream: boolean) =>
    load({
      begin: cpn('Begin', {}, ['m']),
      m: cpn('Message', { content: ['n={begin@n} b={begin@b}'], stream }),
    });
  const inputs = { n: { value: 0 }, b: { value: false } };
  assert.equal(text(await runAll(build(true), { inputs })), 'n=0b=false');
  assert.equal(text(await runAll(build(false), { inputs })), 'n= b=');
});

test('run: turns — empty question keeps the previous query, turns count up, the path accumulates', async () => {
  const canvas = suite();
  await runAll(canvas, { query: 'first' });
  const second = await runAll(canvas, { query: '' });
  assert.equal(text(second), 'first');
  assert.equal(canvas.globals['sys.conversation_turns'], 2);
  assert.deepEqual(canvas.path, ['begin', 'message', 'begin', 'message']);
  assert.deepEqual(canvas.history.map(([role]) => role), ['user', 'assistant', 'user', 'assistant']);
  assert.equal(canvas.retrieval.length, 4);
});

test('run: Begin input values must be {value} objects, else Begin fails and the run ends with an error event', async () => {
  const events = await runAll(suite(), { query: 'q', inputs: { name: 'Bob' } });
  assert.deepEqual(trace(events), ['workflow_started', 'node_started begin', 'node_finished begin', 'error']);
  const last = events.at(-1)!;
  assert.deepEqual(last.data, { error: "Input 'name' must be an object with a 'value'.", component_id: 'begin', bound: null });
});

const branching = () =>
  load({
    begin: cpn('Begin', { inputs: { lang: { name: 'lang', type: 'options', options: ['en', 'fr'] } } }, ['Switch:pick']),
    'Switch:pick': cpn('Switch', { conditions: [{ logical_operator: 'and', items: [{ cpn_id: 'begin@lang', operator: '=', value: 'fr' }], to: ['StringTransform:fr'] }], end_cpn_ids: ['StringTransform:en'] }, ['StringTransform:fr', 'StringTransform:en']),
    'StringTransform:fr': cpn('StringTransform', { method: 'merge', script: 'Bonjour {sys.query}' }, ['VariableAggregator:join']),
    'StringTransform:en': cpn('StringTransform', { method: 'merge', script: 'Hello {sys.query}' }, ['VariableAggregator:join']),
    'VariableAggregator:join': cpn('VariableAggregator', { groups: [{ group_name: 'greeting', variables: [{ value: 'StringTransform:fr@result' }, { value: 'StringTransform:en@result' }] }] }, ['Message:out']),
    'Message:out': cpn('Message', { content: ['{VariableAggregator:join@greeting}'] }),
  });

test('run: Switch picks one branch and the aggregator joins them (§1.5)', async () => {
  const fr = await runAll(branching(), { query: 'Ana', inputs: { lang: { value: 'fr' } } });
  assert.equal(text(fr), 'Bonjour Ana');
  assert.ok(!trace(fr).includes('node_started StringTransform:en'));
  const en = await runAll(branching(), { query: 'Ana', inputs: { lang: { value: 'en' } } });
  assert.equal(text(en), 'Hello Ana');
});

test('run: parallel fan-in waits for every branch; a join on alternatives still answers at the end (§11 #6)', async () => {
  const parallel = load({
    begin: cpn('Begin', {}, ['a', 'b']),
    a: cpn('StringTransform', { method: 'merge', script: 'A' }, ['a2']),
    a2: cpn('StringTransform', { method: 'merge', script: '{a@result}2' }, ['m']),
    b: cpn('StringTransform', { method: 'merge', script: 'B' }, ['m']),
    m: cpn('Message', { content: ['{a2@result}+{b@result}'], stream: false }),
  });
  const events = await runAll(parallel, { query: 'q' });
  assert.equal(text(events), 'A2+B');
  assert.equal(trace(events).filter((t) => t === 'node_finished m').length, 1);
  const alternatives = load({
    begin: cpn('Begin', {}, ['s']),
    s: cpn('Switch', { conditions: [{ items: [{ cpn_id: 'sys.query', operator: 'contains', value: 'fr' }], to: ['fr'] }], end_cpn_ids: ['en'] }, []),
    fr: cpn('StringTransform', { method: 'merge', script: 'Bonjour' }, ['m']),
    en: cpn('StringTransform', { method: 'merge', script: 'Hello' }, ['m']),
    m: cpn('Message', { content: ['{fr@result}{en@result}'], stream: false }),
  });
  const alt = await runAll(alternatives, { query: 'in english' });
  assert.equal(text(alt), 'Hello');
  assert.equal(alt.at(-1)!.event, 'workflow_finished');
});

test('run: a Message joining alternative LLM answers (customer_support pattern) streams the one that ran (§11 #6)', async () => {
  const canvas = load({
    begin: cpn('Begin', {}, ['Categorize:c']),
    'Categorize:c': cpn('Categorize', { llm_id: 'm', category_description: { sales: { to: ['Agent:sales'] }, help: { to: ['Agent:help'] } } }),
    'Agent:sales': cpn('Agent', { llm_id: 'm' }, ['Message:m']),
    'Agent:help': cpn('Agent', { llm_id: 'm' }, ['Message:m']),
    'Message:m': cpn('Message', { content: ['{Agent:sales@content}{Agent:help@content}'] }),
  });
  const chat = scriptedChat('help', 'happy to| help');
  const events = await runAll(canvas, { query: 'broken' }, { ports: { clock: testClock(), chat } });
  assert.equal(text(events), 'happy to help');
  const t = trace(events);
  assert.deepEqual(t.slice(t.indexOf('message_end')), ['message_end', 'node_finished Agent:help', 'node_finished Message:m', 'workflow_finished']);
  const last = events.at(-1)!;
  assert.equal(last.event === 'workflow_finished' && (last.data.outputs as Record<string, unknown>).content, 'happy to help');
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(events)));
});

test('run: sys.user_id and sys.files come from the request when given and stay otherwise', async () => {
  const canvas = load({ begin: cpn('Begin', {}, ['m']), m: cpn('Message', { content: ['{sys.user_id}:{sys.files}'], stream: false }) });
  assert.equal(text(await runAll(canvas, { query: 'q', userId: 'u7', files: ['text of a.txt'] })), 'u7:["text of a.txt"]');
  assert.equal(text(await runAll(canvas, { query: 'q' })), 'u7:["text of a.txt"]');
});
