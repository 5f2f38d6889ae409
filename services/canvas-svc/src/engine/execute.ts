/**
 * Running one component body under its policy (AGENTS.md §5): retries with a delay, a timeout, the
 * run's cancellation, and `exception_method: "comment"` with a default value.
 */
import type { ComponentSpec, RunContext } from './component.js';
import { num } from './component.js';
import { CANCELED, messageOf } from './errors.js';
import type { ClockPort } from './types.js';

export interface ExecuteOptions {
  clock: ClockPort;
  /** Overrides every component's own limit (COMPONENT_EXEC_TIMEOUT); undefined = the spec's. */
  timeoutMs: number | undefined;
}

/** Runs the body; returns the error text, or null. */
export async function executeBody(spec: ComponentSpec, ctx: RunContext, runSignal: AbortSignal, options: ExecuteOptions): Promise<string | null> {
  const attempts = 1 + (spec.retries ? Math.max(0, Math.floor(num(ctx.node.params.max_retries))) : 0);
  let error: string | null = null;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (runSignal.aborted) return CANCELED;
    if (attempt > 0) {
      try {
        await options.clock.sleep(num(ctx.node.params.delay_after_error, 2) * 1000, runSignal);
      } catch {
        return CANCELED;
      }
    }
    error = await once(spec, ctx, runSignal, options);
    if (error === null || error === CANCELED) return error;
  }
  return error;
}

async function once(spec: ComponentSpec, ctx: RunContext, runSignal: AbortSignal, options: ExecuteOptions): Promise<string | null> {
  const limit = options.timeoutMs ?? spec.timeoutMs;
  const local = new AbortController();
  const onAbort = () => local.abort(runSignal.reason);
  runSignal.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    const body = spec.run({ ...ctx, signal: local.signal });
    body.catch(() => undefined); // a body that fails after its timeout must not surface as unhandled
    const stops = [body, new Promise<never>((_, reject) => local.signal.addEventListener('abort', () => reject(new Error(runSignal.aborted ? CANCELED : `${spec.type} timed out after ${limit} ms`)), { once: true }))];
    if (limit !== undefined) timer = setTimeout(() => local.abort(new Error('timeout')), limit);
    await Promise.race(stops);
    return null;
  } catch (err) {
    return runSignal.aborted ? CANCELED : messageOf(err);
  } finally {
    clearTimeout(timer);
    runSignal.removeEventListener('abort', onAbort);
  }
}

/** Maps with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
