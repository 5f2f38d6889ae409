import { ServiceNames, Subjects } from '@rag/contracts';
import { TenantModels } from '@rag/models';
import { countTokens } from '@rag/parsing/tokenizer';
import { Outbox, ensureAnswerStream, modelNetworkGuard, type ServiceDefinition } from '@rag/platform';
import { dialogConfig } from './config.js';
import { CompletionService } from './completion/completion.service.js';
import type { Reference, RetrievalRequest } from './completion/generation.js';
import { RepositoryCompletionStore } from './completion/store.js';
import { completionHandlers } from './handlers/completion.handlers.js';
import { migrations } from './data/migrations.js';
import { ChatService } from './domain/chat.service.js';
import type { DatasetPort, TenantPort } from './domain/ports.js';
import { SessionService } from './domain/session.service.js';
import { chatHandlers } from './handlers/chat.handlers.js';
import { sessionHandlers } from './handlers/session.handlers.js';

const OUTBOX_TABLE = 'dialog_outbox';

export { ChatRepository, type ChatRow } from './data/chat.repository.js';
export { SessionRepository, type SessionMessage, type SessionReference, type SessionRow } from './data/session.repository.js';

/** dialog-svc: owns the chats and chat_sessions tables; answers `rag.v1.dialog.*`; publishes chat and session events. */

export const dialogService: ServiceDefinition<typeof dialogConfig> = {
  name: ServiceNames.dialog,
  version: '0.1.0',
  description: 'Chat assistants and their sessions',
  config: dialogConfig,
  migrations: [...migrations, Outbox.migration(OUTBOX_TABLE)],
  async start({ db, bus, logger, metrics, config }) {
    await ensureAnswerStream(bus);
    const outbox = new Outbox(db, bus, OUTBOX_TABLE, ServiceNames.dialog, logger);
    outbox.start();
    const datasets: DatasetPort = {
      accessible: async (ctx, ids) => (ids.length ? bus.call(Subjects.dataset.get, { body: { ids } }, ctx) : []),
    };
    const tenants: TenantPort = {
      profile: async (ctx) => {
        const r = await bus.request(Subjects.account.tenantModels, { body: {} }, ctx);
        return r.code === 0 && r.data ? r.data : null;
      },
    };
    const chats = new ChatService(db, datasets, tenants, outbox);
    const sessions = new SessionService(db, chats.repo, outbox);
    const models = new TenantModels(
      async (tenantId, ref, type) => ({ ...(await bus.call(Subjects.account.modelCredentials, { body: { model: ref, model_type: type } }, { tenantId })), type }),
      { timeoutMs: config.MODEL_TIMEOUT_MS, guard: modelNetworkGuard(config) },
    );
    const retrieve = async (tenantId: string, r: RetrievalRequest): Promise<Reference> => {
      const data = await bus.call(
        Subjects.retrieval.search,
        {
          body: {
            dataset_ids: r.datasetIds,
            question: r.question,
            page: 1,
            page_size: r.topN,
            similarity_threshold: r.similarityThreshold,
            vector_similarity_weight: r.vectorWeight,
            top_k: r.topK,
            highlight: 'false',
            ...(r.rerankId ? { rerank_id: r.rerankId } : {}),
            ...(r.metadataCondition ? { metadata_condition: r.metadataCondition } : {}),
            ...(r.documentIds ? { document_ids: r.documentIds } : {}),
          },
        },
        { tenantId, tenantIds: [tenantId] },
      );
      return {
        total: data.total,
        doc_aggs: Array.isArray(data.doc_aggs) ? data.doc_aggs : [],
        chunks: data.chunks.map((c) => ({
          id: c.id,
          content: c.content,
          document_id: c.document_id,
          document_name: c.document_keyword,
          dataset_id: c.dataset_id,
          image_id: c.image_id ?? '',
          positions: c.positions ?? [],
          url: null,
          similarity: c.similarity,
          vector_similarity: c.vector_similarity,
          term_similarity: c.term_similarity,
          doc_type: c.doc_type_kwd ?? '',
        })),
      };
    };
    const completions = new CompletionService(
      bus,
      new RepositoryCompletionStore(chats.repo, sessions.repo, sessions),
      { retrieve, model: (tenantId, ref) => models.chat(tenantId, ref) },
      logger,
      metrics,
      { detachGraceMs: config.STREAM_DETACH_GRACE_MS, countTokens },
    );
    return {
      handlers: { ...chatHandlers(chats), ...sessionHandlers(sessions), ...completionHandlers(completions, bus) },
      stop: async () => {
        await completions.stop(config.SHUTDOWN_TIMEOUT_MS);
        await outbox.stop();
      },
    };
  },
};
