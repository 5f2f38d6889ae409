import { ExtractiveAnswerer } from './builtin/extractive-answerer.js';
import { HashingEmbedder } from './builtin/hashing-embedder.js';
import { ModelErrors } from './model-error.js';
import { HttpReranker } from './openai/http-reranker.js';
import { OpenAIChatModel } from './openai/openai-chat.model.js';
import { OpenAIEmbeddingModel } from './openai/openai-embedding.model.js';
import { resolveEndpoint } from './provider-endpoints.js';
import type { ChatModel, EmbeddingModel, ModelCallOptions, ModelSpec, Reranker } from './types.js';

/**
 * Model instances from a tenant's stored model. `Builtin` models without an `api_base` are served
 * by the offline engines: every Builtin embedding name by the hashing embedder (so the catalog's
 * `BAAI/bge-small-en-v1.5@Builtin` works offline too, lexically), every Builtin chat name by the
 * extractive answerer. The `name` of the instance is the stored model name.
 */
export function createEmbeddingModel(spec: ModelSpec, opts: ModelCallOptions = {}): EmbeddingModel {
  const endpoint = resolveEndpoint({ ...spec, type: 'embedding' });
  if (endpoint.kind === 'builtin') return new HashingEmbedder(spec.name);
  return new OpenAIEmbeddingModel(spec.name, endpoint, opts);
}

export function createChatModel(spec: ModelSpec, opts: ModelCallOptions = {}): ChatModel {
  const endpoint = resolveEndpoint({ ...spec, type: 'chat' });
  if (endpoint.kind === 'builtin') return new ExtractiveAnswerer(spec.name);
  return new OpenAIChatModel(spec.name, endpoint, opts);
}

export function createReranker(spec: ModelSpec, opts: ModelCallOptions = {}): Reranker {
  const endpoint = resolveEndpoint({ ...spec, type: 'rerank' });
  if (endpoint.kind === 'builtin') throw ModelErrors.builtinUnsupported('rerank', spec.name);
  return new HttpReranker(spec.name, endpoint, opts);
}
