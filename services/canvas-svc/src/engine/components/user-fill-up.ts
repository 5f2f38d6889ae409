/**
 * UserFillUp: pauses the run and asks the user (AGENTS.md §3.7). The engine pauses when one is
 * appended; this body runs on the resume and turns the request's inputs into outputs.
 */
import { obj, type ComponentSpec } from '../component.js';

export const UserFillUp: ComponentSpec = {
  type: 'UserFillUp',
  defaults: () => ({ enable_tips: true, tips: 'Please fill up the form', inputs: {} }),
  check(params) {
    return params.inputs !== null && typeof params.inputs === 'object' && !Array.isArray(params.inputs) ? [] : ['inputs must be an object'];
  },
  textFields: (params) => (typeof params.tips === 'string' ? [params.tips] : []),
  outputNames: () => null,
  async run(ctx) {
    for (const [key, entry] of Object.entries(ctx.requestInputs)) {
      const value = entry !== null && typeof entry === 'object' && 'value' in entry ? obj(entry).value : entry;
      ctx.node.outputs[key] = value;
      ctx.node.inputs[key] = value;
    }
  },
};
