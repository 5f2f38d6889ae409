import { blobStoreConfig } from '@rag/blob-store';
import { env, type ConfigSpec } from '@rag/platform';

/** Keys the gateway reads besides the common ones (docs/configuration.md). */
export const gatewayConfig = {
  ...blobStoreConfig,
  UPLOAD_MAX_FILE_BYTES: env.int(1024 ** 3, 'Largest file accepted by a document upload, in bytes', 1, Number.MAX_SAFE_INTEGER),
  HOST: env.string('0.0.0.0', 'Interface the HTTP server binds'),
  PORT: env.int(9380, 'HTTP port of the API', 0, 65535),
  // The edge: what one client may make the gateway hold or parse (docs/security.md).
  METRICS_PORT: env.int(9390, 'Port of the internal listener that serves /metrics (and /healthz, /readyz), never the API port; 0 = off', 0, 65535),
  METRICS_HOST: env.string('127.0.0.1', 'Interface the internal metrics listener binds (0.0.0.0 in a pod, so Prometheus can scrape it)'),
  JSON_BODY_MAX_BYTES: env.int(1024 ** 2, 'Largest non-multipart request body (JSON or form), in bytes; also capped at the NATS max_payload less 16 KiB, since the body travels in one bus message', 1024, 1024 ** 3),
  JSON_MAX_DEPTH: env.int(64, 'Deepest nesting of arrays and objects accepted in a JSON body', 1, 10000),
  BODY_READ_TIMEOUT_MS: env.int(30000, 'Longest time to receive a non-multipart request body, in ms (then 408)', 100, 3600000),
  HEADERS_TIMEOUT_MS: env.int(30000, "Longest time to receive a request's headers, in ms (node's headersTimeout)", 1000, 3600000),
  REQUEST_TIMEOUT_MS: env.int(30 * 60000, 'Longest time to receive a whole request, uploads included, in ms (node\'s requestTimeout); 0 = unbounded', 0, 24 * 3600000),
  KEEP_ALIVE_TIMEOUT_MS: env.int(65000, 'How long an idle keep-alive connection stays open, in ms (longer than common ingress idle timeouts)', 1000, 3600000),
  RESPONSE_STALL_TIMEOUT_MS: env.int(60000, 'A streamed response (SSE, download) whose client reads nothing for this long is closed, in ms', 1000, 3600000),
  NODE_ENV: env.string('development', 'production: the gateway refuses to start without a real JWT_SECRET (the image sets it)'),
  JWT_SECRET: env.optional('Secret that signs login tokens (HS256); all gateway replicas need the same one; at least 32 characters, no placeholder. Unset: read or create DATA_DIR/secrets/jwt.key, except with NODE_ENV=production, where it is required'),
  DATA_DIR: env.string('./.data', 'Folder for the embedded defaults; the gateway keeps its generated JWT secret there'),
  JWT_TTL_SECONDS: env.int(7 * 24 * 3600, 'Lifetime of a login token, in seconds', 60, 365 * 24 * 3600),
  AUTH_CACHE_TTL_MS: env.int(30000, 'How long a resolved API key or login token is cached (revocation events clear it at once)', 0, 3600000),
  RSA_PRIVATE_KEY: env.optional("PEM of the RSA key RAGFlow's web client encrypts passwords for (or a path to it); unset = plaintext passwords only"),
  RSA_PRIVATE_KEY_PASSPHRASE: env.optional('Passphrase of RSA_PRIVATE_KEY, if it is encrypted (RAGFlow ships one protected with "Welcome")'),
  DISABLE_SDK: env.bool(false, 'When true every API-key route answers as if the Authorization header were missing (RAGFlow\'s DISABLE_SDK)'),
  REGISTER_ENABLED: env.bool(true, 'Whether /v1/user/register accepts new users'),
  CORS_ORIGIN: env.string('*', 'Access-Control-Allow-Origin value'),
  SSE_KEEPALIVE_MS: env.int(15000, 'Silence after which an SSE stream gets a keep-alive comment, in ms', 200, 600000),
  COMPLETION_TIMEOUT_MS: env.int(600000, 'Longest wait for a non-streamed completion, in ms', 1000, 3600000),
  SERVER_VERSION: env.string('v0.23.1-ragflow-nats', 'What /v1/system/version answers'),
} satisfies ConfigSpec;
