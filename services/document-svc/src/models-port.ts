import { Subjects, type CallerContext } from '@rag/contracts';
import { createChatModel, createEmbeddingModel, createReranker, type ChatModel, type EmbeddingModel, type ModelSpec, type Reranker } from '@rag/models';
import type { Bus } from '@rag/platform';
import type { ModelPort } from './domain/ports.js';

const TTL_MS = 30_000;

/**
 * Binds model references to the tenant's provider settings, fetched from account-svc (which alone
 * holds provider keys) and cached briefly, then built with @rag/models.
 */
export class BusModelPort implements ModelPort {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly bus: Bus,
    private readonly timeoutMs: number,
  ) {}

  private async spec(tenantId: string, ref: string, type: ModelSpec['type']): Promise<ModelSpec> {
    const ctx: Partial<CallerContext> = { tenantId };
    return this.bus.call<ModelSpec>(Subjects.account.modelCredentials, { body: { tenant_id: tenantId, model: ref, model_type: type } }, ctx);
  }

  private cached<T>(key: string, make: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value as Promise<T>;
    const value = make();
    value.catch(() => this.cache.delete(key));
    this.cache.set(key, { at: Date.now(), value });
    return value;
  }

  embedder(tenantId: string, ref: string): Promise<EmbeddingModel> {
    return this.cached(`e:${tenantId}:${ref}`, async () => createEmbeddingModel(await this.spec(tenantId, ref, 'embedding'), { timeoutMs: this.timeoutMs }));
  }

  chat(tenantId: string, ref: string): Promise<ChatModel> {
    return this.cached(`c:${tenantId}:${ref}`, async () => createChatModel(await this.spec(tenantId, ref, 'chat'), { timeoutMs: this.timeoutMs }));
  }

  reranker(tenantId: string, ref: string): Promise<Reranker> {
    return this.cached(`r:${tenantId}:${ref}`, async () => createReranker(await this.spec(tenantId, ref, 'rerank'), { timeoutMs: this.timeoutMs }));
  }

  async defaultChat(tenantId: string): Promise<string> {
    const profile = await this.bus.call<{ llm_id: string }>(Subjects.account.tenantModels, { body: { tenant_id: tenantId } }, { tenantId });
    return profile.llm_id;
  }
}
