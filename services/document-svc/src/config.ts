import { blobStoreConfig } from '@rag/blob-store';
import { env, modelNetworkConfig, type ConfigSpec } from '@rag/platform';

export const documentConfig = {
  ...blobStoreConfig,
  UPLOAD_STAGING_MAX_AGE_MS: env.int(3600000, 'Age after which a file the gateway staged for an upload and nobody claimed is removed (uploads refuse staged files older than half of it)', 2000, 30 * 24 * 3600000),
  UPLOAD_STAGING_SWEEP_MS: env.int(60000, 'How often document-svc looks for unclaimed staged upload files, in ms', 100, 24 * 3600000),
  ...modelNetworkConfig,
  MAX_FILE_NUM_PER_USER: env.int(0, 'Most documents a tenant may upload (0 = no limit)', 0, Number.MAX_SAFE_INTEGER),
  ES_URL: env.optional('Elasticsearch URL for the chunk index; unset = the embedded SQLite index under DATA_DIR/index'),
  ES_INDEX_PREFIX: env.string('ragflow_', 'Prefix of the per-tenant Elasticsearch index names'),
  PARSE_ACK_WAIT_MS: env.int(60000, 'How long a parse task may go without a sign of life from its worker before JetStream gives it to another', 1000, 3600000),
  MODEL_TIMEOUT_MS: env.int(60000, 'Timeout of one call to a model provider, in ms', 1000, 600000),
} satisfies ConfigSpec;
