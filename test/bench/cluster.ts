/**
 * The backend as separate OS processes for the benchmarks (as `make up` and Kubernetes run it):
 * a private nats-server, then account-svc, dataset-svc, document-svc, dialog-svc, N parse-workers
 * and the gateway, each its own Node process from source (tsx), over SQLite in a temp DATA_DIR.
 * The bench process is only the client. Every child is killed (by its pid) when the cluster stops
 * or when the bench process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Http } from '../support/http.js';
import { freePort, startNatsServer, type NatsServer } from '../support/nats-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type ServiceName = 'account-svc' | 'dataset-svc' | 'document-svc' | 'dialog-svc' | 'parse-worker' | 'gateway';

export interface ChildService {
  name: ServiceName;
  child: ChildProcess;
  port: number;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface Cluster {
  nats: NatsServer;
  env: Record<string, string>;
  dataDir: string;
  http: Http;
  baseUrl: string;
  children: ChildService[];
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) if (c.exitCode === null && c.pid) c.kill('SIGKILL');
  });
}

/** One service from source as its own process; resolves once its /readyz answers 200. */
export async function spawnChild(name: ServiceName, env: Record<string, string>, timeoutMs = 90_000): Promise<ChildService> {
  installExitHook();
  const port = await freePort();
  const own = name === 'gateway' ? { PORT: String(port), HOST: '127.0.0.1', METRICS_PORT: '0' } : { PROBE_PORT: String(port), PROBE_HOST: '127.0.0.1' };
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', path.join(ROOT, 'services', name, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env, ...own },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => (live.delete(child), resolve())));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited early:\n${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    name,
    child,
    port,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      const timer = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface ClusterOptions {
  workers?: number;
  /** Start dialog-svc (completions). */
  dialog?: boolean;
  env?: Record<string, string>;
  /** LOG_LEVEL of every service process (default warn). */
  logLevel?: string;
}

/** The whole backend, one process per service. */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const nats = await startNatsServer();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rag-bench-'));
  const env: Record<string, string> = {
    NATS_URL: nats.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: opts.logLevel ?? 'warn',
    // The streaming bench's scripted model server listens on 127.0.0.1.
    MODEL_ALLOW_PRIVATE_NETWORKS: 'true',
    ...(opts.env ?? {}),
  };
  const children: ChildService[] = [];
  const stopAll = async () => {
    for (const c of [...children].reverse()) await c.stop();
    await nats.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // The first service migrates and creates the streams; the rest start side by side.
    children.push(await spawnChild('account-svc', env));
    const rest: ServiceName[] = ['dataset-svc', 'document-svc', ...(opts.dialog === false ? [] : (['dialog-svc'] as const))];
    for (let i = 0; i < (opts.workers ?? 1); i++) rest.push('parse-worker');
    children.push(...(await Promise.all(rest.map((n) => spawnChild(n, env)))));
    children.push(await spawnChild('gateway', env));
  } catch (err) {
    await stopAll();
    throw err;
  }
  const gateway = children.at(-1)!;
  const baseUrl = `http://127.0.0.1:${gateway.port}`;
  return { nats, env, dataDir, http: new Http(baseUrl), baseUrl, children, stop: stopAll };
}
