/**
 * Configuration from environment variables, validated once at start. A bad value stops the process
 * with a message naming the variable. Each service declares the keys it reads with `defineConfig`;
 * docs/configuration.md documents every key.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface Spec<T> {
  parse(raw: string, name: string): T;
  fallback: T | (() => T) | undefined;
  doc: string;
}

type Env = Record<string, string | undefined>;

function spec<T>(parse: (raw: string, name: string) => T, fallback: T | (() => T) | undefined, doc: string): Spec<T> {
  return { parse, fallback, doc };
}

export const env = {
  string: (fallback: string | undefined, doc: string) => spec<string>((v) => v, fallback, doc),
  optional: (doc: string) => spec<string | undefined>((v) => (v === '' ? undefined : v), () => undefined, doc),
  int: (fallback: number | undefined, doc: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) =>
    spec<number>((v, name) => {
      if (!/^-?\d+$/.test(v.trim())) throw new ConfigError(`${name} must be an integer, got "${v}"`);
      const n = Number(v);
      if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
      return n;
    }, fallback, doc),
  bool: (fallback: boolean, doc: string) =>
    spec<boolean>((v, name) => {
      const s = v.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
      throw new ConfigError(`${name} must be a boolean (true/false), got "${v}"`);
    }, fallback, doc),
  oneOf: <const T extends readonly string[]>(values: T, fallback: T[number], doc: string) =>
    spec<T[number]>((v, name) => {
      if (!values.includes(v)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${v}"`);
      return v as T[number];
    }, fallback, doc),
  url: (fallback: string | undefined, doc: string, protocols: readonly string[]) =>
    spec<string>((v, name) => {
      for (const part of v.split(',')) {
        let u: URL;
        try {
          u = new URL(part.trim());
        } catch {
          throw new ConfigError(`${name} must be a URL, got "${v}"`);
        }
        if (!protocols.includes(u.protocol.replace(/:$/, ''))) throw new ConfigError(`${name} must use ${protocols.join(' or ')}://, got "${v}"`);
      }
      return v;
    }, fallback, doc),
};

export type ConfigSpec = Record<string, Spec<unknown>>;
export type ConfigOf<S extends ConfigSpec> = { [K in keyof S]: S[K] extends Spec<infer T> ? T : never };

export interface ConfigDefinition<S extends ConfigSpec> {
  spec: S;
  load(source?: Env): ConfigOf<S>;
}

export function defineConfig<S extends ConfigSpec>(spec: S): ConfigDefinition<S> {
  return {
    spec,
    load(source: Env = process.env): ConfigOf<S> {
      const out: Record<string, unknown> = {};
      const problems: string[] = [];
      for (const [name, s] of Object.entries(spec)) {
        const raw = source[name];
        try {
          if (raw === undefined || (raw === '' && s.fallback !== undefined)) {
            if (s.fallback === undefined) throw new ConfigError(`${name} is required`);
            out[name] = typeof s.fallback === 'function' ? (s.fallback as () => unknown)() : s.fallback;
          } else {
            out[name] = s.parse(raw, name);
          }
        } catch (err) {
          problems.push(err instanceof Error ? err.message : String(err));
        }
      }
      if (problems.length) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
      return out as ConfigOf<S>;
    },
  };
}

/** Keys every process reads. */
export const commonConfig = {
  NATS_URL: env.url('nats://127.0.0.1:4222', 'NATS server URL(s), comma-separated for a cluster', ['nats', 'tls', 'ws', 'wss']),
  NATS_TOKEN: env.optional('NATS auth token, if the server requires one'),
  NATS_USER: env.optional('NATS user name'),
  NATS_PASSWORD: env.optional('NATS password'),
  NATS_INBOX_PREFIX: env.optional('Subject prefix of this process\'s reply inboxes; unset = `_INBOX_<NATS_USER>` (`_INBOX` without a user). The generated NATS permissions let each user subscribe to its own prefix only'),
  NATS_TLS_CA: env.optional('PEM file of the CA that signed the NATS server\'s certificate; set, connections require TLS (use it with a tls:// NATS_URL)'),
  NATS_REQUEST_TIMEOUT_MS: env.int(30000, 'Timeout of a request/reply call to a service, in ms', 100, 600000),
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info', 'pino log level'),
  OTEL_EXPORTER_OTLP_ENDPOINT: env.optional('OTLP/HTTP endpoint for traces; tracing is off when unset'),
  SHUTDOWN_TIMEOUT_MS: env.int(10000, 'Bound on graceful shutdown (drain + in-flight work), in ms', 100, 600000),
} satisfies ConfigSpec;

/** Keys of a process that owns tables. */
export const databaseConfig = {
  DATABASE_URL: env.optional('mysql://user:pass@host:3306/db for MySQL/MariaDB; unset = SQLite under DATA_DIR'),
  DATA_DIR: env.string('./.data', 'Folder for the embedded defaults (SQLite files, blobs)'),
  DB_POOL_MAX: env.int(10, 'Maximum connections in the MySQL pool', 1, 1000),
} satisfies ConfigSpec;
