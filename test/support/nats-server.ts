import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionOptions } from 'nats';
import { inboxPrefix, type BusUser } from '@rag/contracts';
import { loadOrCreatePasswords, natsServerConfig, natsUserEnv, writeNatsServerConfig, type BusPasswords } from '../../services/launcher/src/nats-auth.js';

export interface NatsServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** With `auth`: every bus user's password (the server refuses connections without one). */
  passwords: BusPasswords | undefined;
  /** The environment that makes a service connect as `user` (empty without `auth`). */
  userEnv(user: BusUser): Record<string, string>;
  /** nats.js options to connect as `user`. */
  connectOptions(user: BusUser): ConnectionOptions;
  /** What the server logged so far (permission violations are logged as errors). */
  log(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? 'nats-server';

/**
 * A real nats-server with JetStream on a random port and its own store, per test file, so test
 * files never see each other's queue groups or streams (nats.js's `nst` launcher does the same).
 * With `auth` it runs the configuration `make up` generates: a user per process with the
 * permissions of shared/contracts/src/bus-permissions.ts.
 */
export async function startNatsServer(opts: { auth?: boolean } = {}): Promise<NatsServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rag-nats-'));
  let passwords: BusPasswords | undefined;
  let args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir];
  if (opts.auth) {
    const authDir = path.join(dir, 'auth');
    passwords = loadOrCreatePasswords(authDir);
    const server = { host: '127.0.0.1', port, storeDir: path.join(dir, 'js'), pidFile: path.join(dir, 'nats-server.pid') };
    args = ['-c', writeNatsServerConfig(authDir, natsServerConfig(passwords, { server }))];
  }
  const child = spawn(NATS_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (stderr += d.toString()));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      waitForPort(port, 10_000),
      new Promise((_, reject) => child.once('error', (err) => reject(new Error(`cannot start ${NATS_SERVER_BIN}: ${err.message}`)))),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  const url = `nats://127.0.0.1:${port}`;
  return {
    url,
    port,
    process: child,
    passwords,
    userEnv: (user) => (passwords ? natsUserEnv(user, passwords) : {}),
    log: () => stderr,
    connectOptions: (user) => ({ servers: url, name: `test-as-${user}`, ...(passwords ? { user, pass: passwords[user], inboxPrefix: inboxPrefix(user) } : {}) }),
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
