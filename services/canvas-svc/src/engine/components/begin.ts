/** Begin: the entry node; turns the request's `inputs` into outputs (AGENTS.md §6.1). */
import { NodeError } from '../errors.js';
import { obj, str, type ComponentSpec } from '../component.js';

const MODES = ['conversational', 'task', 'Webhook'];

export const Begin: ComponentSpec = {
  type: 'Begin',
  defaults: () => ({ mode: 'conversational', prologue: "Hi! I'm your smart assistant. What can I do for you?", inputs: {}, enable_tips: true, tips: '' }),
  check(params) {
    const reasons: string[] = [];
    if (!MODES.includes(str(params.mode))) reasons.push(`mode must be one of ${MODES.join(', ')}`);
    if (params.inputs !== null && typeof params.inputs !== 'object') reasons.push('inputs must be an object');
    return reasons;
  },
  outputNames: () => null,
  async run(ctx) {
    for (const [key, entry] of Object.entries(ctx.requestInputs)) {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new NodeError(`Input '${key}' must be an object with a 'value'.`);
      const value = obj(entry).value ?? null;
      ctx.node.outputs[key] = value;
      ctx.node.inputs[key] = value;
    }
  },
};
