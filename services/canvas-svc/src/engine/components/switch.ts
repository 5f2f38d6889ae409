/** Switch: routes by conditions (AGENTS.md §3.5). */
import { list, obj, str, strings, type ComponentSpec } from '../component.js';
import { switchHolds } from '../conditions.js';

const conditionsOf = (params: Record<string, unknown>) => list(params.conditions).map(obj);

export const Switch: ComponentSpec = {
  type: 'Switch',
  defaults: () => ({ conditions: [], end_cpn_ids: [] }),
  timeoutMs: 3000,
  check(params) {
    const reasons: string[] = [];
    if (!Array.isArray(params.conditions)) reasons.push('conditions must be a list');
    if (!Array.isArray(params.end_cpn_ids) || !params.end_cpn_ids.length) reasons.push('end_cpn_ids is required');
    conditionsOf(params).forEach((c, i) => {
      if (!strings(c.to).length) reasons.push(`condition ${i + 1} has no 'to'`);
      if (c.logical_operator !== undefined && !['and', 'or'].includes(str(c.logical_operator))) reasons.push(`condition ${i + 1}: logical_operator must be 'and' or 'or'`);
      for (const item of list(c.items).map(obj)) if (!str(item.cpn_id)) reasons.push(`condition ${i + 1} has an item without cpn_id`);
    });
    return reasons;
  },
  refFields: (params) => conditionsOf(params).flatMap((c) => list(c.items).map((i) => str(obj(i).cpn_id))).filter(Boolean),
  targets: (params) => [...conditionsOf(params).flatMap((c) => strings(c.to)), ...strings(params.end_cpn_ids)],
  outputNames: () => ['_next', 'next'],
  async run(ctx) {
    const { params } = ctx.node;
    let next = strings(params.end_cpn_ids);
    for (const condition of conditionsOf(params)) {
      const items = list(condition.items).map(obj);
      const holds = (item: Record<string, unknown>) => {
        const value = ctx.resolve(str(item.cpn_id));
        ctx.node.inputs[str(item.cpn_id)] = value;
        return switchHolds(str(item.operator), value, typeof value === 'number' ? Number(item.value) : item.value);
      };
      const ok = condition.logical_operator === 'or' ? items.some(holds) : items.every(holds);
      if (ok) {
        next = strings(condition.to);
        break;
      }
    }
    ctx.node.outputs._next = next;
    ctx.node.outputs.next = next.map((id) => ctx.node$(id)?.name ?? '');
  },
};
