import { blobStoreConfig } from '@rag/blob-store';
import { env, type ConfigSpec } from '@rag/platform';

/** Keys the gateway reads besides the common ones (docs/configuration.md). */
export const gatewayConfig = {
  ...blobStoreConfig,
  UPLOAD_MAX_FILE_BYTES: env.int(1024 ** 3, 'Largest file accepted by a document upload, in bytes', 1, Number.MAX_SAFE_INTEGER),
  HOST: env.string('0.0.0.0', 'Interface the HTTP server binds'),
  PORT: env.int(9380, 'HTTP port of the API', 0, 65535),
  JWT_SECRET: env.optional('Secret that signs login tokens (HS256); all gateway replicas need the same one. Unset: read or create DATA_DIR/secrets/jwt.key'),
  DATA_DIR: env.string('./.data', 'Folder for the embedded defaults; the gateway keeps its generated JWT secret there'),
  JWT_TTL_SECONDS: env.int(7 * 24 * 3600, 'Lifetime of a login token, in seconds', 60, 365 * 24 * 3600),
  AUTH_CACHE_TTL_MS: env.int(30000, 'How long a resolved API key or login token is cached (revocation events clear it at once)', 0, 3600000),
  RSA_PRIVATE_KEY: env.optional("PEM of the RSA key RAGFlow's web client encrypts passwords for (or a path to it); unset = plaintext passwords only"),
  RSA_PRIVATE_KEY_PASSPHRASE: env.optional('Passphrase of RSA_PRIVATE_KEY, if it is encrypted (RAGFlow ships one protected with "Welcome")'),
  DISABLE_SDK: env.bool(false, 'When true every API-key route answers as if the Authorization header were missing (RAGFlow\'s DISABLE_SDK)'),
  REGISTER_ENABLED: env.bool(true, 'Whether /v1/user/register accepts new users'),
  BODY_LIMIT: env.string('1gb', 'Largest request body accepted'),
  CORS_ORIGIN: env.string('*', 'Access-Control-Allow-Origin value'),
  SSE_KEEPALIVE_MS: env.int(15000, 'Silence after which an SSE stream gets a keep-alive comment, in ms', 200, 600000),
  COMPLETION_TIMEOUT_MS: env.int(600000, 'Longest wait for a non-streamed completion, in ms', 1000, 3600000),
  LAUNCHER_STATUS_FILE: env.optional('Set by the launcher (`make up`): its status file, whose service restarts /readyz reports'),
  SERVER_VERSION: env.string('v0.23.1-ragflow-nats', 'What /v1/system/version answers'),
} satisfies ConfigSpec;
