import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bus, ConfigError, commonConfig, natsConnectOptions, createLogger, createMetrics, defineConfig, listenInternal, startTracing, stopTracing } from '@rag/platform';
import { createApp, type GatewayConfig } from './app.js';
import { gatewayConfig } from './config.js';
import { resolveJwtSecret } from './jwt-secret.js';

export interface RunningGateway {
  port: number;
  /** The internal /metrics listener's port; undefined when METRICS_PORT=0. */
  metricsPort: number | undefined;
  stop(): Promise<void>;
}

export function loadGatewayConfig(source: Record<string, string | undefined>): GatewayConfig {
  const config: GatewayConfig = defineConfig({ ...commonConfig, ...gatewayConfig }).load(source);
  if (config.REQUEST_TIMEOUT_MS && config.HEADERS_TIMEOUT_MS > config.REQUEST_TIMEOUT_MS) {
    throw new ConfigError(`Invalid configuration:\n  HEADERS_TIMEOUT_MS (${config.HEADERS_TIMEOUT_MS}) must not exceed REQUEST_TIMEOUT_MS (${config.REQUEST_TIMEOUT_MS})`);
  }
  if (config.METRICS_PORT && config.METRICS_PORT === config.PORT) {
    throw new ConfigError(`Invalid configuration:\n  METRICS_PORT must differ from PORT (${config.PORT}): metrics are not served on the public API port`);
  }
  return config;
}

/** Under `make up`, the services the launcher restarted after a crash (shown by /readyz; they do not make it fail). */
async function launcherRestarts(file: string | undefined): Promise<{ restarts?: Record<string, unknown> }> {
  if (!file) return {};
  try {
    return { restarts: (JSON.parse(await readFile(file, 'utf8')) as { restarts: Record<string, unknown> }).restarts };
  } catch {
    return {};
  }
}

export async function startGateway(source: Record<string, string | undefined> = process.env): Promise<RunningGateway> {
  const config = loadGatewayConfig(source);
  const jwtSecret = resolveJwtSecret(config);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const metrics = createMetrics('gateway');
  startTracing('gateway', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const bus = await Bus.connect({
    ...natsConnectOptions(config),
    name: 'gateway',
    requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
    logger,
    metrics,
  });
  let ready = true;
  const isReady = async () => Object.assign({ nats: ready && bus.isConnected() }, await launcherRestarts(config.LAUNCHER_STATUS_FILE));
  const app = createApp({ bus, config, logger, metrics, jwtSecret, isReady });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  // Slow clients hold nothing for long: headers, then the whole request (uploads included) are
  // bounded; non-multipart bodies have their own, shorter read timeout (read-body.ts). Responses
  // (SSE, downloads) are not bounded here: a stalled reader is cut by RESPONSE_STALL_TIMEOUT_MS.
  server.headersTimeout = config.HEADERS_TIMEOUT_MS;
  server.requestTimeout = config.REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = config.KEEP_ALIVE_TIMEOUT_MS;
  const port = (server.address() as AddressInfo).port;
  let internal: Awaited<ReturnType<typeof listenInternal>> | undefined;
  if (config.METRICS_PORT) {
    try {
      internal = await listenInternal(config.METRICS_HOST, config.METRICS_PORT, metrics, async () => (await isReady()).nats);
    } catch (err) {
      server.close();
      await bus.drain();
      throw new ConfigError(`METRICS_PORT ${config.METRICS_PORT} on ${config.METRICS_HOST} cannot be opened (${(err as Error).message}); set another port, or 0 to turn the metrics listener off`);
    }
  }
  logger.info({ port, metrics_port: internal?.port }, 'gateway listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      ready = false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, config.SHUTDOWN_TIMEOUT_MS);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
      await bus.drain();
      await new Promise<void>((resolve) => (internal ? internal.server.close(() => resolve()) : resolve()));
      await stopTracing();
      logger.info('gateway stopped');
    })());
  return { port, metricsPort: internal?.port, stop };
}
