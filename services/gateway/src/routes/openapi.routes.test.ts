import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNatsServer, type NatsServer } from '../../../../test/support/nats-server.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { OPENAPI_PATH } from './openapi.routes.js';

const committed = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../docs/openapi.json');
let nats: NatsServer;
let gateway: RunningGateway;
let dataDir: string;

before(async () => {
  nats = await startNatsServer();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'rag-gw-'));
  gateway = await startGateway({ NATS_URL: nats.url, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
});

after(async () => {
  await gateway.stop();
  await nats.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('GET /api/v1/openapi.json serves the committed OpenAPI document without authentication', async () => {
  const res = await fetch(`http://127.0.0.1:${gateway.port}${OPENAPI_PATH}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
  assert.deepEqual(body, JSON.parse(readFileSync(committed, 'utf8')));
  assert.equal(body.openapi, '3.1.0');
  assert.ok(body.paths['/api/v1/datasets'], 'the dataset routes are described');
});
