import { Subjects } from '@rag/contracts';
import { TenantModels, type ChatModel, type EmbeddingModel, type ModelCallOptions, type Reranker } from '@rag/models';
import type { Bus } from '@rag/platform';
import type { ModelPort } from './domain/ports.js';

/** Tenant models whose provider settings come from account-svc (which alone holds provider keys). */
export class BusModelPort implements ModelPort {
  private readonly models: TenantModels;

  constructor(
    private readonly bus: Bus,
    opts: ModelCallOptions,
  ) {
    this.models = new TenantModels(
      async (tenantId, ref, type) => ({ ...(await bus.call(Subjects.account.modelCredentials, { body: { model: ref, model_type: type } }, { tenantId })), type }),
      opts,
    );
  }

  embedder(tenantId: string, ref: string): Promise<EmbeddingModel> {
    return this.models.embedder(tenantId, ref);
  }

  chat(tenantId: string, ref: string): Promise<ChatModel> {
    return this.models.chat(tenantId, ref);
  }

  reranker(tenantId: string, ref: string): Promise<Reranker> {
    return this.models.reranker(tenantId, ref);
  }

  async defaultChat(tenantId: string): Promise<string> {
    const profile = await this.bus.call(Subjects.account.tenantModels, { body: {} }, { tenantId });
    return profile.llm_id;
  }
}
