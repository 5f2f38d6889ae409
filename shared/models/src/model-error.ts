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
  /** What the provider answered, in full: for the logs, never for API clients. */
  providerBody?: string | undefined;
  /** How many attempts were made before giving up (provider calls only). */
  attempts?: number | undefined;
  cause?: unknown;
}

export class ModelError extends Error {
  override readonly name = 'ModelError';
  readonly kind: ModelErrorKind;
  readonly status?: number;
  readonly attempts?: number;
  readonly providerBody?: string;

  constructor(kind: ModelErrorKind, message: string, details: ModelErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    if (details.status !== undefined) this.status = details.status;
    if (details.attempts !== undefined) this.attempts = details.attempts;
    if (details.providerBody !== undefined) this.providerBody = details.providerBody;
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
  rateLimited: (status: number, attempts: number, said?: ProviderSaid) =>
    new ModelError('rate_limited', `Model provider rate-limited the request (HTTP ${status}) ${attemptsText(attempts)}${detail(said?.reason)}`, { status, attempts, providerBody: said?.body }),
  unavailable: (status: number, attempts: number, said?: ProviderSaid) =>
    new ModelError('unavailable', `Model provider is unavailable (HTTP ${status}) ${attemptsText(attempts)}${detail(said?.reason)}`, { status, attempts, providerBody: said?.body }),
  unreachable: (base: string, attempts: number, cause: unknown) =>
    new ModelError('unavailable', `Could not reach the model provider at ${base} ${attemptsText(attempts)}${detail(causeText(cause))}`, { attempts, cause }),
  auth: (status: number, said?: ProviderSaid) =>
    new ModelError('auth', `Model provider refused the credentials (HTTP ${status}); check the API key${detail(said?.reason)}`, { status, attempts: 1, providerBody: said?.body }),
  badRequest: (status: number, said?: ProviderSaid) =>
    new ModelError('bad_request', `Model provider rejected the request (HTTP ${status})${detail(said?.reason)}`, { status, attempts: 1, providerBody: said?.body }),
  notFound: (model: string, base: string, said?: ProviderSaid) =>
    new ModelError('bad_request', `Model provider at ${base} does not serve model "${model}" (HTTP 404); check the model name and api_base${detail(said?.reason)}`, { status: 404, attempts: 1, providerBody: said?.body }),
  providerFailed: (said: ProviderSaid | undefined, cause: unknown) =>
    new ModelError('unavailable', `Model provider reported an error while answering${detail(said?.reason)}`, { cause, providerBody: said?.body }),
  blockedAddress: (base: string, blocked: Error) =>
    new ModelError(
      'config',
      `Model endpoint ${base} is not allowed: ${blocked.message}; private, loopback and link-local networks are only reachable when the operator allows them (MODEL_ALLOW_PRIVATE_NETWORKS, MODEL_ALLOWED_NETWORKS)`,
      { attempts: 1, cause: blocked },
    ),
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

/** A provider's error answer: a short reason fit for API clients, and the whole body for the logs. */
export interface ProviderSaid {
  reason?: string | undefined;
  body?: string | undefined;
}

const REASON_CHARS = 160;

/**
 * The provider's own error text, cut down to what a user needs: only a `message` field of a JSON
 * error (an HTML or plain-text page from an unknown server is never echoed), one line, no URLs,
 * no key-like strings, at most 160 characters. Provider answers can carry internal host names,
 * echoed credentials or, from a misdirected `api_base`, someone else's page.
 */
export function sanitizeProviderReason(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const clean = text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[url]')
    .replace(/[A-Za-z0-9_\-*]{24,}/g, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  if (!clean) return undefined;
  return clean.length > REASON_CHARS ? `${clean.slice(0, REASON_CHARS - 1)}…` : clean;
}

function causeText(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as { cause?: unknown }).cause;
    const innerText = inner instanceof Error ? inner.message : '';
    return innerText && !cause.message.includes(innerText) ? `${cause.message} (${innerText})` : cause.message;
  }
  return cause === undefined ? '' : String(cause);
}
