import { pbkdf2, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

const SALT_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function salt(length = 16): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SALT_ALPHABET[randomInt(SALT_ALPHABET.length)];
  return out;
}

function scryptHex(text: string, saltText: string, n: number, r: number, p: number): Promise<string> {
  return new Promise((resolve, reject) =>
    scrypt(text, saltText, 64, { N: n, r, p, maxmem: 132 * n * r * p }, (err, key) => (err ? reject(err) : resolve(key.toString('hex')))),
  );
}

function pbkdf2Hex(text: string, saltText: string, digest: string, iterations: number): Promise<string> {
  const length = digest === 'sha512' ? 64 : digest === 'sha1' ? 20 : 32;
  return new Promise((resolve, reject) => pbkdf2(text, saltText, iterations, length, digest, (err, key) => (err ? reject(err) : resolve(key.toString('hex')))));
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Slow salted password hashes in werkzeug's text format (`scrypt:N:r:p$salt$hex`, and
 * `pbkdf2:<digest>:<iterations>$salt$hex` for verification), so hashes carried over from a RAGFlow
 * database keep working. What is hashed is the canonical password text the gateway passes
 * (base64 of the plain password, CONTRACT §3.3), never the text the client typed.
 */
export class PasswordHasher {
  constructor(private readonly cost = 32768) {
    if (!Number.isInteger(cost) || cost < 2 || (cost & (cost - 1)) !== 0) throw new Error(`scrypt cost must be a power of two, got ${cost}`);
  }

  async hash(text: string): Promise<string> {
    const s = salt();
    return `scrypt:${this.cost}:8:1$${s}$${await scryptHex(text, s, this.cost, 8, 1)}`;
  }

  /** False for any stored value it cannot parse: a broken hash never lets anyone in. */
  async verify(text: string, stored: string | null | undefined): Promise<boolean> {
    if (!stored) return false;
    const [method, saltText, expected] = stored.split('$');
    if (!method || saltText === undefined || !expected) return false;
    const parts = method.split(':');
    try {
      if (parts[0] === 'scrypt') {
        const [n, r, p] = [Number(parts[1] ?? 32768), Number(parts[2] ?? 8), Number(parts[3] ?? 1)];
        if (![n, r, p].every((v) => Number.isInteger(v) && v > 0)) return false;
        return sameHex(await scryptHex(text, saltText, n, r, p), expected);
      }
      if (parts[0] === 'pbkdf2') {
        const digest = parts[1] ?? 'sha256';
        const iterations = Number(parts[2] ?? 600000);
        if (!['sha1', 'sha256', 'sha512'].includes(digest) || !Number.isInteger(iterations) || iterations < 1) return false;
        return sameHex(await pbkdf2Hex(text, saltText, digest, iterations), expected);
      }
    } catch {
      return false;
    }
    return false;
  }
}
