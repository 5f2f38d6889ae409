import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema, Static } from '@sinclair/typebox';

// ajv-formats is CommonJS; under ESM its callable arrives as the `default` of the default export.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

/**
 * Custom checks referenced from schemas with `x-check: <name>`. Each returns an error message in
 * pydantic's words, or null when the value passes. They run only on values of the right type.
 */
export const customChecks: Record<string, (value: unknown) => string | null> = {
  uuid1: (v) => (typeof v === 'string' && normalizeUuid1(v) !== null ? null : 'Invalid UUID1 format'),
  avatar: (v) => {
    if (typeof v !== 'string') return null;
    const comma = v.indexOf(',');
    if (comma < 0) return 'Missing MIME prefix. Expected format: data:<mime>;base64,<data>';
    const prefix = v.slice(0, comma);
    if (!prefix.startsWith('data:')) return "Invalid MIME prefix format. Must start with 'data:'";
    const mime = prefix.slice(5).split(';')[0];
    if (mime !== 'image/jpeg' && mime !== 'image/png') return "Unsupported MIME type. Allowed: ['image/jpeg', 'image/png']";
    return null;
  },
  embeddingModel: (v) => {
    if (typeof v !== 'string') return null;
    const at = v.lastIndexOf('@');
    if (at < 0) return 'Embedding model identifier must follow <model_name>@<provider> format';
    const model = v.slice(0, at);
    const provider = v.slice(at + 1);
    if (!model || !provider) return 'Both model_name and provider must be non-empty strings';
    if (!model.trim() || !provider.trim()) return 'Model name and provider cannot be whitespace-only strings';
    return null;
  },
  pipelineId: (v) => {
    if (typeof v !== 'string' || v === '') return null;
    if (v.length !== 32) return 'pipeline_id must be 32 hex characters';
    if (!/^[0-9a-fA-F]{32}$/.test(v)) return 'pipeline_id must be hexadecimal';
    return null;
  },
  parserConfigSize: (v) => {
    if (v === null || typeof v !== 'object') return null;
    const size = pythonJsonLength(v);
    return size > 65535 ? `Parser config exceeds size limit (max 65,535 characters). Current size: ${size}` : null;
  },
};

/** Length of `json.dumps(value)` with Python's default separators (", " and ": "). */
export function pythonJsonLength(value: unknown): number {
  return pythonJson(value).length;
}

function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return JSON.stringify(value);
}

/** Accepts any spelling Python's `uuid.UUID()` accepts; returns 32 lowercase hex when version 1. */
export function normalizeUuid1(value: string): string | null {
  let s = value.trim();
  if (s.toLowerCase().startsWith('urn:uuid:')) s = s.slice(9);
  s = s.replace(/^\{/, '').replace(/\}$/, '').replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(s)) return null;
  s = s.toLowerCase();
  return s[12] === '1' ? s : null;
}

export interface FieldError {
  loc: string;
  msg: string;
  input: unknown;
}

export const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false, coerceTypes: false });
addFormats(ajv);
ajv.addKeyword({
  keyword: 'x-check',
  errors: true,
  validate: function check(this: unknown, name: string, data: unknown): boolean {
    const fn = customChecks[name];
    const message = fn ? fn(data) : `unknown check ${name}`;
    if (message === null) return true;
    (check as unknown as { errors: Partial<ErrorObject>[] }).errors = [{ keyword: 'x-check', message, params: { name } }];
    return false;
  },
});
for (const keyword of ['x-strip', 'x-order', 'x-model', 'x-literal']) ajv.addKeyword({ keyword });

const compiled = new WeakMap<TSchema, ValidateFunction>();
function compile(schema: TSchema): ValidateFunction {
  const cached = compiled.get(schema);
  if (cached) return cached;
  const fn = ajv.compile(schema);
  compiled.set(schema, fn);
  return fn;
}

/** Nesting past which `pythonRepr` writes `...` (as Python's reprlib does) instead of recursing. */
export const REPR_MAX_DEPTH = 100;

/**
 * Python `str()` of a JSON value, as pydantic shows the offending input. Bounded: containers nested
 * deeper than REPR_MAX_DEPTH read `[...]`/`{...}`, so no value can overflow the stack here.
 */
export function pythonRepr(value: unknown, top = true, depth = 0): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) && Object.is(value, -0) ? '-0.0' : String(value);
  if (typeof value === 'string') return top ? value : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return depth >= REPR_MAX_DEPTH ? '[...]' : `[${value.map((v) => pythonRepr(v, false, depth + 1)).join(', ')}]`;
  if (depth >= REPR_MAX_DEPTH) return '{...}';
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pythonRepr(k, false)}: ${pythonRepr(v, false, depth + 1)}`).join(', ')}}`;
}

export function formatFieldErrors(errors: FieldError[]): string {
  return errors
    .map((e) => {
      let input = pythonRepr(e.input);
      if (input.length > 128) input = `${input.slice(0, 125)}...`;
      return `Field: <${e.loc}> - Message: <${e.msg}> - Value: <${input}>`;
    })
    .join('\n');
}

type SchemaNode = TSchema & {
  properties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
  items?: SchemaNode;
  'x-strip'?: boolean;
  'x-model'?: string;
  'x-literal'?: string;
};

/** Strips strings in place where the schema says `x-strip`, before validation (pydantic's str_strip_whitespace). */
function stripStrings(schema: SchemaNode, value: unknown): unknown {
  if (typeof value === 'string') return schema['x-strip'] || schema.anyOf?.some((s) => s['x-strip']) ? value.trim() : value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const props = schema.properties ?? schema.anyOf?.find((s) => s.properties)?.properties;
    if (!props) return value;
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [k, sub] of Object.entries(props)) if (k in out) out[k] = stripStrings(sub, out[k]);
    return out;
  }
  return value;
}

function subSchemaAt(root: SchemaNode, path: string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const part of path) {
    if (!node) return undefined;
    const withProps: SchemaNode | undefined = node.properties ? node : node.anyOf?.find((s) => s.properties || s.items);
    if (withProps?.properties && part in withProps.properties) node = withProps.properties[part];
    else if (withProps?.items) node = withProps.items;
    else return undefined;
  }
  return node;
}

function typeMessage(schema: SchemaNode | undefined, expected: string, query: boolean): string {
  if (schema?.['x-model'] || (schema?.anyOf?.find((s) => s['x-model']))) {
    const model = schema['x-model'] ?? schema.anyOf?.find((s) => s['x-model'])?.['x-model'];
    return `Input should be a valid dictionary or instance of ${model}`;
  }
  const literal = schema?.['x-literal'] ?? schema?.anyOf?.find((s) => s['x-literal'])?.['x-literal'];
  if (literal) return literal;
  switch (expected) {
    case 'integer':
      return query ? 'Input should be a valid integer, unable to parse string as an integer' : 'Input should be a valid integer';
    case 'boolean':
      return query ? 'Input should be a valid boolean, unable to interpret input' : 'Input should be a valid boolean';
    case 'number':
      return 'Input should be a valid number';
    case 'array':
      return 'Input should be a valid list';
    case 'object':
      return 'Input should be a valid dictionary';
    default:
      return 'Input should be a valid string';
  }
}

function ajvToFieldError(err: ErrorObject, root: SchemaNode, data: unknown, query: boolean): FieldError | null {
  const path = err.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const valueAt = (parts: string[]) => parts.reduce<unknown>((acc, p) => (acc && typeof acc === 'object' ? (acc as Record<string, unknown>)[p] : undefined), data);
  const schema = subSchemaAt(root, path);
  const input = valueAt(path);
  const loc = path.join('.');
  switch (err.keyword) {
    case 'required': {
      const missing = (err.params as { missingProperty: string }).missingProperty;
      return { loc: [...path, missing].join('.'), msg: 'Field required', input };
    }
    case 'additionalProperties': {
      const extra = (err.params as { additionalProperty: string }).additionalProperty;
      const full = [...path, extra];
      return { loc: full.join('.'), msg: 'Extra inputs are not permitted', input: valueAt(full) };
    }
    case 'type':
      return { loc, msg: typeMessage(schema, String((err.params as { type: string }).type).split(',')[0] ?? 'string', query), input };
    case 'minLength': {
      const n = (err.params as { limit: number }).limit;
      return { loc, msg: `String should have at least ${n} character${n === 1 ? '' : 's'}`, input };
    }
    case 'maxLength': {
      const n = (err.params as { limit: number }).limit;
      return { loc, msg: `String should have at most ${n} character${n === 1 ? '' : 's'}`, input };
    }
    case 'minimum':
      return { loc, msg: `Input should be greater than or equal to ${(err.params as { limit: number }).limit}`, input };
    case 'maximum':
      return { loc, msg: `Input should be less than or equal to ${(err.params as { limit: number }).limit}`, input };
    case 'exclusiveMinimum':
      return { loc, msg: `Input should be greater than ${(err.params as { limit: number }).limit}`, input };
    case 'enum':
    case 'const':
      return { loc, msg: typeMessage(schema, 'string', query), input };
    case 'minItems':
      return { loc, msg: `List should have at least ${(err.params as { limit: number }).limit} item${(err.params as { limit: number }).limit === 1 ? '' : 's'} after validation`, input };
    case 'x-check':
      return { loc, msg: err.message ?? 'Invalid value', input };
    case 'anyOf':
      return null; // the branch errors say more
    default:
      return { loc, msg: err.message ?? 'Invalid value', input };
  }
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[]; message: string };

/**
 * Validates a value against a TypeBox schema and reports failures the way pydantic v2 does:
 * one error per field, fields in declaration order (`x-order` on the root), extras last.
 */
export function validate<S extends TSchema>(schema: S, raw: unknown, options: { query?: boolean } = {}): ValidationResult<Static<S>> {
  const root = schema as SchemaNode;
  const value = stripStrings(root, raw);
  const fn = compile(schema);
  if (fn(value)) return { ok: true, value: value as Static<S> };
  const order: string[] = (root as { 'x-order'?: string[] })['x-order'] ?? Object.keys(root.properties ?? {});
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const e of fn.errors ?? []) {
    const fe = ajvToFieldError(e, root, value, options.query ?? false);
    if (!fe || seen.has(fe.loc)) continue;
    // A type error on a nullable union is reported once, by its non-null branch.
    if (e.keyword === 'type' && (e.params as { type: string }).type === 'null') continue;
    seen.add(fe.loc);
    errors.push(fe);
  }
  const rank = (loc: string, msg: string) => {
    if (msg === 'Extra inputs are not permitted') return order.length + 1;
    const i = order.indexOf(loc.split('.')[0] ?? '');
    return i < 0 ? order.length : i;
  };
  errors.sort((a, b) => rank(a.loc, a.msg) - rank(b.loc, b.msg));
  return { ok: false, errors, message: formatFieldErrors(errors) };
}

const LENIENT_TRUE = new Set(['true', '1', 'yes', 'y', 'on', 't']);
const LENIENT_FALSE = new Set(['false', '0', 'no', 'n', 'off', 'f']);

/**
 * Query strings → typed values the way pydantic's lax mode reads them: integers from integer
 * text, booleans from true/false/1/0/yes/no/y/n/on/off/t/f in any case. Anything else is left
 * as a string, so validation reports the lax-mode message. Declared defaults fill the gaps.
 */
export function coerceQuery(schema: TSchema, query: Record<string, string>): Record<string, unknown> {
  const props = (schema as SchemaNode).properties ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(query)) {
    const type = props[key]?.type;
    if (type === 'integer' && /^\s*[-+]?\d+\s*$/.test(raw)) out[key] = Number(raw);
    else if (type === 'boolean' && LENIENT_TRUE.has(raw.trim().toLowerCase())) out[key] = true;
    else if (type === 'boolean' && LENIENT_FALSE.has(raw.trim().toLowerCase())) out[key] = false;
    else out[key] = raw;
  }
  for (const [key, sub] of Object.entries(props)) if (!(key in out) && 'default' in sub) out[key] = (sub as { default: unknown }).default;
  return out;
}
