/** StringTransform: split a string by delimiters, or merge a template (AGENTS.md §6.1). */
import { NodeError } from '../errors.js';
import { str, strings, type ComponentSpec } from '../component.js';
import { render } from '../refs.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const StringTransform: ComponentSpec = {
  type: 'StringTransform',
  defaults: () => ({ method: 'split', split_ref: '', script: '', delimiters: [','] }),
  timeoutMs: 600_000,
  check(params) {
    const reasons: string[] = [];
    if (!['split', 'merge'].includes(str(params.method))) reasons.push("method must be 'split' or 'merge'");
    if (!strings(params.delimiters).length) reasons.push('delimiters must not be empty');
    if (params.method === 'split' && !str(params.split_ref)) reasons.push('split_ref is required for split');
    if (params.method === 'merge' && !str(params.script)) reasons.push('script is required for merge');
    return reasons;
  },
  textFields: (params) => (params.method === 'merge' ? [str(params.script)] : []),
  refFields: (params) => (params.method === 'split' && str(params.split_ref) ? [str(params.split_ref)] : []),
  outputNames: () => ['result'],
  async run(ctx) {
    const { params } = ctx.node;
    const delimiters = strings(params.delimiters);
    if (params.method === 'merge') {
      ctx.node.outputs.result = await ctx.renderText(str(params.script), (v) => render.merged(v, delimiters[0]));
      return;
    }
    const ref = str(params.split_ref);
    const value = ctx.resolve(ref);
    ctx.node.inputs[ref] = value;
    if (typeof value !== 'string') throw new NodeError(`split_ref ${ref} is not a string.`);
    ctx.node.outputs.result = value.split(new RegExp(delimiters.map(escape).join('|'))).filter((piece) => piece !== '');
  },
};
