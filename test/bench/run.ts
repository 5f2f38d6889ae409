/**
 * `make bench`: p50/p99 latency and requests/s of GET /api/v1/datasets through the whole stack,
 * beside the two things it is built from: a bare NATS request/reply round trip and a bare express
 * handler. Every case answers the same JSON body, and the client parses and checks each answer.
 * Loopback only; everything but nats-server runs in this one process (the client too), so the
 * numbers compare the cases with each other rather than promise a production throughput.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { connect } from 'nats';
import { defineConfig } from '@rag/platform';
import { NATS_SERVER_BIN, startNatsServer } from '../support/nats-server.js';
import { signUp, startStack } from '../support/stack.js';
import { benchConfig } from './config.js';
import { httpGetter, markdownTable, runLoad, type LoadOptions, type LoadResult } from './load.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = defineConfig(benchConfig).load();
const load: LoadOptions = { requests: config.BENCH_REQUESTS, concurrency: config.BENCH_CONCURRENCY, warmup: config.BENCH_WARMUP };
const LIST_PATH = '/api/v1/datasets?page=1&page_size=30';

/** What every case does with an answer: parse it and insist on RAGFlow's success code. */
function checkAnswer(body: string): void {
  if ((JSON.parse(body) as { code?: unknown }).code !== 0) throw new Error(`not a success: ${body.slice(0, 200)}`);
}

/** The whole backend in this process (SQLite), a user with an API key and BENCH_DATASETS datasets. */
async function benchGateway(): Promise<{ result: LoadResult; body: string }> {
  const stack = await startStack();
  try {
    const user = await signUp(stack.http);
    for (let i = 0; i < config.BENCH_DATASETS; i++) {
      const created = await stack.http.post('/api/v1/datasets', { name: `bench-${i}`, description: 'a dataset the benchmark lists' }, user.bearer);
      if (created.body.code !== 0) throw new Error(`create dataset failed: ${created.text}`);
    }
    const client = httpGetter(stack.baseUrl + LIST_PATH, { Authorization: user.bearer }, load.concurrency);
    try {
      const body = await client.get();
      const listed = JSON.parse(body) as { code: number; data: unknown[] };
      if (listed.code !== 0 || listed.data.length !== config.BENCH_DATASETS) throw new Error(`unexpected listing: ${body.slice(0, 300)}`);
      const result = await runLoad('gateway: GET /api/v1/datasets (HTTP → gateway → NATS → dataset-svc → SQLite)', async () => checkAnswer(await client.get()), load);
      return { result, body };
    } finally {
      client.close();
    }
  } finally {
    await stack.stop();
  }
}

/** nats.js request → nats-server → a responder that answers the same bytes at once. */
async function benchNats(body: string): Promise<LoadResult> {
  const server = await startNatsServer();
  const responder = await connect({ servers: server.url, name: 'bench-responder' });
  const client = await connect({ servers: server.url, name: 'bench-client' });
  try {
    const reply = new TextEncoder().encode(body);
    const subject = 'bench.echo';
    responder.subscribe(subject, { callback: (err, msg) => void (err || msg.respond(reply)) });
    await responder.flush();
    const request = new TextEncoder().encode(JSON.stringify({ body: { page: 1, page_size: 30 } }));
    const decoder = new TextDecoder();
    return await runLoad('bare NATS request/reply (nats.js ↔ nats-server ↔ trivial responder)', async () => {
      const msg = await client.request(subject, request, { timeout: 5000 });
      checkAnswer(decoder.decode(msg.data));
    }, load);
  } finally {
    await client.close();
    await responder.close();
    await server.stop();
  }
}

/** An express app whose handler answers the same object straight away. */
async function benchExpress(body: string): Promise<LoadResult> {
  const answer = JSON.parse(body) as unknown;
  const app = express();
  app.get('/api/v1/datasets', (_req, res) => void res.json(answer));
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const client = httpGetter(`http://127.0.0.1:${(server.address() as AddressInfo).port}${LIST_PATH}`, {}, load.concurrency);
  try {
    return await runLoad('bare express handler (HTTP → express → res.json)', async () => checkAnswer(await client.get()), load);
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

function describeMachine() {
  const tryRun = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    date: new Date().toISOString(),
    commit: tryRun('git', ['rev-parse', '--short', 'HEAD']),
    node: process.version,
    nats_server: tryRun(NATS_SERVER_BIN, ['--version']),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    metadata: 'SQLite (embedded default)',
  };
}

const machine = describeMachine();
console.log(`bench: ${load.requests} requests at concurrency ${load.concurrency} per case after ${load.warmup} warm-up requests; ${machine.cores} × ${machine.cpu}, node ${machine.node}, ${machine.nats_server}`);
const gateway = await benchGateway();
const results = [gateway.result, await benchNats(gateway.body), await benchExpress(gateway.body)];
const bodyBytes = Buffer.byteLength(gateway.body);

console.log(`\n${markdownTable(results)}\n`);
console.log(`Each answer is the same ${bodyBytes}-byte JSON listing of ${config.BENCH_DATASETS} datasets. Client, gateway and services share one Node process (logs off); nats-server runs beside it.`);
const dir = path.join(ROOT, 'bench-results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `bench-${machine.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ ...machine, options: { ...load, datasets: config.BENCH_DATASETS, body_bytes: bodyBytes }, results }, null, 2) + '\n');
console.log(`wrote ${path.relative(ROOT, file)}`);
process.exit(results.some((r) => r.errors > 0) ? 1 : 0);
