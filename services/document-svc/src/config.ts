import { blobStoreConfig } from '@rag/blob-store';
import { env, modelNetworkConfig, type ConfigSpec } from '@rag/platform';

export const documentConfig = {
  ...blobStoreConfig,
  ...modelNetworkConfig,
  MAX_FILE_NUM_PER_USER: env.int(0, 'Most documents a tenant may upload (0 = no limit)', 0, Number.MAX_SAFE_INTEGER),
  ES_URL: env.optional('Elasticsearch URL for the chunk index; unset = the embedded SQLite index under DATA_DIR/index'),
  ES_INDEX_PREFIX: env.string('ragflow_', 'Prefix of the per-tenant Elasticsearch index names'),
  PARSE_ACK_WAIT_MS: env.int(60000, 'How long a parse task may go without a sign of life from its worker before JetStream gives it to another', 1000, 3600000),
  MODEL_TIMEOUT_MS: env.int(60000, 'Timeout of one call to a model provider, in ms', 1000, 600000),
} satisfies ConfigSpec;
