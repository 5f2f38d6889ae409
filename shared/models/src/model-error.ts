/**
 * The one error type model calls throw. `kind` is what a caller branches on (retry later, fix the
 * key, tell the user); `message` is written for the person who sees it.
 */
export const MODEL_ERROR_KINDS = [
  'rate_limited',
  'timeout',
  'auth',
  'bad_request',
  'unavailable',
  'broken_stream',
  'unsupported',
  'config',
  'aborted',
  'unknown',
] as const;
export type ModelErrorKind = (typeof MODEL_ERROR_KINDS)[number];

export interface ModelErrorDetails {
  status?: number | undefined;
  /** How many attempts were made before giving up (provider calls only). */
  attempts?: number | undefined;
  cause?: unknown;
}

export class ModelError extends Error {
  override readonly name = 'ModelError';
  readonly kind: ModelErrorKind;
  readonly status?: number;
  readonly attempts?: number;

  constructor(kind: ModelErrorKind, message: string, details: ModelErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    if (details.status !== undefined) this.status = details.status;
    if (details.attempts !== undefined) this.attempts = details.attempts;
  }
}

export function isModelError(err: unknown, kind?: ModelErrorKind): err is ModelError {
  return err instanceof ModelError && (kind === undefined || err.kind === kind);
}

const attemptsText = (n: number) => `after ${n} attempt${n === 1 ? '' : 's'}`;
const duration = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(2))} s`);
const detail = (text: string | undefined) => (text ? `: ${text}` : '');

/** The message templates, in one place. */
export const ModelErrors = {
  rateLimited: (status: number, attempts: number, providerMessage?: string) =>
    new ModelError('rate_limited', `Model provider rate-limited the request (HTTP ${status}) ${attemptsText(attempts)}${detail(providerMessage)}`, { status, attempts }),
  unavailable: (status: number, attempts: number, providerMessage?: string) =>
    new ModelError('unavailable', `Model provider is unavailable (HTTP ${status}) ${attemptsText(attempts)}${detail(providerMessage)}`, { status, attempts }),
  unreachable: (base: string, attempts: number, cause: unknown) =>
    new ModelError('unavailable', `Could not reach the model provider at ${base} ${attemptsText(attempts)}${detail(causeText(cause))}`, { attempts, cause }),
  auth: (status: number, providerMessage?: string) =>
    new ModelError('auth', `Model provider refused the credentials (HTTP ${status}); check the API key${detail(providerMessage)}`, { status, attempts: 1 }),
  badRequest: (status: number, providerMessage?: string) =>
    new ModelError('bad_request', `Model provider rejected the request (HTTP ${status})${detail(providerMessage)}`, { status, attempts: 1 }),
  notFound: (model: string, base: string, providerMessage?: string) =>
    new ModelError('bad_request', `Model provider at ${base} does not serve model "${model}" (HTTP 404); check the model name and api_base${detail(providerMessage)}`, { status: 404, attempts: 1 }),
  timeout: (ms: number) => new ModelError('timeout', `Model provider did not answer within ${duration(ms)}`, { attempts: 1 }),
  streamStalled: (ms: number) => new ModelError('timeout', `Model provider stopped sending the answer for ${duration(ms)}`, { attempts: 1 }),
  brokenStream: (received: number, cause: unknown) =>
    new ModelError('broken_stream', `The model's answer stream broke off after ${received} characters${detail(causeText(cause))}`, { cause }),
  aborted: () => new ModelError('aborted', 'The model call was cancelled'),
  badResponse: (what: string) => new ModelError('unknown', `Model provider sent an answer this server cannot read: ${what}`),
  unknown: (cause: unknown) => new ModelError('unknown', `Model call failed${detail(causeText(cause))}`, { cause }),
  unknownFactory: (factory: string, type: string) =>
    new ModelError('unsupported', `Model factory "${factory}" has no known ${type} endpoint; give the model an api_base of an OpenAI-compatible server`),
  needsApiBase: (factory: string) => new ModelError('config', `Models of factory "${factory}" need an api_base (the URL of the OpenAI-compatible server)`),
  builtinUnsupported: (type: string, name: string) =>
    new ModelError('unsupported', `There is no built-in ${type} model "${name}"; give it an api_base or choose a provider model`),
} as const;

function causeText(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as { cause?: unknown }).cause;
    const innerText = inner instanceof Error ? inner.message : '';
    return innerText && !cause.message.includes(innerText) ? `${cause.message} (${innerText})` : cause.message;
  }
  return cause === undefined ? '' : String(cause);
}
