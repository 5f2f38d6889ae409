import { RagError, formatFieldErrors } from '@rag/contracts';

/** RAGFlow's e-mail check (`re.match`, where `\w` is Unicode-aware); RFC 5321 caps an address at 254. */
const EMAIL_PATTERN = /^[\p{L}\p{N}_._-]+@([\p{L}\p{N}_-]+\.)+[\p{L}\p{N}_-]{2,}$/u;

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && EMAIL_PATTERN.test(email);
}

/**
 * A value of the wrong JSON type on a web body: a 101 in the contract's validation wording
 * (`Field: <email> - Message: <Input should be a valid string> - Value: <123>`), never a crash.
 */
export function fieldError(field: string, message: string, value: unknown, data?: unknown): RagError {
  return new RagError('ARGUMENT', { message: formatFieldErrors([{ loc: field, msg: message, input: value }]) }, data);
}

export function requireString(body: Record<string, unknown>, field: string, data?: unknown): string {
  const value = body[field];
  if (typeof value !== 'string') throw fieldError(field, 'Input should be a valid string', value, data);
  return value;
}

/** A string, or the fallback when the key is absent or null. */
export function optionalString(body: Record<string, unknown>, field: string, fallback: string): string {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw fieldError(field, 'Input should be a valid string', value);
  return value;
}

export function optionalInteger(body: Record<string, unknown>, field: string): number | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw fieldError(field, 'Input should be a valid integer', value);
  return value;
}
