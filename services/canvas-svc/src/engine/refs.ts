/**
 * Variable references (AGENTS.md §2): finding them in text, resolving a target against the canvas,
 * and the four different ways a value is rendered into text (§2.3).
 */
import { EngineError } from './errors.js';

const TARGET = '[A-Za-z0-9:]+@[A-Za-z0-9_.-]+|sys\\.[A-Za-z0-9_.]+|env\\.[A-Za-z0-9_.]+';
/** With the extra braces and spaces around it that the streamed path swallows (§2.1 lead/trail). */
const WIDE_REF = new RegExp(`\\{*[ ]*\\{(${TARGET})\\}[ ]*\\}*`, 'g');
const EXACT_REF = new RegExp(`\\{(${TARGET})\\}`, 'g');

/** The targets named in a text field, in order. */
export function refsInText(text: string): string[] {
  return [...text.matchAll(EXACT_REF)].map((m) => m[1] as string);
}

/** The component id a target names, or null for a global. */
export function componentOf(target: string): string | null {
  const at = target.indexOf('@');
  return at < 0 ? null : target.slice(0, at);
}

/** A reference field: the whole string is one target; braces and spaces are tolerated. */
export function stripRef(ref: string): string {
  return ref.trim().replace(/^[{ ]+/, '').replace(/[} ]+$/, '');
}

/** Literal text and references in order, the references with the spaces and braces they swallow. */
export function splitStreamed(text: string): { literal?: string; target?: string }[] {
  const parts: { literal?: string; target?: string }[] = [];
  let last = 0;
  for (const m of text.matchAll(WIDE_REF)) {
    if (m.index > last) parts.push({ literal: text.slice(last, m.index) });
    parts.push({ target: m[1] as string });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ literal: text.slice(last) });
  return parts;
}

/** Replaces each exact `{target}` (spaces kept) through an async renderer. */
export async function replaceExact(text: string, render: (target: string) => Promise<string>): Promise<string> {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(EXACT_REF)) {
    out += text.slice(last, m.index) + (await render(m[1] as string));
    last = m.index + m[0].length;
  }
  return out + text.slice(last);
}

export interface RefSource {
  globals: Record<string, unknown>;
  outputsOf(componentId: string): Record<string, unknown> | undefined;
}

/** Resolves one target (§2.2). Unknown globals and unknown components are errors. */
export function resolveRef(source: RefSource, ref: string): unknown {
  const target = stripRef(ref);
  const at = target.indexOf('@');
  if (at < 0) {
    if (!(target in source.globals)) throw new EngineError(`Can't find variable: '${target}'`);
    return source.globals[target];
  }
  const cpn = target.slice(0, at);
  const rest = target.slice(at + 1);
  if (rest.includes('@')) throw new EngineError(`Can't find variable: '${target}'`);
  const outputs = source.outputsOf(cpn);
  if (!outputs) throw new EngineError(`Can't find variable: '${target}'`);
  const [name, ...steps] = rest.split('.');
  if (!(name! in outputs)) return '';
  return walk(outputs[name!], steps);
}

function walk(value: unknown, steps: string[]): unknown {
  let current = value;
  for (const step of steps) {
    if (typeof current === 'string') {
      try {
        current = JSON.parse(current);
      } catch {
        return null;
      }
    }
    if (Array.isArray(current)) {
      const i = /^-?\d+$/.test(step) ? Number(step) : NaN;
      current = Number.isInteger(i) ? current.at(i) ?? null : null;
    } else if (current !== null && typeof current === 'object') {
      current = (current as Record<string, unknown>)[step] ?? null;
    } else {
      return null;
    }
  }
  return current;
}

/** Python's `json.dumps(v, ensure_ascii=False)`: `", "` and `": "` separators. */
export function pyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`).join(', ')}}`;
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

/** Python's `str(v)` for the values JSON can hold (the Retrieval query rule). */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === 'string' ? `'${v}'` : pyStr(v))).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `'${k}': ${typeof v === 'string' ? `'${v}'` : pyStr(v)}`).join(', ')}}`;
  }
  return String(value);
}

const isFalsy = (v: unknown) => v === null || v === undefined || v === '' || v === 0 || v === false || (Array.isArray(v) && !v.length) || (typeof v === 'object' && v !== null && !Array.isArray(v) && !Object.keys(v).length);

/** The four rendering rules of §2.3. */
export const render = {
  /** Streamed Message text: null → "", strings as is, everything else JSON. */
  streamed: (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : pyJson(v)),
  /** Non-streamed / Jinja Message and StringTransform merge: every falsy value → "". */
  merged: (v: unknown, listDelimiter?: string): string => {
    if (isFalsy(v)) return '';
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && listDelimiter !== undefined) return v.map((x) => (typeof x === 'string' ? x : pyJson(x))).join(listDelimiter);
    return pyJson(v);
  },
  /** LLM prompts: null is the four letters `null`. */
  prompt: (v: unknown): string => (typeof v === 'string' ? v : pyJson(v ?? null)),
  /** Retrieval query text: null → "", otherwise the plain string form. */
  query: (v: unknown): string => (v === null || v === undefined ? '' : pyStr(v)),
};

/** A text switches to Jinja mode when it holds `{{`, `}}` or `{%` (§6.1). */
export const isJinja = (text: string): boolean => /\{\{|\}\}|\{%/.test(text);
