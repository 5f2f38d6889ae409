import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Output } from './output.js';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  error?: string;
}

export function describeExit(e: ExitInfo): string {
  if (e.error) return `could not start: ${e.error}`;
  return e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
}

/** A child process the launcher owns: its lines go to the output with its name, and it can be stopped. */
export class Child {
  readonly exited: Promise<ExitInfo>;
  private exit: ExitInfo | undefined;
  private readonly proc: ChildProcess;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    opts: { env: NodeJS.ProcessEnv; cwd: string; output: Output; stdinPipe?: boolean },
  ) {
    // A process group of its own: a Ctrl-C in the terminal reaches only the launcher, which then
    // stops the children one by one in order instead of all of them racing each other. A child
    // given a stdin pipe can notice the launcher is gone when the pipe closes (see PARENT_WATCH).
    this.proc = spawn(command, args, { env: opts.env, cwd: opts.cwd, stdio: [opts.stdinPipe ? 'pipe' : 'ignore', 'pipe', 'pipe'], detached: true });
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = this.proc[stream];
      if (source) createInterface({ input: source, crlfDelay: Infinity }).on('line', (text) => opts.output.line(name, text, stream));
    }
    this.exited = new Promise((resolve) => {
      const settle = (e: ExitInfo) => {
        if (this.exit) return;
        this.exit = e;
        resolve(e);
      };
      this.proc.once('error', (err) => settle({ code: null, signal: null, error: err.message }));
      this.proc.once('exit', (code, signal) => settle({ code, signal }));
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `timeoutMs`. */
  async stop(timeoutMs: number): Promise<{ exit: ExitInfo; killed: boolean }> {
    if (this.exit) return { exit: this.exit, killed: false };
    this.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([this.exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)))]);
    clearTimeout(timer);
    if (timedOut) this.signal('SIGKILL');
    return { exit: await this.exited, killed: timedOut };
  }

  /** Best effort, synchronous: used when the launcher itself is going down hard. */
  signal(sig: NodeJS.Signals): void {
    if (this.exit || this.proc.pid === undefined) return;
    try {
      this.proc.kill(sig);
    } catch {
      /* already gone */
    }
  }
}
