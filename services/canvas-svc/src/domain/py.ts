import { RagError } from '@rag/contracts';

/**
 * The Python semantics RAGFlow's agent handlers expose to clients: bodies are untyped dicts, so a
 * wrong type surfaces as the repr of the exception it raises (code 100, CONTRACT §1.1).
 */

/** Python's type name of a JSON value. */
export function pyType(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return 'dict';
}

export function isDict(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Python truthiness. */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Python `repr()` of a string: single quotes unless the text holds a `'` and no `"`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}

/** A code-100 error carrying a Python exception's repr; `data: null` makes the gateway answer it J-shaped. */
export function pyError(exception: string, message: string): RagError {
  return new RagError('EXCEPTION', { message: `${exception}(${pyStrRepr(message)})` }, null);
}

/** Python `int()` of a query value. */
export function pyIntQuery(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\s*[-+]?\d+(_\d+)*\s*$/.test(value)) throw pyError('ValueError', `invalid literal for int() with base 10: ${pyStrRepr(value)}`);
  return Number(value.replace(/_/g, ''));
}

/** Iterating a value as Python's `for x in value` does. */
export function pyIter(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isDict(value)) return Object.keys(value);
  throw pyError('TypeError', `'${pyType(value)}' object is not iterable`);
}

/** `value.strip()` of a body string; anything else has no such method. */
export function pyStrip(value: unknown): string {
  if (typeof value !== 'string') throw pyError('AttributeError', `'${pyType(value)}' object has no attribute 'strip'`);
  return value.replace(/^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/g, '');
}

/**
 * RAGFlow's `check_duplicate_ids`: the ids without repeats (first kept) and the repeated ones; a
 * list or dict among them is unhashable, as in Python.
 */
export function dedupeIds(ids: unknown[]): { unique: unknown[]; duplicates: unknown[] } {
  const first = new Map<string, unknown>();
  const counts = new Map<string, number>();
  for (const id of ids) {
    if (id !== null && typeof id === 'object') throw pyError('TypeError', `unhashable type: '${pyType(id)}'`);
    const key = `${typeof id}:${String(id)}`;
    if (!first.has(key)) first.set(key, id);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { unique: [...first.values()], duplicates: [...first.entries()].filter(([k]) => counts.get(k)! > 1).map(([, v]) => v) };
}
