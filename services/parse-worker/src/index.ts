import path from 'node:path';
import { Subjects, type TaskReport } from '@rag/contracts';
import { createBlobStore } from '@rag/blob-store';
import { SqliteChunkIndex, type ChunkIndex } from '@rag/chunk-index';
import { createEmbeddingModel, type EmbeddingModel, type ModelSpec } from '@rag/models';
import type { ServiceDefinition } from '@rag/platform';
import { workerConfig } from './config.js';
import { ParseWorker } from './worker.js';

export { workerConfig };
export type { TaskReport };

function openChunkIndex(config: { ES_URL?: string | undefined; DATA_DIR: string }): ChunkIndex {
  if (config.ES_URL) throw new Error('ES_URL: the Elasticsearch chunk index is not wired into this build yet');
  return new SqliteChunkIndex({ file: path.resolve(config.DATA_DIR, 'index', 'chunks.sqlite') });
}

/** parse-worker: runs parse tasks from the work queue. Scale it by adding replicas. */
export const parseWorkerService: ServiceDefinition<typeof workerConfig> = {
  name: 'parse-worker',
  version: '0.1.0',
  description: 'Parses, chunks, embeds and indexes documents',
  config: workerConfig,
  migrations: false,
  async start({ bus, logger, metrics, config }) {
    const index = openChunkIndex(config);
    const models = new Map<string, { at: number; model: Promise<EmbeddingModel> }>();
    const embedder = (tenantId: string, ref: string): Promise<EmbeddingModel> => {
      const key = `${tenantId}:${ref}`;
      const hit = models.get(key);
      if (hit && Date.now() - hit.at < 30_000) return hit.model;
      const model = bus
        .call<ModelSpec>(Subjects.account.modelCredentials, { body: { tenant_id: tenantId, model: ref, model_type: 'embedding' } }, { tenantId })
        .then((spec) => createEmbeddingModel(spec, { timeoutMs: config.MODEL_TIMEOUT_MS }));
      model.catch(() => models.delete(key));
      models.set(key, { at: Date.now(), model });
      return model;
    };
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
