/**
 * `make bench`: one run measures and prints (markdown on stdout, progress on stderr, everything in
 * bench-results/bench-<timestamp>.json):
 *   1. api    — GET /api/v1/datasets through the gateway (in-process and multi-process) vs bare NATS vs bare express;
 *   2. beir   — nDCG@10 / recall@100 of POST /api/v1/retrieval on SciFact, NFCorpus, ArguAna, ingested through the pipeline;
 *   3.          ingestion throughput of those corpora (tokens/s) beside the tokenizer alone;
 *   4. large  — retrieval latency with 100k+ chunks, API vs raw SqliteChunkIndex.search();
 *   5. stream — time to first token, relay throughput and 200 concurrent SSE streams.
 * `BENCH=api,stream make bench` runs a subset. Loopback only; parts 2–5 share one stack whose
 * services are separate processes (test/bench/cluster.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@rag/platform';
import { NATS_SERVER_BIN } from '../support/nats-server.js';
import { benchApi, benchApiInProcess } from './api.js';
import { benchBeir } from './beir.js';
import { startCluster, type Cluster } from './cluster.js';
import { progress, type PartReport } from './common.js';
import { benchConfig } from './config.js';
import { benchLarge } from './large.js';
import { benchStreaming } from './streaming.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = defineConfig(benchConfig).load();
const PARTS = ['api', 'beir', 'large', 'stream'] as const;
type Part = (typeof PARTS)[number];
const wanted = new Set(
  config.BENCH.split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean),
);
for (const p of wanted) if (!PARTS.includes(p as Part)) throw new Error(`BENCH: unknown part "${p}" (known: ${PARTS.join(', ')})`);
const runs = (p: Part) => wanted.has(p);

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
    dirty: tryRun('git', ['status', '--porcelain', '--untracked-files=no']) !== '',
    node: process.version,
    nats_server: tryRun(NATS_SERVER_BIN, ['--version']),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memory_gib: Math.round(os.totalmem() / 1024 ** 3),
    metadata: 'SQLite (embedded default)',
  };
}

const machine = describeMachine();
const command = `${[...wanted].join(',') === PARTS.join(',') ? '' : `BENCH=${[...wanted].join(',')} `}make bench`;
const load = { requests: config.BENCH_REQUESTS, concurrency: config.BENCH_CONCURRENCY, warmup: config.BENCH_WARMUP };
const started = performance.now();
const reports: PartReport[] = [];
const timings: Record<string, number> = {};
const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings[name] = Math.round((performance.now() - t0) / 100) / 10;
    progress(`${name}: ${timings[name]} s`);
  }
};

progress(`parts: ${[...wanted].join(', ')}; ${machine.cores} × ${machine.cpu}, node ${machine.node}, ${machine.nats_server}`);
let fatal: unknown;
let cluster: Cluster | undefined;
try {
  // The in-process stack runs alone, before the service processes exist.
  const inProcess = runs('api') ? await timed('api (in-process)', () => benchApiInProcess({ load, datasets: config.BENCH_DATASETS })) : undefined;
  if (runs('api') || runs('beir') || runs('large') || runs('stream')) {
    progress('starting the stack: nats-server + one process per service (account, dataset, document, dialog, parse-worker, gateway)');
    cluster = await timed('stack start', () => startCluster({ workers: 1, logLevel: config.BENCH_LOG_LEVEL }));
  }
  if (inProcess) reports.push(await timed('api', () => benchApi({ load, datasets: config.BENCH_DATASETS }, cluster, inProcess)));
  if (runs('beir')) {
    const beir = await timed('beir', () =>
      benchBeir(cluster!, {
        sets: config.BENCH_BEIR_SETS.split(',').map((s) => s.trim()).filter(Boolean),
        uploadBatch: config.BENCH_UPLOAD_BATCH,
        weights: [0, 0.3],
        queryConcurrency: config.BENCH_QUERY_CONCURRENCY,
        ingestTimeoutMs: config.BENCH_INGEST_TIMEOUT_S * 1000,
      }),
    );
    reports.push(beir.quality, beir.ingestion);
  }
  if (runs('large')) reports.push(await timed('large', () => benchLarge(cluster!, { chunks: config.BENCH_LARGE_CHUNKS, queries: config.BENCH_LARGE_QUERIES, concurrency: 4 })));
  if (runs('stream')) {
    reports.push(
      await timed('stream', () =>
        benchStreaming(cluster!, { ttftRuns: config.BENCH_TTFT_RUNS, relayDeltas: config.BENCH_RELAY_DELTAS, streams: config.BENCH_STREAMS, streamSeconds: config.BENCH_STREAM_SECONDS }),
      ),
    );
  }
} catch (err) {
  fatal = err;
  progress(`FAILED: ${(err as Error).stack ?? String(err)}`);
  for (const c of cluster?.children ?? []) if (c.child.exitCode !== null) progress(`${c.name} exited (${c.child.exitCode}):\n${c.output().slice(-4000)}`);
} finally {
  await cluster?.stop();
}

const totalSeconds = Math.round((performance.now() - started) / 1000);
const failures = reports.flatMap((r) => r.failures);
const header = [
  `# make bench — ${machine.date}`,
  '',
  `Command: \`${command}\` (= \`bash scripts/ensure-services.sh nats && node --conditions=development --import tsx test/bench/run.ts\`${command.startsWith('BENCH=') ? ` with BENCH=${[...wanted].join(',')}` : ''}); ` +
    `parts run: ${[...wanted].join(', ')}; total ${Math.floor(totalSeconds / 60)} min ${totalSeconds % 60} s (${Object.entries(timings).map(([k, v]) => `${k} ${v} s`).join(', ')}).`,
  '',
  `Machine: ${machine.cores} × ${machine.cpu}, ${machine.memory_gib} GiB; node ${machine.node}; ${machine.nats_server}; commit ${machine.commit}${machine.dirty ? ' (working tree has uncommitted changes)' : ''}; metadata in SQLite, chunks in SqliteChunkIndex; loopback only.`,
].join('\n');
const body = reports.map((r) => `## ${r.title}\n\n${r.markdown}`).join('\n\n');
console.log(`\n${header}\n\n${body}\n`);
if (failures.length) console.log(`**Problems:**\n${failures.map((f) => `- ${f}`).join('\n')}\n`);

const dir = path.join(ROOT, 'bench-results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `bench-${machine.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  JSON.stringify(
    {
      ...machine,
      command,
      parts: [...wanted],
      seconds: totalSeconds,
      timings_s: timings,
      options: { ...config },
      markdown: `${header}\n\n${body}`,
      results: Object.fromEntries(reports.map((r) => [r.title, r.data])),
      failures,
      ...(fatal ? { fatal: String((fatal as Error).stack ?? fatal) } : {}),
    },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${path.relative(ROOT, file)}`);
process.exit(fatal || failures.length ? 1 : 0);
