import { RequestStrategy, type NatsConnection } from 'nats';
import { describeExit, type Child } from './children.js';
import { LauncherError } from './nats-server.js';

/** Polls `check` until it answers true; fails early when `child` exits or `signal` aborts. */
export async function waitUntilReady(what: string, check: () => Promise<boolean>, opts: { timeoutMs: number; signal: AbortSignal; child?: Child | undefined; intervalMs?: number }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    opts.signal.throwIfAborted();
    if (opts.child && !opts.child.running) throw new LauncherError(`${what} ${describeExit(await opts.child.exited)} before it was ready`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new LauncherError(`${what} was not ready within ${opts.timeoutMs} ms`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, opts.intervalMs ?? 150);
      opts.signal.addEventListener('abort', done, { once: true });
      void opts.child?.exited.then(done);
      function done() {
        clearTimeout(timer);
        opts.signal.removeEventListener('abort', done);
        resolve();
      }
    });
  }
}

/** True once an instance of the NATS service `name` answers a Service API ping. */
export async function natsServiceAnswers(nc: NatsConnection, name: string): Promise<boolean> {
  const replies = await nc.services.client({ strategy: RequestStrategy.Count, maxMessages: 1, maxWait: 500 }).ping(name);
  for await (const _identity of replies) return true;
  return false;
}

/** True once `url` answers 2xx. */
export async function httpAnswers(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await res.body?.cancel();
  return res.ok;
}
