import { RagError, pythonRepr } from '@rag/contracts';

/**
 * Python semantics that RAGFlow's chat and session handlers expose to clients: their bodies are
 * untyped dicts, so a wrong type surfaces as the repr of the Python exception it raises (code 100,
 * CONTRACT §1.1). These helpers give the same answers without letting a bad value reach the table.
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

/** Python `str(value)`. */
export function pyStr(value: unknown): string {
  return pythonRepr(value);
}

/** Python truthiness. */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

export function isDict(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Python `repr()` of a string: single quotes unless the text holds a `'` and no `"`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}

/**
 * A code-100 error carrying the repr of a Python exception (`ValueError('…')`). Its `data: null`
 * makes the gateway answer it J-shaped, as RAGFlow answers every exception (§1.1).
 */
export function pyError(exception: string, ...args: Array<string | number>): RagError {
  const repr = args.map((a) => (typeof a === 'string' ? pyStrRepr(a) : String(a))).join(', ');
  return new RagError('EXCEPTION', { message: `${exception}(${repr})` }, null);
}

/** Iterating a value as Python's `for x in value` does: a string gives characters, a dict its keys. */
export function pyIter(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isDict(value)) return Object.keys(value);
  throw pyError('TypeError', `'${pyType(value)}' object is not iterable`);
}

/** `value[key]` for a string key. */
export function pySubscript(value: unknown, key: string): unknown {
  if (isDict(value)) {
    if (!(key in value)) throw pyError('KeyError', key);
    return value[key];
  }
  if (typeof value === 'string') throw pyError('TypeError', "string indices must be integers, not 'str'");
  if (Array.isArray(value)) throw pyError('TypeError', 'list indices must be integers or slices, not str');
  throw pyError('TypeError', `'${pyType(value)}' object is not subscriptable`);
}

/** A value RAGFlow calls a dict method on (`.get`, `.pop`, `.update`): anything else fails there. */
export function expectDict(value: unknown, method: 'get' | 'pop' | 'update'): Record<string, unknown> {
  if (isDict(value)) return value;
  if (method === 'update') throw pyError('TypeError', `'${pyType(value)}' object is not a mapping`);
  throw pyError('AttributeError', `'${pyType(value)}' object has no attribute '${method}'`);
}

/** A non-empty value RAGFlow tests keys of with `in` and then assigns into, as it does with `llm` and `prompt`. */
export function expectKeyed(value: unknown): Record<string, unknown> {
  if (isDict(value)) return value;
  if (typeof value === 'string' || Array.isArray(value)) throw pyError('TypeError', `'${pyType(value)}' object does not support item assignment`);
  throw pyError('TypeError', `argument of type '${pyType(value)}' is not iterable`);
}

/** Python `int()` of a query value: non-integers answer code 100 with the ValueError repr (§1.4). */
export function pyIntQuery(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\s*[-+]?\d+(_\d+)*\s*$/.test(value)) throw pyError('ValueError', `invalid literal for int() with base 10: ${pyStrRepr(value)}`);
  return Number(value.replace(/_/g, ''));
}

/** Python `int(value)` of a body value (a float is truncated, a bool is 0/1). */
export function pyInt(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw pyError('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(value)) throw pyError('OverflowError', 'cannot convert float infinity to integer');
    return Math.trunc(value);
  }
  if (typeof value === 'string') return pyIntQuery(value, 0);
  throw pyError('TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${pyType(value)}'`);
}

/** Python `float(value)` of a body value. */
export function pyFloat(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const s = value.trim().replace(/(\d)_(?=\d)/g, '$1');
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return Number(s);
    throw pyError('ValueError', `could not convert string to float: ${pyStrRepr(value)}`);
  }
  throw pyError('TypeError', `float() argument must be a string or a real number, not '${pyType(value)}'`);
}

/**
 * RAGFlow's `check_duplicate_ids`: the ids with repeats removed (first occurrence kept) and the
 * ids that repeat. Ids must be hashable: a list or dict among them is a TypeError, as in Python.
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
