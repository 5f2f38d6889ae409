/**
 * ListOperations: list utilities (AGENTS.md §6.1). `head`/`tail` return a one-element list with the
 * n-th item (1-based) from the start/end, not the first n items — upstream's behaviour (§11 pitfall).
 */
import { NodeError } from '../errors.js';
import { num, obj, str, type ComponentSpec } from '../component.js';

const OPERATIONS = ['topN', 'head', 'tail', 'filter', 'sort', 'drop_duplicates'];
const FILTERS = ['=', '≠', 'contains', 'start with', 'end with'];

function keep(operator: string, item: unknown, value: string): boolean {
  const text = typeof item === 'string' ? item : JSON.stringify(item);
  switch (operator) {
    case '=': return text === value;
    case '≠': return text !== value;
    case 'contains': return text.includes(value);
    case 'start with': return text.startsWith(value);
    default: return text.endsWith(value);
  }
}

function order(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export const ListOperations: ComponentSpec = {
  type: 'ListOperations',
  defaults: () => ({ query: '', operations: 'topN', n: 0, sort_method: 'asc', filter: {} }),
  timeoutMs: 600_000,
  check(params) {
    const reasons: string[] = [];
    if (!str(params.query)) reasons.push('query is required');
    if (!OPERATIONS.includes(str(params.operations))) reasons.push(`operations must be one of ${OPERATIONS.join(', ')}`);
    if (!['asc', 'desc'].includes(str(params.sort_method))) reasons.push("sort_method must be 'asc' or 'desc'");
    if (params.operations === 'filter' && !FILTERS.includes(str(obj(params.filter).operator))) reasons.push(`filter.operator must be one of ${FILTERS.join(', ')}`);
    return reasons;
  },
  refFields: (params) => [str(params.query)],
  outputNames: () => ['result', 'first', 'last'],
  async run(ctx) {
    const { params } = ctx.node;
    const items = ctx.resolve(str(params.query));
    ctx.node.inputs[str(params.query)] = items;
    if (!Array.isArray(items)) throw new NodeError(`${str(params.query)} is not a list.`);
    const n = Math.floor(num(params.n));
    let result: unknown[];
    switch (params.operations) {
      case 'topN': result = items.slice(0, Math.max(0, n)); break;
      case 'head': result = n >= 1 && n <= items.length ? [items[n - 1]] : []; break;
      case 'tail': result = n >= 1 && n <= items.length ? [items[items.length - n]] : []; break;
      case 'filter': {
        const filter = obj(params.filter);
        result = items.filter((item) => keep(str(filter.operator), item, String(filter.value ?? '')));
        break;
      }
      case 'sort': result = [...items].sort((a, b) => (params.sort_method === 'desc' ? order(b, a) : order(a, b))); break;
      default: {
        const seen = new Set<string>();
        result = items.filter((item) => !seen.has(JSON.stringify(item)) && Boolean(seen.add(JSON.stringify(item))));
      }
    }
    ctx.node.outputs.result = result;
    ctx.node.outputs.first = result[0] ?? null;
    ctx.node.outputs.last = result[result.length - 1] ?? null;
  },
};
