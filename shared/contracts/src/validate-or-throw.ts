/** Validates or throws the contract's code-101 error with pydantic-style text. */
import type { Static, TSchema } from '@sinclair/typebox';
import { RagError } from './errors.js';
import { validate } from './validation.js';

export function validateOrThrow<S extends TSchema>(schema: S, value: unknown, options: { query?: boolean } = {}): Static<S> {
  const result = validate(schema, value, options);
  if (!result.ok) throw new RagError('ARGUMENT', { message: result.message });
  return result.value;
}
