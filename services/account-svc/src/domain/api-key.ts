import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'ragflow-';

/** `ragflow-` + 43 url-safe base64 characters (32 random bytes), as RAGFlow mints them (§1.5). */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** A share ("beta") token: 32 url-safe characters, an API-key body cut to 32. */
export function generateBetaToken(): string {
  return randomBytes(32).toString('base64url').slice(0, 32);
}

/** The stored form of a key; the gateway hashes presented keys the same way before asking. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * The form listings show: enough to recognise a key, too little to use it
 * (`ragflow-AbCd****wXyZ`). Clients may delete a key by this form.
 */
export function maskApiKey(key: string): string {
  if (key.length <= 16) return '****';
  const head = key.startsWith(API_KEY_PREFIX) ? API_KEY_PREFIX.length + 4 : 8;
  return `${key.slice(0, head)}****${key.slice(-4)}`;
}
