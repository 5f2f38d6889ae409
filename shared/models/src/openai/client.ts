import OpenAI, { AzureOpenAI } from 'openai';
import { NetworkGuard } from '@rag/platform';
import type { Endpoint } from '../provider-endpoints.js';
import type { ModelCallOptions } from '../types.js';

/** The openai client for an endpoint. Retries and deadlines are ours (call-policy), so it gets none. */
export function openaiClient(endpoint: Exclude<Endpoint, { kind: 'builtin' }>, opts: ModelCallOptions): OpenAI {
  const common = {
    maxRetries: 0,
    timeout: 24 * 60 * 60 * 1000,
    // Never pick up a developer's OPENAI_ORG_ID / OPENAI_PROJECT_ID and send it to another vendor.
    organization: null,
    project: null,
    fetch: guardedFetch(opts),
  };
  if (endpoint.kind === 'azure') {
    // The base URL AzureOpenAI derives from `endpoint`, given outright so that an OPENAI_BASE_URL in
    // the environment cannot clash with it.
    const baseURL = `${endpoint.endpoint.replace(/\/+$/, '')}/openai`;
    return new AzureOpenAI({ baseURL, apiKey: endpoint.apiKey, apiVersion: endpoint.apiVersion, deployment: endpoint.deployment, ...common });
  }
  return new OpenAI({ baseURL: endpoint.baseURL, apiKey: endpoint.apiKey, ...common });
}

const DEFAULT_GUARD = new NetworkGuard();

/** Every provider request passes the address guard; a test's own fetch gets the static check. */
function guardedFetch(opts: ModelCallOptions): typeof fetch {
  const guard = opts.guard ?? DEFAULT_GUARD;
  const testFetch = opts.fetch;
  if (!testFetch) return guard.fetch;
  return (input, init) => {
    guard.checkUrlStatic(typeof input === 'string' ? input : input instanceof URL ? input : input.url);
    return testFetch(input, init);
  };
}

export function endpointBase(endpoint: Exclude<Endpoint, { kind: 'builtin' }>): string {
  return endpoint.kind === 'azure' ? endpoint.endpoint : endpoint.baseURL;
}

export function endpointModel(endpoint: Exclude<Endpoint, { kind: 'builtin' }>): string {
  return endpoint.kind === 'azure' ? endpoint.deployment : endpoint.model;
}
