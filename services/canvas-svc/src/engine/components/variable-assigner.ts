/**
 * VariableAssigner: writes globals (`env.*`, `sys.*`) or component outputs (AGENTS.md §6.1). Type
 * errors are stored as values (`ERROR:VARIABLE_NOT_LIST`, …), as upstream does, not raised.
 */
import { NodeError } from '../errors.js';
import { list, obj, str, type ComponentSpec, type RunContext } from '../component.js';
import { componentOf, render, splitStreamed, stripRef } from '../refs.js';

const OPERATORS = ['overwrite', 'clear', 'set', 'append', 'extend', 'remove_first', 'remove_last', '+=', '-=', '*=', '/='];
const REF_PARAMETER = new Set(['overwrite', 'append', 'extend']);
const assignmentsOf = (params: Record<string, unknown>) => list(params.variables).map(obj);

function write(ctx: RunContext, ref: string, value: unknown): void {
  const target = stripRef(ref);
  const cpn = componentOf(target);
  if (cpn === null) {
    ctx.globals[target] = value;
    return;
  }
  const node = ctx.node$(cpn);
  if (!node) throw new NodeError(`Can't find variable: '${target}'`);
  node.outputs[target.slice(cpn.length + 1)] = value;
}

function zeroOf(value: unknown): unknown {
  if (Array.isArray(value)) return [];
  if (typeof value === 'number') return 0;
  if (typeof value === 'boolean') return false;
  if (value !== null && typeof value === 'object') return {};
  return '';
}

function setText(ctx: RunContext, parameter: unknown): unknown {
  if (typeof parameter !== 'string') return parameter;
  return splitStreamed(parameter)
    .map((p) => (p.literal !== undefined ? p.literal : render.streamed(ctx.resolve(p.target!))))
    .join('');
}

function apply(ctx: RunContext, operator: string, current: unknown, parameter: unknown): unknown {
  const operand = REF_PARAMETER.has(operator) ? ctx.resolve(str(parameter)) : parameter;
  switch (operator) {
    case 'overwrite': return operand;
    case 'clear': return zeroOf(current);
    case 'set': return setText(ctx, parameter);
    case 'append': return Array.isArray(current) ? [...current, operand] : 'ERROR:VARIABLE_NOT_LIST';
    case 'extend':
      if (!Array.isArray(current)) return 'ERROR:VARIABLE_NOT_LIST';
      return Array.isArray(operand) ? [...current, ...operand] : 'ERROR:PARAMETER_NOT_LIST';
    case 'remove_first': return Array.isArray(current) ? current.slice(1) : 'ERROR:VARIABLE_NOT_LIST';
    case 'remove_last': return Array.isArray(current) ? current.slice(0, -1) : 'ERROR:VARIABLE_NOT_LIST';
    default: {
      const a = typeof current === 'number' ? current : NaN;
      const b = typeof operand === 'number' ? operand : Number(operand);
      if (Number.isNaN(a) || Number.isNaN(b)) return 'ERROR:VARIABLE_NOT_NUMBER';
      if (operator === '+=') return a + b;
      if (operator === '-=') return a - b;
      if (operator === '*=') return a * b;
      return b === 0 ? 'ERROR:DIVIDE_BY_ZERO' : a / b;
    }
  }
}

export const VariableAssigner: ComponentSpec = {
  type: 'VariableAssigner',
  defaults: () => ({ variables: [] }),
  timeoutMs: 600_000,
  check(params) {
    return assignmentsOf(params).flatMap((a, i) => {
      const reasons: string[] = [];
      if (!str(a.variable)) reasons.push(`assignment ${i + 1} has no variable`);
      if (!OPERATORS.includes(str(a.operator))) reasons.push(`assignment ${i + 1}: unknown operator '${str(a.operator)}'`);
      if (REF_PARAMETER.has(str(a.operator)) && !str(a.parameter)) reasons.push(`assignment ${i + 1}: '${str(a.operator)}' needs a reference as parameter`);
      return reasons;
    });
  },
  refFields: (params) => assignmentsOf(params).flatMap((a) => [str(a.variable), ...(REF_PARAMETER.has(str(a.operator)) ? [str(a.parameter)] : [])]).filter(Boolean),
  outputNames: () => [],
  async run(ctx) {
    for (const a of assignmentsOf(ctx.node.params)) {
      const ref = str(a.variable);
      const current = ctx.resolve(ref);
      const value = apply(ctx, str(a.operator), current, a.parameter);
      write(ctx, ref, value);
      ctx.node.inputs[ref] = value;
    }
  },
};
