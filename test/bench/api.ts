/**
 * Part `api`: p50/p99 latency and requests/s of GET /api/v1/datasets through the whole stack,
 * beside the two things it is built from: a bare NATS request/reply round trip and a bare express
 * handler. Every case answers the same JSON body, and the client parses and checks each answer.
 * The stack is measured twice: with every service and the gateway in the bench process (one event
 * loop for all of them and the client), and with each service its own process (as deployed).
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { connect } from 'nats';
import { startNatsServer } from '../support/nats-server.js';
import { signUp, startStack } from '../support/stack.js';
import type { Http } from '../support/http.js';
import type { Cluster } from './cluster.js';
import { progress, type PartReport } from './common.js';
import { httpGetter, markdownTable, runLoad, type LoadOptions, type LoadResult } from './load.js';

const LIST_PATH = '/api/v1/datasets?page=1&page_size=30';

/** What every case does with an answer: parse it and insist on RAGFlow's success code. */
function checkAnswer(body: string): void {
  if ((JSON.parse(body) as { code?: unknown }).code !== 0) throw new Error(`not a success: ${body.slice(0, 200)}`);
}

/** A fresh user with `datasets` datasets, then the load on GET /api/v1/datasets. */
async function benchListing(name: string, http: Http, baseUrl: string, datasets: number, load: LoadOptions): Promise<{ result: LoadResult; body: string }> {
  const user = await signUp(http);
  for (let i = 0; i < datasets; i++) {
    const created = await http.post('/api/v1/datasets', { name: `bench-${i}`, description: 'a dataset the benchmark lists' }, user.bearer);
    if (created.body.code !== 0) throw new Error(`create dataset failed: ${created.text}`);
  }
  const client = httpGetter(baseUrl + LIST_PATH, { Authorization: user.bearer }, load.concurrency);
  try {
    const body = await client.get();
    const listed = JSON.parse(body) as { code: number; data: unknown[] };
    if (listed.code !== 0 || listed.data.length !== datasets) throw new Error(`unexpected listing: ${body.slice(0, 300)}`);
    const result = await runLoad(name, async () => checkAnswer(await client.get()), load);
    return { result, body };
  } finally {
    client.close();
  }
}

/** nats.js request → nats-server → a responder that answers the same bytes at once. */
async function benchNats(body: string, load: LoadOptions): Promise<LoadResult> {
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
    return await runLoad(
      'bare NATS request/reply (nats.js ↔ nats-server ↔ trivial responder, client and responder in one process)',
      async () => {
        const msg = await client.request(subject, request, { timeout: 5000 });
        checkAnswer(decoder.decode(msg.data));
      },
      load,
    );
  } finally {
    await client.close();
    await responder.close();
    await server.stop();
  }
}

/** An express app whose handler answers the same object straight away. */
async function benchExpress(body: string, load: LoadOptions): Promise<LoadResult> {
  const answer = JSON.parse(body) as unknown;
  const app = express();
  app.get('/api/v1/datasets', (_req, res) => void res.json(answer));
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const client = httpGetter(`http://127.0.0.1:${(server.address() as AddressInfo).port}${LIST_PATH}`, {}, load.concurrency);
  try {
    return await runLoad('bare express handler (HTTP → express → res.json, client and server in one process)', async () => checkAnswer(await client.get()), load);
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

export interface ApiOptions {
  load: LoadOptions;
  datasets: number;
}

/** The in-process case runs before the cluster starts, so it has both cores to itself. */
export async function benchApiInProcess(opts: ApiOptions): Promise<{ result: LoadResult; body: string }> {
  progress(`api: in-process stack, ${opts.load.requests} requests at concurrency ${opts.load.concurrency}`);
  const stack = await startStack();
  try {
    return await benchListing('gateway, in-process: HTTP → gateway → NATS → dataset-svc → SQLite, all services and the client in ONE Node process', stack.http, stack.baseUrl, opts.datasets, opts.load);
  } finally {
    await stack.stop();
  }
}

export async function benchApi(opts: ApiOptions, cluster: Cluster | undefined, inProcess: { result: LoadResult; body: string }): Promise<PartReport> {
  const results: LoadResult[] = [inProcess.result];
  if (cluster) {
    progress('api: multi-process cluster');
    results.push((await benchListing('gateway, multi-process: same path, gateway / dataset-svc / account-svc / nats-server / client each their own process', cluster.http, cluster.baseUrl, opts.datasets, opts.load)).result);
  }
  progress('api: bare NATS and bare express');
  results.push(await benchNats(inProcess.body, opts.load), await benchExpress(inProcess.body, opts.load));
  const bodyBytes = Buffer.byteLength(inProcess.body);
  const markdown = [
    markdownTable(results),
    '',
    `Each answer is the same ${bodyBytes}-byte JSON listing of ${opts.datasets} datasets; closed loop, ${opts.load.warmup} unmeasured warm-up requests per case; logs at warn. ` +
      'In-process: the gateway, every service and the load generator share one event loop (one core). Multi-process: the load generator is the bench process; ' +
      'the gateway and each service are separate Node processes (from source via tsx) sharing the 2 cores with nats-server.',
  ].join('\n');
  return {
    title: '1. GET /api/v1/datasets: gateway vs bare NATS vs bare express',
    markdown,
    data: { options: { ...opts.load, datasets: opts.datasets, body_bytes: bodyBytes }, results },
    failures: results.filter((r) => r.errors > 0).map((r) => `${r.name}: ${r.errors} errors`),
  };
}
