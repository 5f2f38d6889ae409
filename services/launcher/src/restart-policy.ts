/**
 * When a service that was running dies on its own, the launcher starts it again after a delay that
 * doubles with each crash inside the window (capped), and gives up once a service crashed more than
 * `maxRestarts` times inside the window: something is wrong that a restart will not fix.
 */
export interface RestartPolicyOptions {
  maxRestarts: number;
  windowMs: number;
  backoffMs: number;
  maxBackoffMs?: number;
}

export type RestartDecision = { restart: true; delayMs: number; attempt: number } | { restart: false; crashes: number };

export class RestartPolicy {
  private readonly crashes = new Map<string, number[]>();
  private readonly totals = new Map<string, number>();

  constructor(private readonly opts: RestartPolicyOptions) {}

  /** Records a crash of `name` at `now` and says whether (and after how long) to restart it. */
  onCrash(name: string, now = Date.now()): RestartDecision {
    const recent = (this.crashes.get(name) ?? []).filter((t) => now - t < this.opts.windowMs);
    recent.push(now);
    this.crashes.set(name, recent);
    if (recent.length > this.opts.maxRestarts) return { restart: false, crashes: recent.length };
    const attempt = (this.totals.get(name) ?? 0) + 1;
    this.totals.set(name, attempt);
    const delayMs = Math.min(this.opts.backoffMs * 2 ** (recent.length - 1), this.opts.maxBackoffMs ?? 30_000);
    return { restart: true, delayMs, attempt };
  }

  /** Restarts so far, per service that has had one. */
  restarts(): Record<string, number> {
    return Object.fromEntries(this.totals);
  }
}
