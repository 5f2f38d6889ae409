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
