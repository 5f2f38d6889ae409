import type { Static, TSchema } from '@sinclair/typebox';
import { formatFieldErrors, validate } from './validation.js';

const decoder = new TextDecoder();

/** Why a message was refused: `json` (not JSON at all) or `schema` (JSON of the wrong shape). */
export type MessageProblem = 'json' | 'schema';

export type DecodedMessage<T> = { ok: true; value: T } | { ok: false; problem: MessageProblem; reason: string };

/**
 * Decodes a NATS message body and checks it against its contract schema. Never throws: a
 * receiver decides what a bad message means (an error reply, `term()`, a log line).
 */
export function decodeMessage<S extends TSchema>(schema: S, data: Uint8Array | string): DecodedMessage<Static<S>> {
  const text = typeof data === 'string' ? data : decoder.decode(data);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const preview = text.length > 80 ? `${text.slice(0, 77)}...` : text;
    return { ok: false, problem: 'json', reason: `not JSON (${err instanceof Error ? err.message : String(err)}): ${JSON.stringify(preview)}` };
  }
  return checkMessage(schema, raw);
}

/** Checks an already-parsed value against a schema, with the same result shape as `decodeMessage`. */
export function checkMessage<S extends TSchema>(schema: S, raw: unknown): DecodedMessage<Static<S>> {
  const result = validate(schema, raw);
  if (result.ok) return { ok: true, value: result.value };
  return { ok: false, problem: 'schema', reason: result.errors.length ? formatFieldErrors(result.errors).replace(/\n/g, '; ') : 'does not match its schema' };
}
