import { env, modelNetworkConfig, type ConfigSpec } from '@rag/platform';

/**
 * Keys account-svc reads besides the common and database ones (docs/configuration.md). The
 * default model references become the defaults of every new tenant (RAGFlow's service_conf
 * `user_default_llm`); an empty value leaves that default unset.
 */
export const accountConfig = {
  ...modelNetworkConfig,
  DEFAULT_CHAT_MODEL: env.string('extractive-answerer@Builtin', 'Chat model new tenants start with (`<model>@<factory>`)'),
  DEFAULT_EMBEDDING_MODEL: env.string('hashing-embedder-384@Builtin', 'Embedding model new tenants start with (`<model>@<factory>`)'),
  DEFAULT_RERANK_MODEL: env.string('', 'Rerank model new tenants start with; empty = none'),
  DEFAULT_ASR_MODEL: env.string('', 'Speech-to-text model new tenants start with; empty = none'),
  DEFAULT_IMG2TXT_MODEL: env.string('', 'Image-to-text model new tenants start with; empty = none'),
  DEFAULT_MODEL_API_KEY: env.optional('API key stored with default models of a provider factory (not needed for Builtin models)'),
  DEFAULT_MODEL_BASE_URL: env.optional('Base URL stored with default models of a provider factory'),
  PASSWORD_DECOY_SECRET: env.optional('Secret that keys the stand-in salts password_params answers for unknown e-mails (so answers reveal no accounts); every replica needs the same one. Unset: read or create DATA_DIR/secrets/password-decoy.key'),
  PASSWORD_SCRYPT_COST: env.int(32768, 'scrypt cost (N) of new password hashes; a power of two', 1024, 1048576),
} satisfies ConfigSpec;
