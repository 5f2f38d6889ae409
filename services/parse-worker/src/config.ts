import { blobStoreConfig } from '@rag/blob-store';
import { env, modelNetworkConfig, type ConfigSpec } from '@rag/platform';

export const workerConfig = {
  ...blobStoreConfig,
  ...modelNetworkConfig,
  PARSE_CONCURRENCY: env.int(2, 'Parse tasks one worker process runs at once', 1, 64),
  EMBED_BATCH_SIZE: env.int(32, 'Chunks embedded per model call', 1, 2048),
  ES_URL: env.optional('Elasticsearch URL for the chunk index; unset = the embedded SQLite index under DATA_DIR/index'),
  ES_INDEX_PREFIX: env.string('ragflow_', 'Prefix of the per-tenant Elasticsearch index names'),
  MODEL_TIMEOUT_MS: env.int(60000, 'Timeout of one call to a model provider, in ms', 1000, 600000),
  PARSE_HEARTBEAT_MS: env.int(10000, 'How often a running task tells JetStream it is still in progress', 500, 60000),
} satisfies ConfigSpec;
