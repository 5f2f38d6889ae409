import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Bus, commonConfig, natsConnectOptions, createLogger, createMetrics, defineConfig, startTracing, stopTracing } from '@rag/platform';
import { createApp, type GatewayConfig } from './app.js';
import { gatewayConfig } from './config.js';

export interface RunningGateway {
  port: number;
  stop(): Promise<void>;
}

/** The JWT secret: configured, or generated once and kept in DATA_DIR so restarts keep sessions. */
function jwtSecret(config: GatewayConfig): string {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  const file = path.resolve(config.DATA_DIR, 'secrets', 'jwt.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
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
  const config: GatewayConfig = defineConfig({ ...commonConfig, ...gatewayConfig }).load(source);
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
  const app = createApp({ bus, config, logger, metrics, jwtSecret: jwtSecret(config), isReady });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000; // longer than common ingress idle timeouts
  server.requestTimeout = 0; // uploads and streams may run long; the bus bounds each call
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'gateway listening');

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
      await stopTracing();
      logger.info('gateway stopped');
    })());
  return { port, stop };
}
