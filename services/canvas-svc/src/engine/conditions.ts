/** The comparison operators of Switch (§3.5) and of Loop termination conditions (§3.6). */
import { NodeError } from './errors.js';

const asNumber = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length) || (typeof v === 'object' && v !== null && !Object.keys(v).length);

function compare(left: unknown, right: unknown): number {
  const a = asNumber(left);
  const b = asNumber(right);
  if (a !== null && b !== null) return a - b;
  const sa = String(left);
  const sb = String(right);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Switch: text operators are case-insensitive and reject lists; the rest compare numerically when both sides are numbers. */
export function switchHolds(operator: string, left: unknown, right: unknown): boolean {
  const text = (fn: (a: string, b: string) => boolean) => {
    if (Array.isArray(left)) throw new NodeError(`The operator '${operator}' does not apply to a list.`);
    return fn(String(left ?? '').toLowerCase(), String(right ?? '').toLowerCase());
  };
  switch (operator) {
    case 'contains': return text((a, b) => a.includes(b));
    case 'not contains': return text((a, b) => !a.includes(b));
    case 'start with': return text((a, b) => a.startsWith(b));
    case 'end with': return text((a, b) => a.endsWith(b));
    case 'empty': return isEmpty(left);
    case 'not empty': return !isEmpty(left);
    case '=': return compare(left, right) === 0;
    case '≠': return compare(left, right) !== 0;
    case '>': return compare(left, right) > 0;
    case '<': return compare(left, right) < 0;
    case '≥': return compare(left, right) >= 0;
    case '≤': return compare(left, right) <= 0;
    default: throw new NodeError(`Unknown operator '${operator}'.`);
  }
}

/** Loop termination: the operators depend on the value's type; null only satisfies `empty`. */
export function loopHolds(operator: string, left: unknown, right: unknown): boolean {
  if (left === null || left === undefined) return operator === 'empty';
  if (operator === 'empty') return isEmpty(left);
  if (operator === 'not empty') return !isEmpty(left);
  if (typeof left === 'string') {
    const r = String(right ?? '');
    switch (operator) {
      case 'contains': return left.includes(r);
      case 'not contains': return !left.includes(r);
      case 'start with': return left.startsWith(r);
      case 'end with': return left.endsWith(r);
      case 'is': return left === r;
      case 'is not': return left !== r;
    }
  } else if (typeof left === 'number' || typeof left === 'boolean') {
    const a = Number(left);
    const b = asNumber(right);
    if (b === null) return false;
    switch (operator) {
      case '=': return a === b;
      case '≠': return a !== b;
      case '>': return a > b;
      case '<': return a < b;
      case '≥': return a >= b;
      case '≤': return a <= b;
    }
  } else if (Array.isArray(left)) {
    switch (operator) {
      case 'contains': return left.some((x) => x === right);
      case 'not contains': return !left.some((x) => x === right);
      case 'is': return JSON.stringify(left) === JSON.stringify(right);
      case 'is not': return JSON.stringify(left) !== JSON.stringify(right);
    }
  }
  return false;
}
