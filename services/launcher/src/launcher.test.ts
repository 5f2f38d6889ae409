import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { connect } from 'nats';
import { ServiceNames, inboxPrefix } from '@rag/contracts';
import { Bus, createLogger, createMetrics, defineConfig, natsConnectOptions } from '@rag/platform';
import { freePort } from '../../../test/support/nats-server.js';
import { launcherConfig } from './config.js';
import { Launcher, entryPoint } from './launcher.js';
import { findExecutable } from './nats-server.js';
import type { Output } from './output.js';
import { SERVICES, type ServiceEntry } from './services.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const natsModule = pathToFileURL(createRequire(import.meta.url).resolve('nats')).href;

/** A stand-in service: registers with the NATS Service API (or serves /readyz) and logs start/stop. */
function writeFakeService(root: string, name: string, opts: { http?: boolean; crashAfterMs?: number; crashOnceAfterMs?: number; exitAtStart?: number } = {}): void {
  const file = entryPoint(root, name);
  mkdirSync(path.dirname(file), { recursive: true });
  const body = opts.http
    ? `import http from 'node:http';
       const server = http.createServer((req, res) => res.writeHead(req.url === '/readyz' ? 200 : 404).end());
       await new Promise((r) => server.listen(Number(process.env.PORT), process.env.HOST, r));
       const close = () => new Promise((r) => server.close(r));`
    : `import nats from ${JSON.stringify(natsModule)};
       const nc = await nats.connect({ servers: process.env.NATS_URL, user: process.env.NATS_USER, pass: process.env.NATS_PASSWORD, inboxPrefix: process.env.NATS_INBOX_PREFIX, ...(process.env.NATS_TLS_CA ? { tls: { caFile: process.env.NATS_TLS_CA } } : {}) });
       const srv = await nc.services.add({ name: ${JSON.stringify(name)}, version: '0.0.1' });
       const close = async () => { await srv.stop(); await nc.drain(); };`;
  writeFileSync(
    file,
    `import { appendFileSync } from 'node:fs';
     const log = (m) => appendFileSync(process.env.FAKE_LOG, m + '\\n');
     ${opts.exitAtStart !== undefined ? `process.exit(${opts.exitAtStart});` : ''}
     ${body}
     log('start ${name} probe=' + (process.env.PROBE_PORT ?? '-') + (process.env.NATS_USER ? ' user=' + process.env.NATS_USER : ''));
     ${opts.crashAfterMs !== undefined ? `setTimeout(() => process.exit(3), ${opts.crashAfterMs});` : ''}
     ${opts.crashOnceAfterMs !== undefined ? `const { existsSync, writeFileSync } = await import('node:fs');
       const marker = process.env.FAKE_LOG + '.${name}.crashed';
       if (!existsSync(marker)) setTimeout(() => (writeFileSync(marker, ''), process.exit(4)), ${opts.crashOnceAfterMs});` : ''}
     process.on('SIGTERM', async () => { log('stop ${name}'); await close(); process.exit(0); });`,
  );
}

function quietOutput(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { lines, line: (name, text) => void lines.push(`${name}: ${text}`), note: (t) => void lines.push(t), warn: (t) => void lines.push(`warning: ${t}`) };
}

function natsAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

const services = (...entries: [string, boolean?][]): ServiceEntry[] =>
  entries.map(([name, http]) => (http ? { name, ready: { kind: 'http', path: '/readyz' }, http: true } : { name, ready: { kind: 'nats-service' } }));

describe('launcher', { skip: findExecutable('nats-server') ? false : 'nats-server is not installed' }, () => {
  let root: string;
  let log: string;
  let env: Record<string, string>;
  const readLog = () => readFileSync(log, 'utf8').trim().split('\n');

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'rag-launcher-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  async function setup(name: string): Promise<{ rootDir: string; natsPort: number }> {
    const rootDir = path.join(root, name);
    mkdirSync(rootDir);
    log = path.join(rootDir, 'events.log');
    writeFileSync(log, '');
    const natsPort = await freePort();
    env = {
      PATH: process.env.PATH ?? '',
      FAKE_LOG: log,
      DATA_DIR: path.join(rootDir, 'data'),
      LAUNCHER_NATS_PORT: String(natsPort),
      PORT: String(await freePort()),
      LAUNCHER_READY_TIMEOUT_MS: '15000',
      LAUNCHER_STOP_TIMEOUT_MS: '5000',
      // The stand-in services connect without credentials; the auth test turns it on.
      LAUNCHER_NATS_AUTH: 'false',
      LAUNCHER_RESTART_BACKOFF_MS: '50',
    };
    return { rootDir, natsPort };
  }

  test('starts nats-server and the services in order, skips unbuilt ones, stops them in reverse', async () => {
    const { rootDir, natsPort } = await setup('order');
    for (const n of ['alpha-svc', 'beta-svc']) writeFakeService(rootDir, n);
    writeFakeService(rootDir, 'web', { http: true });
    env.LAUNCHER_PROBE_PORT_BASE = '9400';
    const output = quietOutput();
    const unexpected: string[] = [];
    const launcher = new Launcher({
      rootDir,
      services: services(['alpha-svc'], ['missing-svc'], ['beta-svc'], ['web', true]),
      config: defineConfig(launcherConfig).load(env),
      env,
      output,
      onUnexpectedExit: (name) => unexpected.push(name),
    });
    try {
      const started = await launcher.start();
      assert.deepEqual(started.running, ['alpha-svc', 'beta-svc', 'web']);
      assert.deepEqual(started.skipped, ['missing-svc']);
      assert.equal(started.httpUrl, `http://127.0.0.1:${env.PORT}`);
      assert.equal(started.natsStore, path.join(rootDir, 'data', 'nats'));
      assert.ok(output.lines.some((l) => /skipping missing-svc/.test(l)));
    } finally {
      await launcher.stop();
    }
    assert.deepEqual(readLog(), ['start alpha-svc probe=9400', 'start beta-svc probe=9401', 'start web probe=-', 'stop web', 'stop beta-svc', 'stop alpha-svc']);
    assert.equal(await natsAnswers(natsPort), false, 'nats-server is stopped');
    assert.deepEqual(unexpected, []);
    assert.ok(output.lines.includes('nats stopped'));
  });

  test('with LAUNCHER_NATS_AUTH (the default) nats-server requires a user per child, generated into DATA_DIR/nats-auth with mode 0600', async () => {
    const { rootDir, natsPort } = await setup('auth');
    delete env.LAUNCHER_NATS_AUTH;
    writeFakeService(rootDir, ServiceNames.account);
    writeFakeService(rootDir, 'gateway', { http: true });
    const config = defineConfig(launcherConfig).load(env);
    assert.equal(config.LAUNCHER_NATS_AUTH, true);
    const authDir = path.join(rootDir, 'data', 'nats-auth');
    const start = async () => {
      const launcher = new Launcher({ rootDir, services: services([ServiceNames.account], ['gateway', true]), config, env, output: quietOutput() });
      try {
        await launcher.start();
        await assert.rejects(connect({ servers: `nats://127.0.0.1:${natsPort}`, reconnect: false }), /Authorization Violation/i, 'no credentials, no connection');
        const passwords = JSON.parse(readFileSync(path.join(authDir, 'passwords.json'), 'utf8')) as Record<string, string>;
        const nc = await connect({ servers: `nats://127.0.0.1:${natsPort}`, user: 'gateway', pass: passwords.gateway, inboxPrefix: inboxPrefix('gateway') });
        await nc.close();
        return passwords;
      } finally {
        await launcher.stop();
      }
    };
    const first = await start();
    for (const f of ['passwords.json', 'nats-server.conf']) assert.equal(statSync(path.join(authDir, f)).mode & 0o777, 0o600, f);
    assert.deepEqual(await start(), first, 'a restart keeps the passwords');
    assert.deepEqual(readLog().filter((l) => l.startsWith('start')), [`start ${ServiceNames.account} probe=0 user=${ServiceNames.account}`, 'start gateway probe=- user=gateway', `start ${ServiceNames.account} probe=0 user=${ServiceNames.account}`, 'start gateway probe=- user=gateway']);
  });

  test('LAUNCHER_NATS_TLS_CERT/KEY: nats-server speaks TLS only; the launcher and its children connect with NATS_TLS_CA', { skip: findExecutable('openssl') ? false : 'openssl is not installed (needed to make a test certificate)' }, async () => {
    const { rootDir, natsPort } = await setup('tls');
    delete env.LAUNCHER_NATS_AUTH;
    const cert = path.join(rootDir, 'cert.pem');
    const key = path.join(rootDir, 'key.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'pipe' });
    assert.equal(made.status, 0, String(made.stderr));
    Object.assign(env, { LAUNCHER_NATS_TLS_CERT: cert, LAUNCHER_NATS_TLS_KEY: key, NATS_TLS_CA: cert });
    writeFakeService(rootDir, ServiceNames.account);
    const launcher = new Launcher({ rootDir, services: services([ServiceNames.account]), config: defineConfig(launcherConfig).load(env), env, output: quietOutput() });
    try {
      const started = await launcher.start();
      assert.equal(started.natsUrl, `tls://127.0.0.1:${natsPort}`);
      const passwords = JSON.parse(readFileSync(path.join(rootDir, 'data', 'nats-auth', 'passwords.json'), 'utf8')) as Record<string, string>;
      const as = { user: 'gateway', pass: passwords.gateway, inboxPrefix: inboxPrefix('gateway'), reconnect: false };
      await assert.rejects(connect({ servers: `nats://127.0.0.1:${natsPort}`, ...as }), 'a client that does not trust the certificate is refused');
      const nc = await connect({ servers: started.natsUrl, ...as, tls: { caFile: cert } });
      assert.equal(nc.info?.tls_required, true);
      await nc.close();
      // The services' own connection: NATS_TLS_CA and the user's settings through natsConnectOptions.
      const bus = await Bus.connect({
        ...natsConnectOptions({ NATS_URL: started.natsUrl, NATS_TOKEN: undefined, NATS_USER: 'gateway', NATS_PASSWORD: passwords.gateway, NATS_INBOX_PREFIX: undefined, NATS_TLS_CA: cert }),
        name: 'gateway',
        requestTimeoutMs: 2000,
        logger: createLogger('gateway', 'silent'),
        metrics: createMetrics('gateway'),
      });
      assert.equal(bus.nc.info?.tls_required, true);
      await bus.drain();
    } finally {
      await launcher.stop();
    }
    assert.deepEqual(readLog(), [`start ${ServiceNames.account} probe=0 user=${ServiceNames.account}`, `stop ${ServiceNames.account}`], 'the service connected over TLS with its user');
  });

  test('LAUNCHER_NATS_TLS_CERT without LAUNCHER_NATS_TLS_KEY is refused with a message', async () => {
    const { rootDir } = await setup('tls-half');
    env.LAUNCHER_NATS_TLS_CERT = path.join(rootDir, 'cert.pem');
    const launcher = new Launcher({ rootDir, services: [], config: defineConfig(launcherConfig).load(env), env, output: quietOutput() });
    try {
      await assert.rejects(launcher.start(), /LAUNCHER_NATS_TLS_CERT and LAUNCHER_NATS_TLS_KEY go together/);
    } finally {
      await launcher.stop();
    }
  });

  test('with restarts off, a child that dies after start is reported once', async () => {
    const { rootDir } = await setup('crash');
    env.LAUNCHER_RESTART_MAX = '0';
    writeFakeService(rootDir, 'alpha-svc');
    writeFakeService(rootDir, 'beta-svc', { crashAfterMs: 200 });
    let resolveExit!: (v: [string, number | null]) => void;
    const died = new Promise<[string, number | null]>((r) => (resolveExit = r));
    const launcher = new Launcher({
      rootDir,
      services: services(['alpha-svc'], ['beta-svc']),
      config: defineConfig(launcherConfig).load(env),
      env,
      output: quietOutput(),
      onUnexpectedExit: (name, exit) => resolveExit([name, exit.code]),
    });
    try {
      await launcher.start();
      assert.deepEqual(await died, ['beta-svc', 3]);
    } finally {
      await launcher.stop();
    }
    assert.deepEqual(readLog(), ['start alpha-svc probe=0', 'start beta-svc probe=0', 'stop alpha-svc']);
  });

  test('a child that exits before it is ready fails the start with its name', async () => {
    const { rootDir } = await setup('early');
    writeFakeService(rootDir, 'alpha-svc');
    writeFakeService(rootDir, 'beta-svc', { exitAtStart: 2 });
    const launcher = new Launcher({ rootDir, services: services(['alpha-svc'], ['beta-svc']), config: defineConfig(launcherConfig).load(env), env, output: quietOutput() });
    try {
      await assert.rejects(launcher.start(), /beta-svc exited with code 2 before it was ready/);
    } finally {
      await launcher.stop();
    }
    assert.deepEqual(readLog(), ['start alpha-svc probe=0', 'stop alpha-svc']);
  });

  /** Runs the launcher program (runLauncher) in its own process, as `make up` does. */
  function runProgram(rootDir: string, entries: ServiceEntry[]) {
    const runner = path.join(rootDir, 'run.mjs');
    const cli = new URL('./cli.ts', import.meta.url).href;
    writeFileSync(runner, `const { runLauncher } = await import(${JSON.stringify(cli)});\nprocess.exit(await runLauncher({ rootDir: ${JSON.stringify(rootDir)}, services: ${JSON.stringify(entries)} }));\n`);
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', runner], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const printed = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (re.test(out)) (clearInterval(timer), resolve());
          else if (child.exitCode !== null) (clearInterval(timer), reject(new Error(`launcher exited (${child.exitCode}) before printing ${re}:\n${out}`)));
        }, 50);
      });
    return { child, exited, printed, output: () => out };
  }

  test('the program stops everything in reverse order on SIGINT and exits 0', async () => {
    const { rootDir } = await setup('sigint');
    writeFakeService(rootDir, 'alpha-svc');
    writeFakeService(rootDir, 'web', { http: true });
    const run = runProgram(rootDir, services(['alpha-svc'], ['web', true]));
    await run.printed(/Ctrl-C stops everything/);
    assert.match(run.output(), new RegExp(`HTTP +http://127.0.0.1:${env.PORT}`));
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.output());
    assert.deepEqual(readLog(), ['start alpha-svc probe=0', 'start web probe=-', 'stop web', 'stop alpha-svc']);
    assert.match(run.output(), /all stopped/);
  });

  test('the program restarts a crashing service with backoff, and stops everything with exit 1 when it keeps crashing', async () => {
    const { rootDir } = await setup('dies');
    env.LAUNCHER_RESTART_MAX = '2';
    writeFakeService(rootDir, 'alpha-svc');
    writeFakeService(rootDir, 'beta-svc', { crashAfterMs: 300 });
    const run = runProgram(rootDir, services(['alpha-svc'], ['beta-svc']));
    assert.equal(await run.exited, 1, run.output());
    assert.match(run.output(), /beta-svc exited with code 3 unexpectedly: restarting it in 50 ms \(restart 1;/);
    assert.match(run.output(), /beta-svc exited with code 3 unexpectedly: restarting it in 100 ms \(restart 2;/);
    assert.match(run.output(), /beta-svc keeps crashing \(3 times within 60000 ms, last: exited with code 3\): stopping everything/);
    assert.match(run.output(), /restarts +beta-svc 1×/, 'the restart shows in the launcher\'s status line');
    assert.deepEqual(readLog(), ['start alpha-svc probe=0', 'start beta-svc probe=0', 'start beta-svc probe=0', 'start beta-svc probe=0', 'stop alpha-svc']);
  });

  test('a service that dies once is restarted in its place, the launcher stays up, and the status file counts it', async () => {
    const { rootDir } = await setup('restart');
    writeFakeService(rootDir, 'alpha-svc');
    writeFakeService(rootDir, 'beta-svc', { crashOnceAfterMs: 1000 });
    writeFakeService(rootDir, 'web', { http: true });
    const output = quietOutput();
    const unexpected: string[] = [];
    let resolveRestart!: (v: [string, number | null, number]) => void;
    const restarted = new Promise<[string, number | null, number]>((r) => (resolveRestart = r));
    const launcher = new Launcher({
      rootDir,
      services: services(['alpha-svc'], ['beta-svc'], ['web', true]),
      config: defineConfig(launcherConfig).load(env),
      env,
      output,
      onUnexpectedExit: (name) => unexpected.push(name),
      onRestart: (name, exit, n) => resolveRestart([name, exit.code, n]),
    });
    try {
      await launcher.start();
      assert.deepEqual(await restarted, ['beta-svc', 4, 1]);
      assert.deepEqual(launcher.restarts(), { 'beta-svc': 1 });
      const status = JSON.parse(readFileSync(path.join(rootDir, 'data', 'launcher-status.json'), 'utf8'));
      assert.deepEqual(Object.keys(status.restarts), ['beta-svc']);
      assert.equal(status.restarts['beta-svc'].count, 1);
      assert.equal(status.restarts['beta-svc'].last_exit, 'exited with code 4');
      assert.ok(output.lines.some((l) => /warning: beta-svc exited with code 4 unexpectedly: restarting it in 50 ms/.test(l)), output.lines.join('\n'));
      assert.ok(output.lines.some((l) => /beta-svc ready again \(pid \d+, \d+ ms, restart 1\)/.test(l)));
    } finally {
      await launcher.stop();
    }
    assert.deepEqual(unexpected, []);
    const lines = readLog();
    assert.deepEqual(lines.slice(0, 2), ['start alpha-svc probe=0', 'start beta-svc probe=0']);
    assert.deepEqual(lines.slice(2, 4).sort(), ['start beta-svc probe=0', 'start web probe=-'], 'beta-svc came back (before or after web started)');
    assert.deepEqual(lines.slice(4), ['stop web', 'stop beta-svc', 'stop alpha-svc'], 'the restarted service stops in its place');
  });

  test('when the launcher is killed its services stop themselves, and the next launcher stops the orphaned nats-server', async () => {
    const { rootDir, natsPort } = await setup('killed');
    writeFakeService(rootDir, 'alpha-svc');
    const run = runProgram(rootDir, services(['alpha-svc']));
    await run.printed(/Ctrl-C stops everything/);
    run.child.kill('SIGKILL');
    await run.exited;
    const deadline = Date.now() + 10_000;
    while (!readLog().includes('stop alpha-svc') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(readLog(), ['start alpha-svc probe=0', 'stop alpha-svc']);
    assert.equal(await natsAnswers(natsPort), true, 'nats-server outlives a SIGKILLed launcher');

    const output = quietOutput();
    const launcher = new Launcher({ rootDir, services: services(['alpha-svc']), config: defineConfig(launcherConfig).load(env), env, output });
    try {
      await launcher.start();
      assert.ok(output.lines.some((l) => /stopping nats-server pid \d+, left running/.test(l)), output.lines.join('\n'));
    } finally {
      await launcher.stop();
    }
    assert.equal(await natsAnswers(natsPort), false);
  });
});

test('findExecutable resolves names on PATH and paths as given', () => {
  assert.equal(findExecutable('sh', '/bin'), '/bin/sh');
  assert.equal(findExecutable('no-such-program-here', '/bin'), undefined);
  assert.equal(findExecutable('/bin/sh'), '/bin/sh');
});

test('make up runs every service, document-svc before parse-worker (it creates the work queue) and the gateway last', () => {
  assert.deepEqual(
    SERVICES.map((s) => s.name),
    [ServiceNames.account, ServiceNames.dataset, ServiceNames.document, ServiceNames.dialog, ServiceNames.canvas, ServiceNames.parseWorker, 'gateway'],
  );
  assert.deepEqual(
    SERVICES.filter((s) => s.http).map((s) => s.name),
    ['gateway'],
  );
  for (const s of SERVICES) assert.ok(existsSync(path.join(ROOT, 'services', s.name, 'src', 'main.ts')), `services/${s.name}/src/main.ts`);
});
