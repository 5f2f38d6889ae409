import type OpenAI from 'openai';
import { ModelErrors } from '../model-error.js';
import type { Endpoint } from '../provider-endpoints.js';
import { estimateTokens } from '../token-count.js';
import type { EmbeddingModel, Embeddings, EmbedOptions, ModelCallOptions } from '../types.js';
import { normalizeInPlace } from '../vector-math.js';
import { callPolicy, withRetries, type CallPolicy } from './call-policy.js';
import { endpointBase, endpointModel, openaiClient } from './client.js';

/** Embeddings from any OpenAI-compatible `/embeddings` endpoint, in batches, one request at a time. */
export class OpenAIEmbeddingModel implements EmbeddingModel {
  readonly name: string;
  #dimensions: number | undefined;
  readonly #client: OpenAI;
  readonly #model: string;
  readonly #base: string;
  readonly #policy: CallPolicy;
  readonly #batchSize: number;

  constructor(name: string, endpoint: Exclude<Endpoint, { kind: 'builtin' }>, opts: ModelCallOptions = {}) {
    this.name = name;
    this.#client = openaiClient(endpoint, opts);
    this.#model = endpointModel(endpoint);
    this.#base = endpointBase(endpoint);
    this.#policy = callPolicy(opts);
    this.#batchSize = Math.max(1, Math.floor(opts.batchSize ?? 16));
  }

  get dimensions(): number | undefined {
    return this.#dimensions;
  }

  async embed(texts: string[], opts: EmbedOptions = {}): Promise<Embeddings> {
    const vectors: Float32Array[] = [];
    let tokens = 0;
    for (let start = 0; start < texts.length; start += this.#batchSize) {
      const batch = texts.slice(start, start + this.#batchSize);
      const result = await this.#embedBatch(batch, opts.signal);
      vectors.push(...result.vectors);
      tokens += result.tokens;
    }
    return { vectors, tokens };
  }

  async #embedBatch(batch: string[], signal: AbortSignal | undefined): Promise<Embeddings> {
    // Providers reject empty strings; a single space embeds "nothing" the same way everywhere.
    const input = batch.map((t) => (t.trim() ? t : ' '));
    const response = await withRetries(this.#policy, signal, { base: this.#base, model: this.#model }, (attemptSignal) =>
      this.#client.embeddings.create({ model: this.#model, input, encoding_format: 'float' }, { signal: attemptSignal }),
    );
    const data = Array.isArray(response?.data) ? response.data : [];
    if (data.length !== batch.length) throw ModelErrors.badResponse(`${data.length} embeddings for ${batch.length} texts`);
    const ordered = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    const vectors = ordered.map((d) => {
      if (!Array.isArray(d.embedding) || d.embedding.length === 0) throw ModelErrors.badResponse('an embedding that is not a list of numbers');
      return normalizeInPlace(Float32Array.from(d.embedding));
    });
    this.#dimensions ??= vectors[0]?.length;
    const usage = response.usage as { prompt_tokens?: number; total_tokens?: number } | undefined;
    const reported = usage?.total_tokens || usage?.prompt_tokens;
    const tokens = typeof reported === 'number' && reported > 0 ? reported : batch.reduce((s, t) => s + estimateTokens(t), 0);
    return { vectors, tokens };
  }
}
