import { createHmac } from 'node:crypto';
import { newPasswordSalt, parsePasswordMethod, parseStoredPassword, saltFromBytes, sameDerivedKey, type PasswordParams } from '@rag/platform';

/**
 * Passwords without the password: the gateway derives the key of the canonical password text
 * (base64 of the plain password, CONTRACT §3.3) with the method and salt this class hands out, and
 * only that derived key (or, for a new password, the whole `method$salt$key`) reaches account-svc.
 * Stored hashes keep werkzeug's format, so hashes carried over from a RAGFlow database (scrypt or
 * pbkdf2) keep working.
 */
export class PasswordHasher {
  constructor(
    private readonly cost: number,
    /** Keys the stand-in salts of unknown accounts; stable across restarts and replicas. */
    private readonly decoySecret: string,
  ) {
    if (!Number.isInteger(cost) || cost < 2 || (cost & (cost - 1)) !== 0) throw new Error(`scrypt cost must be a power of two, got ${cost}`);
  }

  private get method(): string {
    return `scrypt:${this.cost}:8:1`;
  }

  /** The method and a fresh salt for a new password. */
  fresh(): PasswordParams {
    return { method: this.method, salt: newPasswordSalt() };
  }

  /**
   * How to derive the key for an account's password. An unknown account (or one whose stored hash
   * we cannot read) gets a stand-in of the same shape that never changes for that e-mail, so these
   * answers tell nobody which accounts exist.
   */
  paramsFor(stored: string | null | undefined, email: string): PasswordParams {
    const known = parseStoredPassword(stored);
    if (known) return { method: known.method, salt: known.salt };
    return { method: this.method, salt: saltFromBytes(createHmac('sha256', this.decoySecret).update(email.toLowerCase()).digest()) };
  }

  /** Whether a derived key matches the stored hash; false for anything malformed. */
  verify(derivedKey: unknown, stored: string | null | undefined): boolean {
    const known = parseStoredPassword(stored);
    return typeof derivedKey === 'string' && !!known && sameDerivedKey(derivedKey.toLowerCase(), known.key.toLowerCase());
  }

  /** A new password's stored form as the gateway sent it, if it uses today's method with a real salt and key. */
  accept(hash: unknown): string | undefined {
    if (typeof hash !== 'string') return undefined;
    const known = parseStoredPassword(hash);
    if (!known || known.method !== this.method || !parsePasswordMethod(known.method)) return undefined;
    if (!/^[A-Za-z0-9]{8,64}$/.test(known.salt) || !/^[0-9a-f]{128}$/.test(known.key)) return undefined;
    return hash;
  }
}
