import type OpenAI from 'openai';
import { ModelErrors } from '../model-error.js';
import type { Endpoint } from '../provider-endpoints.js';
import { estimateTokens } from '../token-count.js';
import type { ModelCallOptions, Reranker, RerankOptions, RerankResult } from '../types.js';
import { callPolicy, withRetries, type CallPolicy } from './call-policy.js';
import { endpointBase, endpointModel, openaiClient } from './client.js';

/**
 * The `/rerank` answer shapes in use: Jina, Cohere v2, SiliconFlow, vLLM, Xinference and LocalAI
 * send `results`, Voyage sends `data`; each item names the document by `index`.
 */
interface RerankResponse {
  results?: Array<{ index?: number; relevance_score?: number; score?: number }>;
  data?: Array<{ index?: number; relevance_score?: number; score?: number }>;
  usage?: { total_tokens?: number; prompt_tokens?: number };
  meta?: { tokens?: { input_tokens?: number }; billed_units?: { input_tokens?: number } };
}

/**
 * Reranking through `POST {base}/rerank` with `{model, query, documents, top_n}`. The openai client
 * has no rerank resource, but its generic `post` gives the same auth, headers and errors.
 */
export class HttpReranker implements Reranker {
  readonly name: string;
  readonly #client: OpenAI;
  readonly #model: string;
  readonly #base: string;
  readonly #policy: CallPolicy;

  constructor(name: string, endpoint: Exclude<Endpoint, { kind: 'builtin' }>, opts: ModelCallOptions = {}) {
    this.name = name;
    this.#client = openaiClient(endpoint, opts);
    this.#model = endpointModel(endpoint);
    this.#base = endpointBase(endpoint);
    this.#policy = callPolicy(opts);
  }

  async rerank(query: string, documents: string[], opts: RerankOptions = {}): Promise<RerankResult> {
    if (documents.length === 0) return { scores: [], tokens: 0 };
    const body = { model: this.#model, query, documents, top_n: documents.length };
    const response = await withRetries(this.#policy, opts.signal, { base: this.#base, model: this.#model }, (signal) =>
      this.#client.post<RerankResponse>('/rerank', { body, signal }),
    );
    const items = response?.results ?? response?.data;
    if (!Array.isArray(items)) throw ModelErrors.badResponse('a rerank answer without `results`');
    // A document the provider left out (it should not, with top_n = all) scores 0.
    const scores = documents.map(() => 0);
    for (const item of items) {
      const score = item.relevance_score ?? item.score;
      if (typeof item.index === 'number' && item.index >= 0 && item.index < documents.length && typeof score === 'number') scores[item.index] = score;
    }
    const reported = response.usage?.total_tokens ?? response.usage?.prompt_tokens ?? response.meta?.tokens?.input_tokens ?? response.meta?.billed_units?.input_tokens;
    const tokens = typeof reported === 'number' && reported > 0 ? reported : documents.reduce((s, d) => s + estimateTokens(query) + estimateTokens(d), 0);
    return { scores, tokens };
  }
}
