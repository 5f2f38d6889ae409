import type { Request } from 'express';
import { RagError } from '@rag/contracts';

/** Python's type name of a JSON value, as RAGFlow's messages name it. */
export function pythonTypeName(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return 'dict';
}

function rawText(req: Request): string {
  return Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
}

function mimeType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Whether JSON text nests arrays/objects deeper than `limit` (brackets inside strings do not count).
 * One pass over the text, without recursion, before any parse: a body of ten thousand `[` would
 * otherwise parse fine and then overflow the stack of the first recursive walk over it
 * (`JSON.stringify` on its way to the bus, a Python repr in a service).
 */
export function jsonNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * Refuses a JSON body nested deeper than `limit` (code 101, JSON_TOO_DEEP). app.ts runs it before
 * every route, so every parse below (lenient, strict, or-empty) only ever sees bounded values.
 */
export function assertJsonDepth(req: Request, limit: number): void {
  if (!mimeType(req).includes('json')) return;
  if (jsonNestsDeeperThan(rawText(req), limit)) throw new RagError('JSON_TOO_DEEP', { limit });
}

/**
 * The lenient body of most handlers (§1.4): empty → {}; JSON content types parsed (bad JSON,
 * strings and arrays raise the code-100 answers RAGFlow gives); any other type → form fields.
 */
export function lenientBody(req: Request): Record<string, unknown> {
  const text = rawText(req);
  if (!text.trim()) return {};
  if (mimeType(req).startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new RagError('EXCEPTION', { message: "<BadRequest '400: Bad Request'>" });
    }
    if (typeof parsed === 'string') throw new RagError('EXCEPTION', { message: `AttributeError("'str' object has no attribute 'get'")` });
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new RagError('EXCEPTION', { message: "TypeError('JSON payload must be an object.')" });
    return parsed as Record<string, unknown>;
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** Lenient parsing whose failures read as an empty body (handlers with a required-fields check). */
export function lenientBodyOrEmpty(req: Request): Record<string, unknown> {
  try {
    return lenientBody(req);
  } catch {
    return {};
  }
}

/**
 * The strict body of dataset create/update/delete (§1.4 with §21 #1): a non-JSON content type
 * reads as {} and is validated as such; bad JSON and non-objects are code-101 errors.
 */
export function strictJsonBody(req: Request): Record<string, unknown> {
  if (mimeType(req) !== 'application/json') return {};
  const text = rawText(req);
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RagError('ARGUMENT', { message: 'Malformed JSON syntax: Missing commas/brackets or invalid encoding' });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new RagError('ARGUMENT', { message: `Invalid request payload: expected object, got ${pythonTypeName(parsed)}` });
  }
  return parsed as Record<string, unknown>;
}

/** `required argument are missing: a,b; ` when any of the keys is absent. */
export function requireFields(body: Record<string, unknown>, schema: { required: readonly string[] }): void {
  const missing = schema.required.filter((k) => !(k in body));
  if (missing.length) throw new RagError('REQUIRED_ARGUMENTS', { fields: missing.join(',') });
}

/** Query parameters as plain strings (the last value wins for repeated keys). */
export function queryStrings(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  const url = new URL(req.originalUrl, 'http://x');
  for (const [k, v] of url.searchParams) out[k] = v;
  return out;
}
