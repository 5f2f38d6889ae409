import { defineConfig } from '@rag/platform';
import { describeExit } from './children.js';
import { launcherConfig, type LauncherConfig } from './config.js';
import { Launcher, NATS_CHILD, type Started } from './launcher.js';
import { consoleOutput, type Output } from './output.js';
import type { ServiceEntry } from './services.js';

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function restartLine(config: LauncherConfig, restarts: Record<string, number>): string {
  const counts = Object.entries(restarts).map(([name, n]) => `${name} ${n}×`);
  const policy = config.LAUNCHER_RESTART_MAX ? `a service that dies is restarted; more than ${config.LAUNCHER_RESTART_MAX} restarts within ${config.LAUNCHER_RESTART_WINDOW_MS / 1000} s stop everything` : 'off: a service that dies stops everything';
  return `  restarts  ${counts.length ? counts.join(', ') : 'none'}   (${policy})`;
}

function banner(s: Started, env: NodeJS.ProcessEnv, config: LauncherConfig): string[] {
  return [
    '',
    'RAGFlow API over NATS is up',
    s.httpUrl ? `  HTTP      ${s.httpUrl}   (try: curl ${s.httpUrl}/v1/system/ping)` : '  HTTP      none: the gateway is not running',
    `  NATS      ${s.natsUrl}${s.natsStore ? `   (JetStream store ${s.natsStore})` : ''}`,
    `  metadata  ${env.DATABASE_URL ? redactUrl(env.DATABASE_URL) : `SQLite files in ${s.dataDir}`}`,
    `  running   ${s.running.join(', ') || '(nothing)'}`,
    ...(s.skipped.length ? [`  skipped   ${s.skipped.join(', ')} (not built)`] : []),
    restartLine(config, s.restarts),
    'Ctrl-C stops everything.',
    '',
  ];
}

/**
 * The launcher as a program: starts everything, prints the banner, and resolves with the exit code
 * once everything has stopped: 0 after SIGINT/SIGTERM/SIGHUP, 1 when something failed or died; a second
 * signal kills whatever is left at once (130).
 */
export async function runLauncher(opts: { rootDir: string; services: readonly ServiceEntry[]; env?: NodeJS.ProcessEnv; output?: Output }): Promise<number> {
  const env = opts.env ?? process.env;
  let config;
  try {
    config = defineConfig(launcherConfig).load(env);
  } catch (err) {
    process.stderr.write(`launcher: ${(err as Error).message}\n`);
    return 1;
  }
  const output = opts.output ?? consoleOutput([NATS_CHILD, ...opts.services.map((s) => s.name)]);

  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  let exitCode: number | undefined;
  const shutdown = (code: number, reason: string) => {
    if (exitCode !== undefined) return;
    exitCode = code;
    if (code === 0) output.note(reason);
    else output.warn(reason);
    launcher.stop().then(
      () => finish(code),
      (err: Error) => {
        output.warn(`stop failed: ${err.message}`);
        finish(1);
      },
    );
  };
  const launcher = new Launcher({
    rootDir: opts.rootDir,
    services: opts.services,
    config,
    env,
    output,
    onUnexpectedExit: (name, exit, crashes) =>
      shutdown(1, crashes ? `${name} keeps crashing (${crashes} times within ${config.LAUNCHER_RESTART_WINDOW_MS} ms, last: ${describeExit(exit)}): stopping everything` : `${name} ${describeExit(exit)} unexpectedly: stopping everything`),
    onRestart: () => output.note(restartLine(config, launcher.restarts())),
  });

  const onSignal = (sig: NodeJS.Signals) => {
    if (exitCode === undefined) return shutdown(0, `${sig}: stopping everything`);
    output.warn(`${sig} again: killing everything now`);
    launcher.killAll('SIGKILL');
    finish(130);
  };
  const onExit = () => launcher.killAll();
  // SIGHUP: the terminal went away; stop in order rather than leave the children behind.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const sig of signals) process.on(sig, onSignal);
  process.on('exit', onExit);

  launcher.start().then(
    (started) => {
      if (exitCode === undefined) for (const line of banner(started, env, config)) output.note(line);
    },
    (err: Error) => shutdown(1, err.name === 'LauncherError' || err.name === 'AbortError' ? err.message : (err.stack ?? err.message)),
  );
  try {
    return await finished;
  } finally {
    for (const sig of signals) process.off(sig, onSignal);
    process.off('exit', onExit);
  }
}
