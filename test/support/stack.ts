import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BusUsers, type BusUser } from '@rag/contracts';
import { startService, type RunningService } from '@rag/platform';
import { accountService } from '@rag/account-svc';
import { datasetService } from '@rag/dataset-svc';
import { documentService } from '@rag/document-svc';
import { dialogService } from '@rag/dialog-svc';
import { canvasService } from '@rag/canvas-svc';
import { parseWorkerService } from '@rag/parse-worker';
import { startGateway, type RunningGateway } from '@rag/gateway';
import { startNatsServer, type NatsServer } from './nats-server.js';
import { createTempDatabase, type TempDatabase } from './mariadb.js';
import { Http } from './http.js';

export interface Stack {
  nats: NatsServer;
  /** The environment every process shares (without a NATS user: see `envFor`). */
  env: Record<string, string>;
  /** The environment of one process: `env` plus its NATS user when the stack runs with `auth`. */
  envFor(user: BusUser): Record<string, string>;
  http: Http;
  baseUrl: string;
  gateway: RunningGateway;
  services: RunningService[];
  stop(): Promise<void>;
}

/**
 * The whole backend in this process: a private nats-server, every service and the gateway on a
 * random port, over SQLite in a temp folder or a fresh MariaDB database. With `auth` the server
 * requires a user per process with the generated permissions (as `make up` runs it).
 */
export async function startStack(opts: { db?: 'sqlite' | 'mariadb'; env?: Record<string, string>; workers?: number; auth?: boolean; withoutDocumentSvc?: boolean } = {}): Promise<Stack> {
  const nats = await startNatsServer({ auth: opts.auth ?? false });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rag-data-'));
  let mariadb: TempDatabase | undefined;
  if (opts.db === 'mariadb') mariadb = await createTempDatabase();
  const env: Record<string, string> = {
    NATS_URL: nats.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    METRICS_PORT: '0', // stacks run side by side: no fixed internal port
    PARSE_ACK_WAIT_MS: '4000',
    PARSE_HEARTBEAT_MS: '1000',
    // The scripted model server listens on 127.0.0.1: allowed by list, so model calls take the
    // guarded connection path production uses. Tests of the address guard override this.
    MODEL_ALLOWED_NETWORKS: '127.0.0.1/32',
    ...(mariadb ? { DATABASE_URL: mariadb.url } : {}),
    ...(opts.env ?? {}),
  };
  const envFor = (user: BusUser) => ({ ...env, ...nats.userEnv(user) });
  const services = [await startService(accountService, envFor(BusUsers.account)), await startService(datasetService, envFor(BusUsers.dataset))];
  // withoutDocumentSvc: the test runs document-svc as its own process (to SIGKILL it).
  if (!opts.withoutDocumentSvc) services.push(await startService(documentService, envFor(BusUsers.document)));
  services.push(await startService(dialogService, envFor(BusUsers.dialog)));
  services.push(await startService(canvasService, envFor(BusUsers.canvas)));
  for (let i = 0; i < (opts.workers ?? 1); i++) services.push(await startService(parseWorkerService, envFor(BusUsers.parseWorker)));
  const gateway = await startGateway(envFor(BusUsers.gateway));
  const baseUrl = `http://127.0.0.1:${gateway.port}`;
  return {
    nats,
    env,
    envFor,
    http: new Http(baseUrl),
    baseUrl,
    gateway,
    services,
    async stop() {
      await gateway.stop();
      for (const s of services.reverse()) await s.stop();
      await nats.stop();
      await mariadb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers a user, logs in, mints an API key: what every RAGFlow client does first. */
export async function signUp(http: Http, email = `u${Date.now()}${Math.floor(Math.random() * 1e6)}@example.com`, password = '123') {
  const reg = await http.post('/v1/user/register', { nickname: email.split('@')[0], email, password });
  if (reg.body.code !== 0) throw new Error(`register failed: ${reg.text}`);
  const login = await http.post('/v1/user/login', { email, password });
  const loginToken = login.headers.get('authorization');
  if (!loginToken) throw new Error(`login gave no token: ${login.text}`);
  const key = await http.send('POST', '/v1/system/new_token', { auth: loginToken });
  if (key.body.code !== 0) throw new Error(`new_token failed: ${key.text}`);
  return { email, password, loginToken, apiKey: key.body.data.token as string, userId: login.body.data.id as string, bearer: `Bearer ${key.body.data.token}` };
}
