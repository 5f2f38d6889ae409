import { setTimeout as delay } from 'node:timers/promises';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { isBlockedAddressError } from '@rag/platform';
import { ModelError, ModelErrors, sanitizeProviderReason, type ProviderSaid } from '../model-error.js';
import type { ModelCallOptions } from '../types.js';

/** Timeouts and retry bounds of one provider model, defaults filled in. */
export interface CallPolicy {
  timeoutMs: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
}

export function callPolicy(opts: ModelCallOptions, defaultTimeoutMs = 60_000): CallPolicy {
  return {
    timeoutMs: positive(opts.timeoutMs, defaultTimeoutMs),
    maxAttempts: Math.max(1, Math.floor(positive(opts.maxAttempts, 3))),
    retryBaseDelayMs: nonNegative(opts.retryBaseDelayMs, 500),
    retryMaxDelayMs: nonNegative(opts.retryMaxDelayMs, 20_000),
  };
}

const positive = (v: number | undefined, d: number) => (v !== undefined && Number.isFinite(v) && v > 0 ? v : d);
const nonNegative = (v: number | undefined, d: number) => (v !== undefined && Number.isFinite(v) && v >= 0 ? v : d);

/**
 * Cancellation of one attempt: the caller's signal, plus a deadline. Streams restart the deadline
 * whenever the provider sends something (`arm`) and stop it while the consumer holds a delta
 * (`pause`), so a slow consumer is never mistaken for a stalled provider.
 */
export class Attempt {
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal | undefined;
  readonly #timeoutMs: number;
  #timer: NodeJS.Timeout | undefined;
  #timedOut = false;
  readonly #onCallerAbort = () => this.#controller.abort(this.#caller?.reason);

  constructor(caller: AbortSignal | undefined, timeoutMs: number) {
    this.#caller = caller;
    this.#timeoutMs = timeoutMs;
    if (caller?.aborted) this.#controller.abort(caller.reason);
    else caller?.addEventListener('abort', this.#onCallerAbort, { once: true });
    this.arm();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }
  get timedOut(): boolean {
    return this.#timedOut;
  }
  get callerAborted(): boolean {
    return this.#caller?.aborted === true;
  }
  /** True once the attempt was stopped by the caller or the deadline. */
  get stopped(): boolean {
    return this.#controller.signal.aborted;
  }

  arm(): void {
    this.pause();
    if (this.stopped) return;
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#controller.abort(new Error('model call timed out'));
    }, this.#timeoutMs);
  }

  pause(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Ends the attempt; aborting an unfinished HTTP request closes its connection. */
  dispose(): void {
    this.pause();
    this.#caller?.removeEventListener('abort', this.#onCallerAbort);
    if (!this.#controller.signal.aborted) this.#controller.abort();
  }
}

/** What went wrong in one attempt and whether another attempt may help. */
export interface Failure {
  retryable: boolean;
  /** The provider's `retry-after`, in ms. */
  retryAfterMs?: number | undefined;
  error(attempts: number): ModelError;
}

export interface FailureContext {
  base: string;
  model: string;
  timeoutMs: number;
  /** Set while reading a streamed answer: how much of it had arrived. */
  streamedChars?: number;
}

const final = (e: ModelError): Failure => ({ retryable: false, error: () => e });

export function classifyFailure(err: unknown, attempt: Attempt, ctx: FailureContext): Failure {
  if (attempt.callerAborted) return final(ModelErrors.aborted());
  if (attempt.timedOut || err instanceof APIConnectionTimeoutError) {
    return final(ctx.streamedChars !== undefined ? ModelErrors.streamStalled(ctx.timeoutMs) : ModelErrors.timeout(ctx.timeoutMs));
  }
  if (err instanceof ModelError) return final(err);
  if (err instanceof APIUserAbortError) return final(ModelErrors.aborted());
  const blocked = blockedCause(err);
  if (blocked) return final(ModelErrors.blockedAddress(ctx.base, blocked));
  if (err instanceof APIConnectionError) {
    return { retryable: true, error: (n) => ModelErrors.unreachable(ctx.base, n, err.cause ?? err) };
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status;
    const said = providerMessage(err);
    if (status === 429) return { retryable: true, retryAfterMs: retryAfterMs(err.headers), error: (n) => ModelErrors.rateLimited(status, n, said) };
    if (status === 408 || status >= 500) return { retryable: true, retryAfterMs: retryAfterMs(err.headers), error: (n) => ModelErrors.unavailable(status, n, said) };
    if (status === 401 || status === 403) return final(ModelErrors.auth(status, said));
    if (status === 404) return final(ModelErrors.notFound(ctx.model, ctx.base, said));
    return final(ModelErrors.badRequest(status, said));
  }
  if (err instanceof APIError) {
    // An `error` object inside an answer stream: the provider gave up mid-answer.
    return final(ModelErrors.providerFailed(providerMessage(err), err));
  }
  if (err instanceof SyntaxError) return final(ModelErrors.badResponse(err.message));
  if (ctx.streamedChars !== undefined) {
    // The connection died while the answer was arriving (undici: `TypeError: terminated`).
    return { retryable: true, error: () => ModelErrors.brokenStream(ctx.streamedChars ?? 0, err) };
  }
  if (err instanceof TypeError) return { retryable: true, error: (n) => ModelErrors.unreachable(ctx.base, n, err) };
  return final(ModelErrors.unknown(err));
}

const BODY_LOG_CHARS = 4000;

/** The provider's answer to a failed call: a sanitized reason for clients, the body for the logs. */
function providerMessage(err: APIError): ProviderSaid | undefined {
  const body = err.error as { message?: unknown; error?: { message?: unknown } } | string | undefined;
  if (body === undefined || body === null) return undefined;
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const reason = typeof body === 'string' ? undefined : sanitizeProviderReason(body.message ?? body.error?.message);
  return { reason, body: raw.slice(0, BODY_LOG_CHARS) };
}

/** The address guard's refusal, wherever the fetch stack wrapped it. */
function blockedCause(err: unknown): Error | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = (e as { cause?: unknown }).cause, depth++) if (isBlockedAddressError(e)) return e;
  return undefined;
}

/** `retry-after-ms`, then `retry-after` as seconds or an HTTP date. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const secs = Number.parseFloat(raw);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** Exponential backoff with equal jitter; the provider's `retry-after` wins, both capped. */
export function retryDelayMs(policy: CallPolicy, retry: number, retryAfter: number | undefined, random = Math.random): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.retryMaxDelayMs);
  const ceiling = Math.min(policy.retryMaxDelayMs, policy.retryBaseDelayMs * 2 ** (retry - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

export async function waitBeforeRetry(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) throw ModelErrors.aborted();
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch {
    throw ModelErrors.aborted();
  }
}

/** Runs one request with the policy's deadline per attempt and bounded, backed-off retries. */
export async function withRetries<T>(policy: CallPolicy, signal: AbortSignal | undefined, ctx: Omit<FailureContext, 'timeoutMs'>, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  for (let attemptNo = 1; ; attemptNo++) {
    const attempt = new Attempt(signal, policy.timeoutMs);
    let failure: Failure;
    try {
      return await run(attempt.signal);
    } catch (err) {
      failure = classifyFailure(err, attempt, { ...ctx, timeoutMs: policy.timeoutMs });
    } finally {
      attempt.dispose();
    }
    if (!failure.retryable || attemptNo >= policy.maxAttempts) throw failure.error(attemptNo);
    await waitBeforeRetry(retryDelayMs(policy, attemptNo, failure.retryAfterMs), signal);
  }
}
