/** VariableAggregator: per group, the first non-empty of several references (AGENTS.md §6.1). */
import { list, obj, str, type ComponentSpec } from '../component.js';

const groupsOf = (params: Record<string, unknown>) => list(params.groups).map(obj);
const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length);

export const VariableAggregator: ComponentSpec = {
  type: 'VariableAggregator',
  defaults: () => ({ groups: [] }),
  timeoutMs: 3000,
  check(params) {
    const groups = groupsOf(params);
    if (!groups.length) return ['groups is required'];
    return groups.flatMap((g, i) => (str(g.group_name) ? [] : [`group ${i + 1} has no group_name`]));
  },
  refFields: (params) => groupsOf(params).flatMap((g) => list(g.variables).map((v) => str(obj(v).value))).filter(Boolean),
  outputNames: (params) => groupsOf(params).map((g) => str(g.group_name)),
  async run(ctx) {
    for (const group of groupsOf(ctx.node.params)) {
      let chosen: unknown = null;
      for (const variable of list(group.variables).map(obj)) {
        const ref = str(variable.value);
        if (!ref) continue;
        const value = ctx.resolve(ref);
        ctx.node.inputs[ref] = value;
        if (!isEmpty(value)) {
          chosen = value;
          break;
        }
      }
      ctx.node.outputs[str(group.group_name)] = chosen;
    }
  },
};
