/**
 * LLM: one chat completion (AGENTS.md §6.1, §3.9). When a Message follows and nothing needs the whole
 * answer first, the model is not called here: `content` becomes a deferred stream the Message pulls.
 */
import { NodeError } from '../errors.js';
import { chatPort, collect, DeferredStream, list, num, obj, str, type ComponentSpec, type RunContext } from '../component.js';
import { render } from '../refs.js';
import type { ChatMessage, Params } from '../types.js';

const SAMPLING: [string, string, string][] = [
  ['temperature', 'temperatureEnabled', 'temperature'],
  ['top_p', 'topPEnabled', 'top_p'],
  ['presence_penalty', 'presencePenaltyEnabled', 'presence_penalty'],
  ['frequency_penalty', 'frequencyPenaltyEnabled', 'frequency_penalty'],
  ['max_tokens', 'maxTokensEnabled', 'max_tokens'],
];

const promptsOf = (params: Params): { role: string; content: string }[] =>
  typeof params.prompts === 'string' ? [{ role: 'user', content: params.prompts }] : list(params.prompts).map(obj).map((p) => ({ role: str(p.role, 'user'), content: str(p.content) }));

/** The parameter checks LLM-type nodes share (LLM, Categorize). */
export function checkLlmParams(params: Params): string[] {
  const reasons: string[] = [];
  if (!str(params.llm_id)) reasons.push('llm_id is required');
  for (const key of ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty']) {
    const v = params[key];
    if (v !== undefined && v !== null && (typeof v !== 'number' || v < 0 || v > 1)) reasons.push(`${key} must be a number in [0, 1]`);
  }
  if (params.max_tokens !== undefined && params.max_tokens !== null && (typeof params.max_tokens !== 'number' || params.max_tokens < 0)) reasons.push('max_tokens must be a non-negative number');
  return reasons;
}

export function samplingOptions(params: Params): Record<string, number> {
  const options: Record<string, number> = {};
  for (const [key, flag, name] of SAMPLING) if (num(params[key]) > 0 && params[flag]) options[name] = num(params[key]);
  return options;
}

async function buildRequest(ctx: RunContext) {
  const { params } = ctx.node;
  let system = await ctx.renderText(str(params.sys_prompt), render.prompt);
  if (params.cite !== false && ctx.hasReferences()) system += '\n\nWhen you use the provided content, cite it as [ID:n] after the sentence it supports.';
  const messages: ChatMessage[] = ctx.history(num(params.message_history_window_size, 13)).map((m) => ({ ...m }));
  for (const prompt of promptsOf(params)) {
    messages.push({ role: prompt.role === 'assistant' ? 'assistant' : 'user', content: await ctx.renderText(prompt.content, render.prompt) });
  }
  return { llmId: str(params.llm_id), system, messages, options: samplingOptions(params), signal: ctx.signal };
}

export const LLM: ComponentSpec = {
  type: 'LLM',
  defaults: () => ({ llm_id: '', sys_prompt: '', prompts: [{ role: 'user', content: '{sys.query}' }], temperature: 0, top_p: 0, presence_penalty: 0, frequency_penalty: 0, max_tokens: 0, cite: true, visual_files_var: null, message_history_window_size: 13 }),
  timeoutMs: 600_000,
  retries: true,
  check(params) {
    const reasons = checkLlmParams(params);
    if (!promptsOf(params).length) reasons.push('prompts is required');
    return reasons;
  },
  textFields: (params) => [str(params.sys_prompt), ...promptsOf(params).map((p) => p.content)],
  outputNames: () => ['content', 'structured'],
  async run(ctx) {
    const request = await buildRequest(ctx);
    const model = chatPort(ctx);
    const followedByMessage = ctx.node.downstream.some((id) => ctx.node$(id)?.type === 'Message');
    const structured = 'structured' in obj(ctx.node.params.outputs);
    if (followedByMessage && !structured && ctx.node.params.exception_method !== 'goto') {
      ctx.node.outputs.content = new DeferredStream(ctx.node.id, () => model.chat(request));
      return;
    }
    const answer = await collect(model.chat(request));
    if (answer.includes('**ERROR**')) {
      const fallback = ctx.node.params.exception_default_value;
      if (ctx.node.params.exception_method === 'comment' && fallback) {
        ctx.node.outputs.content = fallback;
        return;
      }
      throw new NodeError(answer);
    }
    ctx.node.outputs.content = answer;
    if (structured) {
      try {
        ctx.node.outputs.structured = JSON.parse(answer.replace(/^```(?:json)?\s*|\s*```$/g, ''));
      } catch {
        throw new NodeError('The model did not answer with valid JSON for the structured output.');
      }
    }
  },
};
