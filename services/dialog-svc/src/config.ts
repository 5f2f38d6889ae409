import { env, modelNetworkConfig, type ConfigSpec } from '@rag/platform';

/** Keys dialog-svc reads besides the common ones (docs/configuration.md). */
export const dialogConfig = {
  ...modelNetworkConfig,
  MODEL_TIMEOUT_MS: env.int(120000, 'Timeout of one call to a model provider, in ms', 1000, 600000),
  STREAM_DETACH_GRACE_MS: env.int(10000, 'How long an answer keeps generating after its client went away, waiting for a resume', 0, 600000),
} satisfies ConfigSpec;
