import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@rag/platform';

export const JWT_SECRET_MIN_LENGTH = 32;

const HOW_TO_SET = 'Set JWT_SECRET to a random value of at least 32 characters, the same on every gateway replica, e.g. JWT_SECRET="$(openssl rand -base64 48)" (in Kubernetes: the rag-secrets Secret, k8s/secret.yaml)';

/** Words that mark a value copied from an example rather than generated (compared without case or punctuation). */
const PLACEHOLDER_MARKS = ['changeme', 'replaceme', 'placeholder', 'yoursecret', 'secretkey', 'jwtsecret', 'example', 'default', 'insecure', 'notsecret'];

/** Why a configured secret is unfit to sign login tokens, or null when it will do. */
export function jwtSecretProblem(secret: string): string | null {
  const letters = secret.toLowerCase().replace(/[^a-z0-9]/g, '');
  const mark = PLACEHOLDER_MARKS.find((m) => letters.includes(m));
  if (mark) return `JWT_SECRET looks like a placeholder (it contains "${mark}")`;
  if (secret.length < JWT_SECRET_MIN_LENGTH) return `JWT_SECRET is too short (${secret.length} characters, at least ${JWT_SECRET_MIN_LENGTH})`;
  if (new Set(secret).size < 8) return 'JWT_SECRET is too repetitive (fewer than 8 distinct characters)';
  return null;
}

/**
 * The secret that signs login tokens. Rule: a configured JWT_SECRET must be a real one (no
 * placeholder, at least 32 characters), everywhere. Unset, the gateway keeps a generated secret in
 * DATA_DIR/secrets/jwt.key (one machine: `make up`, the tests), except with NODE_ENV=production,
 * where replicas would each generate their own and a pod's secret would die with its disk: there
 * it refuses to start. Every refusal is a ConfigError that says how to set one.
 */
export function resolveJwtSecret(config: { JWT_SECRET: string | undefined; NODE_ENV: string; DATA_DIR: string }): string {
  if (config.JWT_SECRET !== undefined) {
    const problem = jwtSecretProblem(config.JWT_SECRET);
    if (problem) throw new ConfigError(`${problem}. ${HOW_TO_SET}.`);
    return config.JWT_SECRET;
  }
  if (config.NODE_ENV === 'production') {
    throw new ConfigError(`JWT_SECRET is required when NODE_ENV=production. ${HOW_TO_SET}.`);
  }
  const file = path.resolve(config.DATA_DIR, 'secrets', 'jwt.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}
