export type {
  ChatCompletion,
  ChatDelta,
  ChatMessage,
  ChatModel,
  ChatOptions,
  EmbeddingModel,
  Embeddings,
  EmbedOptions,
  KnowledgeChunk,
  ModelCallOptions,
  ModelRole,
  ModelSpec,
  Reranker,
  RerankOptions,
  RerankResult,
  Usage,
} from './types.js';
export { ModelError, ModelErrors, MODEL_ERROR_KINDS, isModelError, sanitizeProviderReason, type ModelErrorKind, type ModelErrorDetails, type ProviderSaid } from './model-error.js';
export { createChatModel, createEmbeddingModel, createReranker } from './model-factory.js';
export { defaultBaseUrl, resolveEndpoint, unpackApiKey, vendorModelName, type Endpoint } from './provider-endpoints.js';
export { ThinkSplitter, splitThinking, type SplitPiece } from './think-splitter.js';
export { estimateMessageTokens, estimateTokens } from './token-count.js';
export { cosine, dot, mixVectors, normalizeInPlace } from './vector-math.js';
export { HashingEmbedder, HASHING_DIMENSIONS, hashingVector } from './builtin/hashing-embedder.js';
export {
  ExtractiveAnswerer,
  NO_KNOWLEDGE_ANSWER,
  NOTHING_RELEVANT_ANSWER,
  asksForRelatedQuestions,
  type ExtractiveAnswererOptions,
} from './builtin/extractive-answerer.js';
export { knowledgeFromPrompt } from './builtin/knowledge-prompt.js';
export { OpenAIChatModel } from './openai/openai-chat.model.js';
export { OpenAIEmbeddingModel } from './openai/openai-embedding.model.js';
export { HttpReranker } from './openai/http-reranker.js';
export { TenantModels, type ModelSpecSource } from './tenant-models.js';
