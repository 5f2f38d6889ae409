import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMPONENTS } from './components/index.js';
import { loadCanvas, serialiseCanvas } from './dsl.js';
import { DslError } from './errors.js';
import { cpn, dsl, load } from './testing.js';

const refusal = (components: Parameters<typeof load>[0], extra?: Record<string, unknown>) => {
  try {
    load(components, extra);
  } catch (err) {
    assert.ok(err instanceof DslError, String(err));
    return err.message;
  }
  assert.fail('the DSL was accepted');
};

const begin = (downstream: string[]) => cpn('Begin', {}, downstream);

test('dsl: the suite DSL loads with defaults merged and unknown params kept (§1.2, §1.3)', () => {
  const canvas = load({ begin: begin(['message']), message: cpn('Message', { content: ['{sys.query}'], status: 201 }) });
  const message = canvas.nodes.get('message')!;
  assert.equal(message.type, 'Message');
  assert.equal(message.params.stream, true);
  assert.equal(message.params.status, 201);
  assert.equal(message.params.max_retries, 0);
  assert.deepEqual(Object.keys(serialiseCanvas(canvas).components), ['begin', 'message']);
});

test('dsl: a DSL that cannot run is refused, naming the component and the reason', () => {
  assert.equal(refusal({ begin: begin(['x']), x: cpn('Bing', {}) }), "x: Can't import Bing");
  assert.equal(refusal({ begin: begin(['Message:gone']) }), "begin: names a component that does not exist: 'Message:gone'");
  assert.equal(refusal({ begin: begin(['m']), m: cpn('Message', { content: ['{Agent:Gone@content}'] }) }), "m: refers to a component that does not exist: 'Agent:Gone@content'");
  assert.equal(refusal({ begin: begin(['s']), s: cpn('StringTransform', { method: 'merge', script: 'x' }, ['m']), m: cpn('Message', { content: ['{s@nothing}'] }) }), "m: refers to an output that s does not have: 's@nothing'");
  assert.equal(refusal({ begin: begin(['m']), m: cpn('Message', { content: [] }) }), 'm: content is required');
  assert.equal(refusal({ begin: begin(['l']), l: cpn('LLM', { temperature: 3 }) }), 'l: llm_id is required; temperature must be a number in [0, 1]');
  assert.equal(refusal({ begin: begin(['m']), m: cpn('Message', { content: ['{sys.nothing}'] }) }), "m: refers to an unknown variable: 'sys.nothing'");
  assert.equal(refusal({ begin: begin(['s']), s: cpn('Switch', { conditions: [], end_cpn_ids: ['nowhere'] }) }), "s: names a component that does not exist: 'nowhere'");
  assert.equal(refusal({ m: cpn('Message', { content: ['x'] }) }), "no component has the id 'begin'");
});

test('dsl: top-level keys path, history and retrieval are needed', () => {
  const components = { begin: begin([]) };
  for (const key of ['path', 'history', 'retrieval']) {
    const broken: Record<string, unknown> = dsl(components);
    delete broken[key];
    assert.throws(() => loadCanvas(broken, COMPONENTS), { message: `the DSL has no \`${key}\`` });
  }
});

test('dsl: a cycle is refused unless it goes through a Loop', () => {
  const cycle = {
    begin: begin(['a']),
    a: cpn('StringTransform', { method: 'merge', script: 'a' }, ['b']),
    b: cpn('StringTransform', { method: 'merge', script: 'b' }, ['a']),
  };
  assert.equal(refusal(cycle), 'a: is part of a cycle without a Loop: a -> b -> a');
  const withLoop = {
    begin: begin(['Loop:l']),
    'Loop:l': cpn('Loop', { maximum_loop_count: 2 }, ['a']),
    'LoopItem:i': cpn('LoopItem', {}, ['a'], 'Loop:l'),
    a: cpn('StringTransform', { method: 'merge', script: 'a' }, ['Loop:l']),
  };
  assert.doesNotThrow(() => load(withLoop));
});

test('dsl: env references need a declared variable; graph names come from graph.nodes', () => {
  assert.equal(refusal({ begin: begin(['m']), m: cpn('Message', { content: ['{env.region}'] }) }), "m: refers to an unknown variable: 'env.region'");
  const canvas = load({ begin: begin(['m']), m: cpn('Message', { content: ['{env.region}'] }) }, { variables: { region: { name: 'region', type: 'string', value: 'eu' } }, graph: { nodes: [{ id: 'm', data: { name: 'Reply' } }] } });
  assert.equal(canvas.nodes.get('m')!.name, 'Reply');
});

test('dsl: an Iteration or Loop needs its item node, and ExitLoop must sit inside a Loop', () => {
  assert.equal(refusal({ begin: begin(['it']), it: cpn('Iteration', { items_ref: 'sys.files' }) }), "it: needs exactly one IterationItem inside it (parent_id 'it'), found 0");
  assert.equal(refusal({ begin: begin(['i']), i: cpn('LoopItem', {}) }), 'i: must sit inside a Loop (parent_id)');
  assert.equal(refusal({ begin: begin(['x']), x: cpn('ExitLoop', {}) }), 'x: must sit inside a Loop (parent_id)');
  assert.equal(refusal({ begin: begin(['it']), it: cpn('Iteration', {}), item: cpn('IterationItem', {}, [], 'it') }), 'it: items_ref is required');
});
