/**
 * Loop, LoopItem and ExitLoop (AGENTS.md §3.6). The LoopItem decides before each body pass whether
 * the loop has ended: the pass count reached `maximum_loop_count` (0 → no pass) or the termination
 * conditions hold.
 */
import { NodeError } from '../errors.js';
import { list, num, obj, str, type ComponentSpec } from '../component.js';
import { loopHolds } from '../conditions.js';

const ZERO: Record<string, () => unknown> = { string: () => '', number: () => 0, boolean: () => false, object: () => ({}) };
const zeroOf = (type: string) => (type.startsWith('array') ? [] : (ZERO[type] ?? (() => ''))());
const variablesOf = (params: Record<string, unknown>) => list(params.loop_variables).map(obj);
const conditionsOf = (params: Record<string, unknown>) => list(params.loop_termination_condition).map(obj);

export const Loop: ComponentSpec = {
  type: 'Loop',
  defaults: () => ({ loop_variables: [], loop_termination_condition: [], maximum_loop_count: 0, logical_operator: 'and' }),
  check(params) {
    const reasons: string[] = [];
    if (num(params.maximum_loop_count, -1) < 0) reasons.push('maximum_loop_count must be a non-negative number');
    if (!['and', 'or'].includes(str(params.logical_operator, 'and'))) reasons.push("logical_operator must be 'and' or 'or'");
    variablesOf(params).forEach((v, i) => {
      if (!str(v.variable)) reasons.push(`loop variable ${i + 1} has no name`);
      if (v.input_mode === 'variable' && !str(v.value)) reasons.push(`loop variable ${str(v.variable)} needs a reference`);
    });
    return reasons;
  },
  refFields: (params) => [
    ...variablesOf(params).filter((v) => v.input_mode === 'variable').map((v) => str(v.value)),
    ...conditionsOf(params).filter((c) => str(c.variable).includes('@') || str(c.variable).startsWith('sys.') || str(c.variable).startsWith('env.')).map((c) => str(c.variable)),
  ].filter(Boolean),
  outputNames: (params) => variablesOf(params).map((v) => str(v.variable)),
  async run(ctx) {
    for (const v of variablesOf(ctx.node.params)) {
      const mode = str(v.input_mode);
      ctx.node.outputs[str(v.variable)] = mode === 'constant' ? (v.value ?? null) : mode === 'variable' ? ctx.resolve(str(v.value)) : zeroOf(str(v.type));
    }
    ctx.node.state.generation = Number(ctx.node.state.generation ?? 0) + 1;
  },
};

export const LoopItem: ComponentSpec = {
  type: 'LoopItem',
  defaults: () => ({}),
  check: () => [],
  outputNames: () => [],
  async run(ctx) {
    const loop = ctx.node$(ctx.node.parentId ?? '');
    if (!loop || loop.type !== 'Loop') throw new NodeError('LoopItem must sit inside a Loop.');
    if (ctx.node.state.generation !== loop.state.generation) ctx.node.state = { generation: loop.state.generation, passes: 0 };
    const passes = Number(ctx.node.state.passes ?? 0);
    const conditions = conditionsOf(loop.params);
    const holds = (c: Record<string, unknown>) => {
      const value = ctx.resolve(str(c.variable));
      const right = c.input_mode === 'variable' ? ctx.resolve(str(c.value)) : c.value;
      return loopHolds(str(c.operator), value, right);
    };
    const ended = str(loop.params.logical_operator, 'and') === 'or' ? conditions.some(holds) : conditions.every(holds);
    ctx.node.state.done = passes >= num(loop.params.maximum_loop_count) || ended;
    if (!ctx.node.state.done) ctx.node.state.passes = passes + 1;
  },
};

export const ExitLoop: ComponentSpec = {
  type: 'ExitLoop',
  defaults: () => ({}),
  check: () => [],
  outputNames: () => [],
  async run() {
    // The engine sends the run to the enclosing Loop's downstream.
  },
};
