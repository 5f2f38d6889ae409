/**
 * Agent without tools: the same single chat completion as LLM (AGENTS.md §6.1, §7 level 2). Tool use
 * (§6.3) is not implemented yet, so an Agent with tools or MCP servers is refused at load rather
 * than run as something it is not.
 */
import { list, type ComponentSpec } from '../component.js';
import { LLM } from './llm.js';

export const Agent: ComponentSpec = {
  ...LLM,
  type: 'Agent',
  defaults: () => ({ ...LLM.defaults(), tools: [], mcp: [], max_rounds: 5 }),
  timeoutMs: 1_200_000,
  check(params) {
    const reasons = LLM.check(params);
    if (list(params.tools).length || list(params.mcp).length) reasons.push('Agent tools and MCP servers are not supported yet');
    return reasons;
  },
  outputNames: () => ['content', 'structured', 'use_tools'],
};
