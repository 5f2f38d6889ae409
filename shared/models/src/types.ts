import type { NetworkGuard } from '@rag/platform';

/**
 * The three model roles the backend calls, whatever serves them: a provider over HTTP or a built-in
 * offline engine. Services depend on these interfaces only.
 */

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * One retrieved chunk handed to a chat model beside the prompt. Provider models ignore it (the
 * caller has already rendered the knowledge into the system prompt); the built-in extractive
 * answerer answers from it and cites `[ID:<id>]`.
 */
export interface KnowledgeChunk {
  id: string | number;
  content: string;
}

export interface ChatOptions {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  signal?: AbortSignal;
  /** Structured knowledge for engines that answer from it (see {@link KnowledgeChunk}). */
  knowledge?: KnowledgeChunk[];
}

/**
 * One piece of a streamed answer. `content` is answer text, `reasoning` is thinking text (from a
 * `<think>` block or a provider's native `reasoning_content`). The last delta carries `usage` and
 * `finish_reason`.
 */
export interface ChatDelta {
  content?: string;
  reasoning?: string;
  usage?: Usage;
  finish_reason?: string;
}

export interface ChatCompletion {
  text: string;
  reasoning?: string;
  usage: Usage;
}

export interface ChatModel {
  readonly name: string;
  stream(messages: ChatMessage[], opts?: ChatOptions): AsyncIterable<ChatDelta>;
  complete(messages: ChatMessage[], opts?: ChatOptions): Promise<ChatCompletion>;
}

export interface EmbedOptions {
  signal?: AbortSignal;
}

export interface Embeddings {
  /** One L2-normalised vector per input text, in input order. */
  vectors: Float32Array[];
  tokens: number;
}

export interface EmbeddingModel {
  readonly name: string;
  /** Known up front for built-in engines; provider models learn it from their first answer. */
  readonly dimensions?: number;
  embed(texts: string[], opts?: EmbedOptions): Promise<Embeddings>;
}

export interface RerankOptions {
  signal?: AbortSignal;
}

export interface RerankResult {
  /** One relevance score per document, in document order (higher is more relevant). */
  scores: number[];
  tokens: number;
}

export interface Reranker {
  readonly name: string;
  rerank(query: string, documents: string[], opts?: RerankOptions): Promise<RerankResult>;
}

export type ModelRole = 'chat' | 'embedding' | 'rerank';

/** A tenant's model as stored (`<name>@<factory>` plus its credentials and endpoint). */
export interface ModelSpec {
  factory: string;
  name: string;
  type: ModelRole;
  api_base?: string | null;
  api_key?: string | null;
  max_tokens?: number;
}

/** How provider calls behave; every field has a default. */
export interface ModelCallOptions {
  /**
   * Per attempt: the whole request for embeddings, rerank and non-streamed chat; for a streamed
   * chat, the longest wait for the first or the next piece of the answer. Default 60 s
   * (120 s for non-streamed chat).
   */
  timeoutMs?: number;
  /** Attempts per call, the first included. Default 3. */
  maxAttempts?: number;
  /** First retry delay; doubles each retry, with full jitter. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Cap on one retry delay, `retry-after` included. Default 20 s. */
  retryMaxDelayMs?: number;
  /** Texts per embeddings request. Default 16. */
  batchSize?: number;
  /** For tests: the fetch the openai client uses (the guard's static check still runs first). */
  fetch?: typeof fetch;
  /**
   * Which addresses provider calls may reach. Default: no private, loopback or link-local
   * address (see `modelNetworkGuard`).
   */
  guard?: NetworkGuard;
}
