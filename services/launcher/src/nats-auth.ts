import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BusUsers, busPermissions, inboxPrefix, type BusUser } from '@rag/contracts';

/** One password per bus user, random, kept in DATA_DIR so a restart keeps them. */
export type BusPasswords = Record<BusUser, string>;

/** Where `make up` keeps the NATS users' passwords and the server configuration (both mode 0600). */
export function natsAuthDir(dataDir: string): string {
  return path.join(dataDir, 'nats-auth');
}

function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600); // an existing file keeps its mode on write
}

/** Reads the passwords file, adding a fresh password for any user it lacks (a new service). */
export function loadOrCreatePasswords(dir: string): BusPasswords {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'passwords.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<string, string>>) : {};
  const out = {} as BusPasswords;
  let changed = !existsSync(file);
  for (const user of Object.values(BusUsers)) {
    const known = stored[user];
    if (typeof known === 'string' && known.length >= 16) out[user] = known;
    else {
      out[user] = randomBytes(24).toString('base64url');
      changed = true;
    }
  }
  if (changed) writePrivate(file, `${JSON.stringify(out, null, 2)}\n`);
  return out;
}

export interface NatsTls {
  certFile: string;
  keyFile: string;
}

/** The `accounts` block: one account with JetStream whose users carry the permissions of bus-permissions.ts. */
export function natsAccounts(passwords: BusPasswords): Record<string, unknown> {
  const users = Object.values(BusUsers).map((user) => {
    const p = busPermissions(user);
    return {
      user,
      password: passwords[user],
      permissions: {
        publish: { allow: p.publish },
        subscribe: { allow: p.subscribe },
        ...(p.respond ? { allow_responses: true } : {}),
      },
    };
  });
  return { RAG: { jetstream: 'enabled', users } };
}

/**
 * A nats-server configuration (nats-server reads JSON, and JSON strings keep `$JS...` literal where
 * the native format would read `$` as a variable). Without `server` it holds only the accounts and
 * TLS: Kubernetes adds it with `-c` to the flags that set the port and the store.
 */
export function natsServerConfig(passwords: BusPasswords, opts: { server?: { host: string; port: number; storeDir: string; pidFile: string }; tls?: NatsTls | undefined } = {}): string {
  const config: Record<string, unknown> = {};
  if (opts.server) {
    config.host = opts.server.host;
    config.port = opts.server.port;
    config.jetstream = { store_dir: opts.server.storeDir };
    config.pid_file = opts.server.pidFile;
  }
  if (opts.tls) config.tls = { cert_file: opts.tls.certFile, key_file: opts.tls.keyFile };
  config.accounts = natsAccounts(passwords);
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Writes the server configuration next to the passwords (0600) and returns its path. */
export function writeNatsServerConfig(dir: string, text: string): string {
  const file = path.join(dir, 'nats-server.conf');
  writePrivate(file, text);
  return file;
}

/** The environment that makes a process connect as `user`. */
export function natsUserEnv(user: BusUser, passwords: BusPasswords): Record<string, string> {
  return { NATS_USER: user, NATS_PASSWORD: passwords[user], NATS_INBOX_PREFIX: inboxPrefix(user) };
}
