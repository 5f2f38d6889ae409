/**
 * Iteration and IterationItem (AGENTS.md §3.6): the item node runs once per element of the list,
 * and on each re-entry collates the inner outputs the Iteration declares with a `ref`.
 */
import { NodeError } from '../errors.js';
import { obj, str, type ComponentSpec } from '../component.js';

const collated = (params: Record<string, unknown>) =>
  Object.entries(obj(params.outputs))
    .map(([name, decl]) => ({ name, ref: str(obj(decl).ref) }))
    .filter((o) => o.ref);

export const Iteration: ComponentSpec = {
  type: 'Iteration',
  defaults: () => ({ items_ref: '', outputs: {} }),
  check: (params) => (str(params.items_ref) ? [] : ['items_ref is required']),
  refFields: (params) => [str(params.items_ref), ...collated(params).map((o) => o.ref)],
  outputNames: (params) => Object.keys(obj(params.outputs)),
  async run(ctx) {
    const ref = str(ctx.node.params.items_ref);
    const items = ctx.resolve(ref);
    ctx.node.inputs[ref] = items;
    if (!Array.isArray(items)) throw new NodeError(`items_ref ${ref} is not a list.`);
    ctx.node.state.items = items;
    for (const { name } of collated(ctx.node.params)) ctx.node.outputs[name] = null;
    // A new generation tells the IterationItem to start over (an Iteration can run again inside a loop).
    ctx.node.state.generation = Number(ctx.node.state.generation ?? 0) + 1;
  },
};

export const IterationItem: ComponentSpec = {
  type: 'IterationItem',
  defaults: () => ({}),
  check: () => [],
  outputNames: () => ['item', 'index'],
  async run(ctx) {
    const parent = ctx.node$(ctx.node.parentId ?? '');
    if (!parent || parent.type !== 'Iteration') throw new NodeError('IterationItem must sit inside an Iteration.');
    const items = Array.isArray(parent.state.items) ? parent.state.items : [];
    if (ctx.node.state.generation !== parent.state.generation) ctx.node.state = { generation: parent.state.generation };
    const index = typeof ctx.node.state.index === 'number' ? ctx.node.state.index : -1;
    if (index >= 0) {
      for (const { name, ref } of collated(parent.params)) {
        const value = ctx.resolve(ref);
        const soFar = Array.isArray(parent.outputs[name]) ? (parent.outputs[name] as unknown[]) : [];
        parent.outputs[name] = [...soFar, value];
      }
    }
    const next = index + 1;
    ctx.node.state.index = next;
    if (next >= items.length) {
      ctx.node.state.done = true;
      return;
    }
    ctx.node.state.done = false;
    ctx.node.outputs.item = items[next];
    ctx.node.outputs.index = next;
  },
};
