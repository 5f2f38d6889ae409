import { pbkdf2, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Slow salted password hashes in werkzeug's text format (`scrypt:N:r:p$salt$hex`, and
 * `pbkdf2:<digest>:<iterations>$salt$hex`), so hashes carried over from a RAGFlow database keep
 * working. The gateway derives the key from the password with the method and salt account-svc
 * tells it; only the derived key crosses the bus, and account-svc compares it with the stored one.
 */
export interface PasswordParams {
  /** `scrypt:N:r:p` or `pbkdf2:<digest>:<iterations>`. */
  method: string;
  salt: string;
}

const SALT_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** werkzeug's salt: 16 characters of [A-Za-z0-9]. */
export function newPasswordSalt(length = 16): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SALT_ALPHABET[randomInt(SALT_ALPHABET.length)];
  return out;
}

/** A salt of werkzeug's shape made from bytes (e.g. an HMAC), for deterministic stand-ins. */
export function saltFromBytes(bytes: Buffer, length = 16): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SALT_ALPHABET[bytes[i % bytes.length]! % SALT_ALPHABET.length];
  return out;
}

type Method = { kind: 'scrypt'; n: number; r: number; p: number } | { kind: 'pbkdf2'; digest: 'sha1' | 'sha256' | 'sha512'; iterations: number };

/**
 * The method of a hash, within bounds that keep one derivation affordable (a stored hash with an
 * absurd cost must not tie up the gateway); undefined for anything else.
 */
export function parsePasswordMethod(method: string): Method | undefined {
  const parts = method.split(':');
  if (parts[0] === 'scrypt') {
    const [n, r, p] = [Number(parts[1] ?? 32768), Number(parts[2] ?? 8), Number(parts[3] ?? 1)];
    if (![n, r, p].every((v) => Number.isInteger(v) && v > 0) || n < 2 || (n & (n - 1)) !== 0 || n > 1 << 20 || r > 32 || p > 16) return undefined;
    return { kind: 'scrypt', n, r, p };
  }
  if (parts[0] === 'pbkdf2') {
    const digest = parts[1] ?? 'sha256';
    const iterations = Number(parts[2] ?? 600000);
    if ((digest !== 'sha1' && digest !== 'sha256' && digest !== 'sha512') || !Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) return undefined;
    return { kind: 'pbkdf2', digest, iterations };
  }
  return undefined;
}

/** A stored hash's parts, or undefined when it is not one we can verify. */
export function parseStoredPassword(stored: string | null | undefined): (PasswordParams & { key: string }) | undefined {
  if (!stored) return undefined;
  const [method, salt, key] = stored.split('$');
  if (!method || salt === undefined || !key || !parsePasswordMethod(method)) return undefined;
  return { method, salt, key };
}

/** The key a password text derives to with `params`, as lower-case hex (undefined for an unknown method). */
export function derivePasswordKey(text: string, params: PasswordParams): Promise<string | undefined> {
  const m = parsePasswordMethod(params.method);
  if (!m) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, key: Buffer) => (err ? reject(err) : resolve(key.toString('hex')));
    if (m.kind === 'scrypt') scrypt(text, params.salt, 64, { N: m.n, r: m.r, p: m.p, maxmem: 132 * m.n * m.r * m.p + 1024 * 1024 }, done);
    else pbkdf2(text, params.salt, m.iterations, m.digest === 'sha512' ? 64 : m.digest === 'sha1' ? 20 : 32, m.digest, done);
  });
}

/** A complete stored form for a new password: `method$salt$key`. */
export async function newPasswordHash(text: string, params: PasswordParams): Promise<string> {
  const key = await derivePasswordKey(text, params);
  if (!key) throw new Error(`unsupported password hash method: ${params.method}`);
  return `${params.method}$${params.salt}$${key}`;
}

/** Constant-time comparison of two derived keys (hex). */
export function sameDerivedKey(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
