import { Subjects, type TaskReport } from '@rag/contracts';
import { createBlobStore } from '@rag/blob-store';
import { openChunkIndex } from '@rag/chunk-index';
import { TenantModels } from '@rag/models';
import { modelNetworkGuard, type ServiceDefinition } from '@rag/platform';
import { workerConfig } from './config.js';
import { ParseWorker } from './worker.js';

export { workerConfig };
export type { TaskReport };


/** parse-worker: runs parse tasks from the work queue. Scale it by adding replicas. */
export const parseWorkerService: ServiceDefinition<typeof workerConfig> = {
  name: 'parse-worker',
  version: '0.1.0',
  description: 'Parses, chunks, embeds and indexes documents',
  config: workerConfig,
  migrations: false,
  async start({ bus, logger, metrics, config }) {
    const index = openChunkIndex(config);
    const models = new TenantModels(
      async (tenantId, ref, type) => ({ ...(await bus.call(Subjects.account.modelCredentials, { body: { model: ref, model_type: type } }, { tenantId })), type }),
      { timeoutMs: config.MODEL_TIMEOUT_MS, guard: modelNetworkGuard(config) },
    );
    const embedder = (tenantId: string, ref: string) => models.embedder(tenantId, ref);
    const worker = new ParseWorker(bus, { blobs: createBlobStore(config), index, embedder, embedBatch: config.EMBED_BATCH_SIZE }, logger, metrics, {
      concurrency: config.PARSE_CONCURRENCY,
      heartbeatMs: config.PARSE_HEARTBEAT_MS,
    });
    await worker.start();
    return {
      handlers: {},
      stop: async () => {
        await worker.stop(config.SHUTDOWN_TIMEOUT_MS);
        await index.close();
      },
    };
  },
};
