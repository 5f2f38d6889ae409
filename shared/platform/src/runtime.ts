import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bus, natsConnectOptions, type Handlers } from './bus.js';
import { commonConfig, databaseConfig, defineConfig, env, type ConfigOf, type ConfigSpec } from './config.js';
import { openDb, migrate, type Knex, type Migration } from './db.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { startTracing, stopTracing } from './tracing.js';

const probeConfig = {
  PROBE_PORT: env.int(0, 'Port of the /healthz, /readyz and /metrics listener of a service (0 = off)', 0, 65535),
  PROBE_HOST: env.string('0.0.0.0', 'Interface the probe listener binds'),
} satisfies ConfigSpec;

const baseConfig = { ...commonConfig, ...databaseConfig, ...probeConfig } satisfies ConfigSpec;
export type BaseConfig = ConfigOf<typeof baseConfig>;

export interface ServiceContext<S extends ConfigSpec> {
  config: BaseConfig & ConfigOf<S>;
  logger: Logger;
  metrics: Metrics;
  bus: Bus;
  db: Knex;
}

export interface ServiceDefinition<S extends ConfigSpec> {
  name: string;
  version: string;
  description: string;
  config: S;
  /** The service's tables; `false` for a service without a database (a worker). */
  migrations: Migration[] | false;
  /**
   * Builds the domain and returns the handlers keyed by subject, optionally with a stop hook that
   * runs during shutdown after the service stopped taking requests (state lives in the closure,
   * never at module level).
   */
  start(ctx: ServiceContext<S>): Promise<Handlers | StartedService>;
}

export interface StartedService {
  handlers: Handlers;
  stop?(): Promise<void>;
}

export interface RunningService {
  name: string;
  probePort: number | undefined;
  stop(): Promise<void>;
}

/**
 * Wires a service: validated config, logger, metrics, tracing, database with migrations, the bus,
 * its handlers, a probe listener, and ordered shutdown (readiness off, stop taking requests, finish
 * in-flight work within a bound, drain NATS, close the database, flush telemetry).
 */
export async function startService<S extends ConfigSpec>(def: ServiceDefinition<S>, source: Record<string, string | undefined> = process.env): Promise<RunningService> {
  const base: BaseConfig = defineConfig(baseConfig).load(source);
  const config = { ...base, ...defineConfig(def.config).load(source) } as ServiceContext<S>['config'];
  const logger = createLogger(def.name, base.LOG_LEVEL);
  const metrics = createMetrics(def.name);
  startTracing(def.name, base.OTEL_EXPORTER_OTLP_ENDPOINT);
  const db = def.migrations === false ? noDatabase(def.name) : openDb({ url: base.DATABASE_URL, dataDir: base.DATA_DIR, name: def.name.replace(/-svc$/, ''), poolMax: base.DB_POOL_MAX });
  if (def.migrations !== false) await migrate(db, def.name, def.migrations, logger);
  const bus = await Bus.connect({
    ...natsConnectOptions(base),
    name: def.name,
    requestTimeoutMs: base.NATS_REQUEST_TIMEOUT_MS,
    logger,
    metrics,
  });
  await bus.ensureEventsStream();
  const ctx: ServiceContext<S> = { config, logger, metrics, bus, db };
  const started = await def.start(ctx);
  const { handlers, stop: stopHook } = 'handlers' in started && typeof started.handlers === 'object' ? (started as StartedService) : { handlers: started as StartedService['handlers'], stop: undefined };
  await bus.serve(def.name, def.version, def.description, handlers);
  let ready = true;

  const hasDb = def.migrations !== false;
  const probe = base.PROBE_PORT ? await listenInternal(base.PROBE_HOST, base.PROBE_PORT, metrics, async () => ready && bus.isConnected() && (!hasDb || (await dbAlive(db)))) : undefined;
  logger.info({ subjects: Object.keys(handlers).length, probe: probe?.port }, `${def.name} ready`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      ready = false;
      logger.info('shutting down');
      await bus.stopServing(base.SHUTDOWN_TIMEOUT_MS);
      await stopHook?.().catch((err) => logger.error({ err }, 'stop hook failed'));
      await bus.drain();
      if (def.migrations !== false) await db.destroy();
      await new Promise<void>((r) => (probe ? probe.server.close(() => r()) : r()));
      await stopTracing();
      logger.info('stopped');
    })());
  return { name: def.name, probePort: probe?.port, stop };
}

/** Stands in for the database of a service that has none: any use is a programming error. */
function noDatabase(service: string): Knex {
  return new Proxy(() => undefined, {
    get: () => {
      throw new Error(`${service} has no database`);
    },
    apply: () => {
      throw new Error(`${service} has no database`);
    },
  }) as unknown as Knex;
}

async function dbAlive(db: Knex): Promise<boolean> {
  try {
    await db.raw('select 1');
    return true;
  } catch {
    return false;
  }
}

/**
 * The internal listener of a process: `/healthz` (liveness), `/readyz` (readiness) and `/metrics`
 * (Prometheus). Services open it on PROBE_PORT, the gateway on METRICS_PORT, so metrics are never
 * served on a public port. A failing check answers 503/500; it never throws out of the handler.
 */
export async function listenInternal(host: string, port: number, metrics: Metrics, isReady: () => Promise<boolean>): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '').split('?')[0];
    const answer = async () => {
      if (pathname === '/healthz') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      if (pathname === '/readyz') {
        const ok = await isReady().catch(() => false);
        return void res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'not ready' }));
      }
      if (pathname === '/metrics') {
        const text = await metrics.registry.metrics();
        return void res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
      }
      res.writeHead(404).end();
    };
    answer().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Runs a service as the process's main program: SIGTERM/SIGINT stop it in order. */
export function runMain<S extends ConfigSpec>(def: ServiceDefinition<S>): void {
  startService(def)
    .then((svc) => {
      const shutdown = (signal: string) => {
        process.stderr.write(`${def.name}: ${signal}, stopping\n`);
        svc.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    })
    .catch((err: Error) => {
      process.stderr.write(`${def.name}: failed to start: ${err.name === 'ConfigError' ? err.message : err.stack ?? err.message}\n`);
      process.exit(1);
    });
}
