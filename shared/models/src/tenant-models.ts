import { createChatModel, createEmbeddingModel, createReranker } from './model-factory.js';
import type { ChatModel, EmbeddingModel, ModelCallOptions, ModelRole, ModelSpec, Reranker } from './types.js';

/** Fetches a tenant model's provider settings (key included) by reference, e.g. from account-svc. */
export type ModelSpecSource = (tenantId: string, ref: string, type: ModelRole) => Promise<ModelSpec>;

const TTL_MS = 30_000;

/**
 * Model references bound to a tenant's configured providers: settings come from `source` and the
 * built clients are cached briefly, so a changed key applies within the TTL.
 */
export class TenantModels {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly source: ModelSpecSource,
    private readonly opts: ModelCallOptions = {},
  ) {}

  private cached<T>(key: string, make: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value as Promise<T>;
    const value = make();
    value.catch(() => this.cache.delete(key));
    this.cache.set(key, { at: Date.now(), value });
    return value;
  }

  embedder(tenantId: string, ref: string): Promise<EmbeddingModel> {
    return this.cached(`embedding:${tenantId}:${ref}`, async () => createEmbeddingModel(await this.source(tenantId, ref, 'embedding'), this.opts));
  }

  chat(tenantId: string, ref: string): Promise<ChatModel> {
    return this.cached(`chat:${tenantId}:${ref}`, async () => createChatModel(await this.source(tenantId, ref, 'chat'), this.opts));
  }

  reranker(tenantId: string, ref: string): Promise<Reranker> {
    return this.cached(`rerank:${tenantId}:${ref}`, async () => createReranker(await this.source(tenantId, ref, 'rerank'), this.opts));
  }
}
