/** Categorize: route by one LLM classification (AGENTS.md §3.5). */
import { NodeError } from '../errors.js';
import { chatPort, collect, num, obj, str, strings, type ComponentSpec } from '../component.js';
import { render } from '../refs.js';
import { checkLlmParams, samplingOptions } from './llm.js';

const categoriesOf = (params: Record<string, unknown>) => Object.entries(obj(params.category_description)).map(([name, c]) => ({ name, ...(obj(c) as { description?: unknown; examples?: unknown; to?: unknown }) }));

function systemPrompt(params: Record<string, unknown>): string {
  const lines = ['You are a text classifier. Answer with exactly one of these category names and nothing else.', ''];
  for (const c of categoriesOf(params)) {
    lines.push(`Category: ${c.name}`);
    if (str(c.description)) lines.push(`Description: ${str(c.description)}`);
    for (const example of strings(c.examples)) lines.push(`Example: ${example}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The category whose name occurs most often in the answer; none → the last category (§3.5). */
export function pickCategory(answer: string, names: string[]): string {
  const text = answer.toLowerCase();
  let best = names[names.length - 1]!;
  let bestCount = 0;
  for (const name of names) {
    const count = name ? text.split(name.toLowerCase()).length - 1 : 0;
    if (count > bestCount) {
      best = name;
      bestCount = count;
    }
  }
  return best;
}

export const Categorize: ComponentSpec = {
  type: 'Categorize',
  defaults: () => ({ llm_id: '', category_description: {}, query: 'sys.query', message_history_window_size: 1 }),
  timeoutMs: 600_000,
  retries: true,
  check(params) {
    const reasons = checkLlmParams(params);
    const categories = categoriesOf(params);
    if (!categories.length) reasons.push('category_description is required');
    for (const c of categories) if (!strings(c.to).length) reasons.push(`category '${c.name}' has no 'to'`);
    return reasons;
  },
  refFields: (params) => (str(params.query) ? [str(params.query)] : []),
  targets: (params) => categoriesOf(params).flatMap((c) => strings(c.to)),
  outputNames: () => ['category_name', '_next'],
  async run(ctx) {
    const { params } = ctx.node;
    const query = ctx.resolve(str(params.query, 'sys.query'));
    ctx.node.inputs[str(params.query, 'sys.query')] = query;
    const messages = ctx.history(num(params.message_history_window_size, 1) - 1);
    messages.push({ role: 'user', content: render.prompt(query) });
    const answer = await collect(chatPort(ctx).chat({ llmId: str(params.llm_id), system: systemPrompt(params), messages, options: samplingOptions(params), signal: ctx.signal }));
    if (answer.includes('**ERROR**')) throw new NodeError(answer);
    const categories = categoriesOf(params);
    const name = pickCategory(answer, categories.map((c) => c.name));
    ctx.node.outputs.category_name = name;
    ctx.node.outputs._next = strings(categories.find((c) => c.name === name)?.to);
  },
};
