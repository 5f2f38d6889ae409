import { constants, createPrivateKey, privateDecrypt, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { RagError, Subjects, type BusReply, type CallerContext } from '@rag/contracts';
import { derivePasswordKey, newPasswordHash, type Bus, type PasswordParams } from '@rag/platform';

/**
 * Turns the password a client sent into the text RAGFlow hashes: base64 of the plain password.
 * RAGFlow's web client sends b64(RSA-PKCS#1-v1.5(b64(plain))); the suites offline send plain
 * text. With a private key configured we try to decrypt; anything that is not a valid
 * ciphertext is taken as the plain password (§3.3), so both forms reach the same stored hash.
 */
export class PasswordDecoder {
  private readonly key: KeyObject | undefined;

  constructor(pemOrPath: string | undefined, passphrase: string | undefined) {
    if (!pemOrPath) return;
    const pem = pemOrPath.includes('-----BEGIN') ? pemOrPath : existsSync(pemOrPath) ? readFileSync(pemOrPath, 'utf8') : undefined;
    if (!pem) throw new Error(`RSA_PRIVATE_KEY is neither a PEM nor a readable file: ${pemOrPath}`);
    this.key = createPrivateKey({ key: pem, format: 'pem', ...(passphrase ? { passphrase } : {}) });
  }

  /** The canonical password text: b64(plain). */
  canonical(sent: string): string {
    const decrypted = this.tryDecrypt(sent);
    return decrypted ?? Buffer.from(sent, 'utf8').toString('base64');
  }

  private tryDecrypt(sent: string): string | null {
    if (!this.key || !/^[A-Za-z0-9+/=\s]+$/.test(sent) || sent.length < 64) return null;
    const cipher = Buffer.from(sent, 'base64');
    const size = (this.key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8;
    if (cipher.length !== size) return null;
    let block: Buffer;
    try {
      // Node ≥ 20 refuses PKCS#1 v1.5 decryption (CVE-2023-46809): decrypt raw and unpad here.
      block = privateDecrypt({ key: this.key, padding: constants.RSA_NO_PADDING }, cipher);
    } catch {
      return null;
    }
    if (block[0] !== 0x00 || block[1] !== 0x02) return null;
    const sep = block.indexOf(0x00, 2);
    if (sep < 10) return null;
    const message = block.subarray(sep + 1).toString('utf8');
    return /^[A-Za-z0-9+/=]*$/.test(message) ? message : null;
  }
}

/** account-svc refused to hand out password parameters (e.g. the caller's session is gone): its reply goes to the client. */
export class PasswordParamsRefused extends Error {
  constructor(readonly reply: BusReply) {
    super(reply.message ?? 'password parameters refused');
  }
}

async function passwordParams(bus: Bus, body: Record<string, unknown>, caller: Partial<CallerContext>): Promise<PasswordParams> {
  const reply = await bus.request(Subjects.account.passwordParams, { body }, caller);
  if (reply.code !== 0 || !reply.data) throw new PasswordParamsRefused(reply);
  return reply.data;
}

/**
 * What crosses the bus instead of a password: its canonical text derived with the method and salt
 * account-svc hands out (`rag.v1.account.password_params`), so no one on the bus, nor a log of its
 * messages, learns the password. Login sends this key for the account with `email` (without one:
 * the caller's own account).
 */
export async function passwordKey(bus: Bus, canonical: string, caller: Partial<CallerContext>, email?: string): Promise<string> {
  const key = await derivePasswordKey(canonical, await passwordParams(bus, email === undefined ? {} : { email }, caller));
  if (!key) throw new RagError('LOGIN_CRYPT', {}, false);
  return key;
}

/** A new password's stored form (`method$salt$key`, werkzeug's format) with a fresh salt from account-svc. */
export async function newPasswordStoredForm(bus: Bus, canonical: string, caller: Partial<CallerContext>): Promise<string> {
  return newPasswordHash(canonical, await passwordParams(bus, { new: true }, caller));
}
