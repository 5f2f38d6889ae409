import { blobStoreConfig } from '@rag/blob-store';
import { ConfigError, env, type ConfigSpec, type Spec } from '@rag/platform';

/** Express's `trust proxy`: off, every hop, a hop count, or the proxies' addresses/CIDRs (`loopback`, `10.0.0.0/8`). */
function trustProxySpec(doc: string): Spec<boolean | number | string[]> {
  return {
    parse: (raw, name) => {
      const v = raw.trim().toLowerCase();
      if (v === '' || v === 'false') return false;
      if (v === 'true') return true;
      if (/^\d+$/.test(v)) return Number(v);
      const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
      if (list.some((s) => !/^[0-9a-f.:/]+$/i.test(s) && !['loopback', 'linklocal', 'uniquelocal'].includes(s))) throw new ConfigError(`${name} must be true, false, a hop count, or addresses/CIDRs, got "${raw}"`);
      return list;
    },
    fallback: false,
    doc,
  };
}

/** Keys the gateway reads besides the common ones (docs/configuration.md). */
export const gatewayConfig = {
  ...blobStoreConfig,
  UPLOAD_MAX_FILE_BYTES: env.int(1024 ** 3, 'Largest file accepted by a document upload, in bytes', 1, Number.MAX_SAFE_INTEGER),
  UPLOAD_MAX_FILES: env.int(1000, 'Most files one document upload request may carry', 1, 1000000),
  UPLOAD_MAX_PARTS: env.int(1100, 'Most multipart parts (files and form fields) one upload request may carry', 1, 1000000),
  UPLOAD_MAX_REQUEST_BYTES: env.int(4 * 1024 ** 3, 'Largest multipart body of one upload request, in bytes (all files together)', 1, Number.MAX_SAFE_INTEGER),
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
  LAUNCHER_STATUS_FILE: env.optional('Set by the launcher (`make up`): its status file, whose service restarts /readyz reports'),
  SERVER_VERSION: env.string('v0.23.1-ragflow-nats', 'What /v1/system/version answers'),
  // abuse limits
  TRUST_PROXY: trustProxySpec(
    'Whether the client address comes from X-Forwarded-For (express `trust proxy`): `false` (the socket address), `true` (the left-most forwarded address), a hop count, or the trusted proxies\' addresses/CIDRs (`loopback,10.0.0.0/8`). Set it only behind a proxy that overwrites the header; it decides the address login throttling counts',
  ),
  LOGIN_MAX_FAILURES: env.int(5, 'Failed logins one account may have within LOGIN_FAILURE_WINDOW_SECONDS; the next attempt locks it for LOGIN_LOCKOUT_SECONDS (0 = no per-account limit). Counted in NATS KV, so shared by every gateway replica; a success clears the count', 0, 1000000),
  LOGIN_MAX_FAILURES_PER_ADDRESS: env.int(20, 'Failed logins one client address may have within the window before it is locked out the same way (0 = no per-address limit); see TRUST_PROXY', 0, 1000000),
  LOGIN_FAILURE_WINDOW_SECONDS: env.int(900, 'Window in which failed logins are counted, in seconds', 1, 86400),
  LOGIN_LOCKOUT_SECONDS: env.int(300, 'How long a locked account or address waits before it may try again, in seconds', 1, 86400),
  API_KEY_REQUESTS_PER_MINUTE: env.int(0, 'Requests one API key may make per minute, per gateway replica (token bucket; 0 = no limit). Over the limit: HTTP 429 with Retry-After', 0, 100000000),
  API_KEY_BURST: env.int(0, 'Requests an idle API key may make at once before API_KEY_REQUESTS_PER_MINUTE paces it (0 = a tenth of a minute\'s allowance, at least 1)', 0, 100000000),
} satisfies ConfigSpec;
