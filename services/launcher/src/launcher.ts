import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { BusUsers, inboxPrefix, isBusUser } from '@rag/contracts';
import { Child, describeExit, type ExitInfo } from './children.js';
import type { LauncherConfig } from './config.js';
import { loadOrCreatePasswords, natsAuthDir, natsServerConfig, natsUserEnv, writeNatsServerConfig, type BusPasswords, type NatsTls } from './nats-auth.js';
import { ensureNatsServerBinary, leftoverNatsServer, LauncherError, natsServerArgs, pidFile } from './nats-server.js';
import type { Output } from './output.js';
import { httpAnswers, natsServiceAnswers, waitUntilReady } from './readiness.js';
import { RestartPolicy } from './restart-policy.js';
import type { ServiceEntry } from './services.js';

export interface LauncherOptions {
  /** The repository root: children run `<rootDir>/services/<name>/dist/main.js` with it as cwd. */
  rootDir: string;
  services: readonly ServiceEntry[];
  config: LauncherConfig;
  /** The environment the children inherit (plus NATS_URL, DATA_DIR, HOST, PORT set by the launcher). */
  env: NodeJS.ProcessEnv;
  output: Output;
  /**
   * Called once, for the first child that dies on its own and is not restarted: nats-server, a
   * service that died before it was ready, or one that kept crashing (`crashes` inside the window).
   */
  onUnexpectedExit?: (name: string, exit: ExitInfo, crashes?: number) => void;
  /** Called when a crashed service was started again (`restarts`: how many times so far). */
  onRestart?: (name: string, exit: ExitInfo, restarts: number) => void;
}

/** Restarts per service, written to DATA_DIR/launcher-status.json for the gateway's /readyz. */
export interface LauncherStatus {
  restarts: Record<string, { count: number; last_exit: string; at: string }>;
}

export function launcherStatusFile(dataDir: string): string {
  return path.join(dataDir, 'launcher-status.json');
}

export interface Started {
  natsUrl: string;
  /** The JetStream store folder, when the launcher started nats-server. */
  natsStore: string | undefined;
  dataDir: string;
  /** The gateway's URL, when an HTTP child runs. */
  httpUrl: string | undefined;
  running: string[];
  skipped: string[];
  /** Restarts so far per service (a service can crash and come back while later ones start). */
  restarts: Record<string, number>;
}

export const NATS_CHILD = 'nats';

/** Preloaded into every service: it stops itself when the launcher is gone (see the file). */
export const PARENT_WATCH = new URL('../parent-watch.mjs', import.meta.url).href;

/** Where a service's compiled entry point lives. */
export function entryPoint(rootDir: string, name: string): string {
  return path.join(rootDir, 'services', name, 'dist', 'main.js');
}

/** The address to poll a server bound to `host` at: a wildcard bind answers on loopback. */
function dialHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The launcher's nats-server certificate, when both halves are configured. */
function serverTls(config: LauncherConfig): NatsTls | undefined {
  const { LAUNCHER_NATS_TLS_CERT: certFile, LAUNCHER_NATS_TLS_KEY: keyFile } = config;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new LauncherError('LAUNCHER_NATS_TLS_CERT and LAUNCHER_NATS_TLS_KEY go together: set both (or neither)');
  return { certFile: path.resolve(certFile), keyFile: path.resolve(keyFile) };
}

/**
 * Runs nats-server (unless NATS_URL is given) and each service as a child process, waits for each
 * to be ready in turn, and stops them in reverse order: services last-started first, then the
 * launcher's own NATS connection, then nats-server.
 */
export class Launcher {
  private readonly children: Child[] = [];
  private natsServer: Child | undefined;
  private nc: NatsConnection | undefined;
  private readonly aborter = new AbortController();
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private reportedExit = false;
  /** Exit codes that mean "stopped as asked" after a SIGTERM, per child. */
  private readonly stopCodes = new Map<Child, number[]>();
  /** The generated NATS users' passwords, when the launcher's nats-server requires them. */
  private passwords: BusPasswords | undefined;
  /** How each service was started, to start it again after a crash; set once it was ready. */
  private readonly respawn = new Map<string, { args: string[]; env: NodeJS.ProcessEnv; ready: () => Promise<boolean> }>();
  private readonly restartPolicy: RestartPolicy;
  private readonly status: LauncherStatus = { restarts: {} };
  private statusFile: string | undefined;

  constructor(private readonly opts: LauncherOptions) {
    const { config } = opts;
    this.restartPolicy = new RestartPolicy({ maxRestarts: config.LAUNCHER_RESTART_MAX, windowMs: config.LAUNCHER_RESTART_WINDOW_MS, backoffMs: config.LAUNCHER_RESTART_BACKOFF_MS });
  }

  async start(): Promise<Started> {
    const { config, output } = this.opts;
    const signal = this.aborter.signal;
    const dataDir = path.resolve(config.DATA_DIR);
    mkdirSync(dataDir, { recursive: true });
    this.statusFile = launcherStatusFile(dataDir);
    this.writeStatus();

    let natsUrl = config.NATS_URL;
    let natsStore: string | undefined;
    if (!natsUrl) {
      const bin = ensureNatsServerBinary(config.NATS_SERVER_BIN, output);
      natsStore = path.join(dataDir, 'nats');
      mkdirSync(natsStore, { recursive: true });
      const tls = serverTls(config);
      const authDir = natsAuthDir(dataDir);
      const configFile = path.join(authDir, 'nats-server.conf');
      await this.stopLeftover(natsStore, [natsStore, configFile]);
      natsUrl = `${tls ? 'tls' : 'nats'}://${dialHost(config.LAUNCHER_NATS_HOST)}:${config.LAUNCHER_NATS_PORT}`;
      let args: string[];
      if (config.LAUNCHER_NATS_AUTH) {
        this.passwords = loadOrCreatePasswords(authDir);
        const server = { host: config.LAUNCHER_NATS_HOST, port: config.LAUNCHER_NATS_PORT, storeDir: natsStore, pidFile: pidFile(natsStore) };
        args = ['-c', writeNatsServerConfig(authDir, natsServerConfig(this.passwords, { server, tls }))];
        output.note(`starting ${bin} on ${natsUrl} (JetStream store ${natsStore}; a user per process, config in ${configFile})`);
      } else {
        args = natsServerArgs(config.LAUNCHER_NATS_HOST, config.LAUNCHER_NATS_PORT, natsStore, tls);
        output.note(`starting ${bin} on ${natsUrl} (JetStream store ${natsStore}; no authentication: LAUNCHER_NATS_AUTH=false)`);
      }
      // nats-server exits with code 1 after a SIGTERM: that is its normal stop.
      this.natsServer = this.watch(NATS_CHILD, bin, args, this.opts.env, [0, 1]);
    } else {
      output.note(`using the NATS server at ${natsUrl} (NATS_URL is set; no nats-server started)`);
    }
    const url = natsUrl;
    await waitUntilReady(`nats-server at ${url}`, async () => !!(this.nc = await this.connect(url)), { timeoutMs: config.LAUNCHER_READY_TIMEOUT_MS, signal, child: this.natsServer });
    const nc = this.nc!;
    try {
      await nc.jetstreamManager();
    } catch (err) {
      throw new LauncherError(`the NATS server at ${url} has no JetStream (${(err as Error).message}); start it with -js`);
    }

    const env: NodeJS.ProcessEnv = { ...this.opts.env, NATS_URL: url, DATA_DIR: dataDir, HOST: config.HOST, PORT: String(config.PORT), LAUNCHER_STATUS_FILE: this.statusFile };
    const running: string[] = [];
    const skipped: string[] = [];
    const base = `http://${dialHost(config.HOST)}:${config.PORT}`;
    let httpUrl: string | undefined;
    let probeIndex = 0;
    for (const entry of this.opts.services) {
      signal.throwIfAborted();
      const main = entryPoint(this.opts.rootDir, entry.name);
      if (!existsSync(main)) {
        output.warn(`skipping ${entry.name}: ${path.relative(this.opts.rootDir, main)} does not exist (not written or not built yet)`);
        skipped.push(entry.name);
        continue;
      }
      const childEnv = { ...env, ...this.natsUserEnv(entry.name) };
      if (!entry.http) childEnv.PROBE_PORT = String(config.LAUNCHER_PROBE_PORT_BASE ? config.LAUNCHER_PROBE_PORT_BASE + probeIndex++ : 0);
      const started = Date.now();
      const args = ['--import', PARENT_WATCH, main];
      const child = this.watch(entry.name, process.execPath, args, childEnv);
      this.children.push(child);
      const ready = entry.ready;
      const check = ready.kind === 'http' ? () => httpAnswers(base + ready.path) : () => natsServiceAnswers(nc, entry.name);
      await waitUntilReady(entry.name, check, { timeoutMs: config.LAUNCHER_READY_TIMEOUT_MS, signal, child });
      this.respawn.set(entry.name, { args, env: childEnv, ready: check });
      if (entry.http) httpUrl = base;
      output.note(`${entry.name} ready (pid ${child.pid}, ${Date.now() - started} ms)`);
      running.push(entry.name);
    }
    return { natsUrl: url, natsStore, dataDir, httpUrl, running, skipped, restarts: this.restarts() };
  }

  /** Stops every child in reverse start order, then nats-server. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping = true;
    this.aborter.abort();
    return (this.stopped ??= this.stopAll());
  }

  /** Synchronous last resort (process 'exit'): signals whatever still runs. */
  killAll(sig: NodeJS.Signals = 'SIGTERM'): void {
    this.stopping = true;
    for (const child of [...this.children].reverse()) child.signal(sig);
    this.natsServer?.signal(sig);
  }

  private async stopAll(): Promise<void> {
    for (const child of [...this.children].reverse()) await this.stopChild(child);
    await this.nc?.close().catch(() => undefined);
    if (this.natsServer) await this.stopChild(this.natsServer);
    this.opts.output.note('all stopped');
  }

  private async stopChild(child: Child): Promise<void> {
    if (!child.running) return;
    this.opts.output.note(`stopping ${child.name} (SIGTERM)`);
    const { exit, killed } = await child.stop(this.opts.config.LAUNCHER_STOP_TIMEOUT_MS);
    const { output, config } = this.opts;
    if (killed) output.warn(`${child.name} did not stop within ${config.LAUNCHER_STOP_TIMEOUT_MS} ms: killed`);
    else if (exit.code !== null && this.stopCodes.get(child)?.includes(exit.code)) output.note(`${child.name} stopped`);
    else output.warn(`${child.name} ${describeExit(exit)} while stopping`);
  }

  /** Spawns a child; if it exits while nobody asked it to, restarts it (a service that was ready) or reports it. */
  private watch(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, stopCodes: number[] = [0]): Child {
    const child = new Child(name, command, args, { env, cwd: this.opts.rootDir, output: this.opts.output, stdinPipe: name !== NATS_CHILD });
    this.stopCodes.set(child, stopCodes);
    void child.exited.then((exit) => {
      if (this.stopping || this.reportedExit) return;
      const spec = this.respawn.get(name);
      const decision = spec ? this.restartPolicy.onCrash(name) : undefined;
      if (!spec || !decision?.restart) {
        this.reportedExit = true;
        this.opts.onUnexpectedExit?.(name, exit, decision && !decision.restart ? decision.crashes : undefined);
        return;
      }
      this.opts.output.warn(`${name} ${describeExit(exit)} unexpectedly: restarting it in ${decision.delayMs} ms (restart ${decision.attempt}; more than ${this.opts.config.LAUNCHER_RESTART_MAX} within ${this.opts.config.LAUNCHER_RESTART_WINDOW_MS} ms stops everything)`);
      this.status.restarts[name] = { count: decision.attempt, last_exit: describeExit(exit), at: new Date().toISOString() };
      this.writeStatus();
      setTimeout(() => this.restart(child, spec, exit, decision.attempt), decision.delayMs).unref();
    });
    return child;
  }

  /** Starts a crashed service again in its place (the stop order stays the start order) and notes when it is ready. */
  private restart(crashed: Child, spec: { args: string[]; env: NodeJS.ProcessEnv; ready: () => Promise<boolean> }, exit: ExitInfo, attempt: number): void {
    if (this.stopping) return;
    const child = this.watch(crashed.name, process.execPath, spec.args, spec.env);
    const at = this.children.indexOf(crashed);
    if (at >= 0) this.children[at] = child;
    else this.children.push(child);
    const started = Date.now();
    waitUntilReady(crashed.name, spec.ready, { timeoutMs: this.opts.config.LAUNCHER_READY_TIMEOUT_MS, signal: this.aborter.signal, child }).then(
      () => {
        this.opts.output.note(`${crashed.name} ready again (pid ${child.pid}, ${Date.now() - started} ms, restart ${attempt})`);
        this.opts.onRestart?.(crashed.name, exit, attempt);
      },
      () => undefined, // it died again (handled by its watch) or the launcher is stopping
    );
  }

  /** Restarts so far, for the banner and (through the status file) the gateway's /readyz. */
  restarts(): Record<string, number> {
    return this.restartPolicy.restarts();
  }

  private writeStatus(): void {
    if (!this.statusFile) return;
    try {
      writeFileSync(this.statusFile, `${JSON.stringify(this.status)}\n`);
    } catch (err) {
      this.opts.output.warn(`could not write ${this.statusFile}: ${(err as Error).message}`);
    }
  }

  /** A nats-server an earlier launcher could not stop (it was killed) would hold the port and the store. */
  private async stopLeftover(storeDir: string, markers: string[]): Promise<void> {
    const pid = leftoverNatsServer(storeDir, markers);
    if (pid === undefined) return;
    this.opts.output.warn(`stopping nats-server pid ${pid}, left running on ${storeDir} by an earlier launcher`);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    process.kill(pid, 'SIGTERM');
    for (let waited = 0; alive() && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    if (alive()) throw new LauncherError(`nats-server pid ${pid} (left from an earlier run) did not stop; stop it and run again`);
  }

  private async connect(url: string): Promise<NatsConnection> {
    const { config } = this.opts;
    const own = this.passwords ? natsUserEnv(BusUsers.launcher, this.passwords) : undefined;
    return connect({
      servers: url.split(',').map((s) => s.trim()),
      name: 'launcher',
      token: config.NATS_TOKEN,
      user: own?.NATS_USER ?? config.NATS_USER,
      pass: own?.NATS_PASSWORD ?? config.NATS_PASSWORD,
      inboxPrefix: own?.NATS_INBOX_PREFIX ?? inboxPrefix(config.NATS_USER),
      ...(config.NATS_TLS_CA ? { tls: { caFile: config.NATS_TLS_CA } } : {}),
      maxReconnectAttempts: -1,
      timeout: 1000,
    });
  }

  /** The NATS user of a child when the launcher's nats-server requires one (its name is its user). */
  private natsUserEnv(name: string): Record<string, string> {
    if (!this.passwords) return {};
    if (isBusUser(name)) return natsUserEnv(name, this.passwords);
    this.opts.output.warn(`${name} has no NATS user in shared/contracts/src/bus-permissions.ts: it connects without credentials and will be refused`);
    return {};
  }
}
