import http from 'node:http';

export interface LoadOptions {
  requests: number;
  concurrency: number;
  warmup: number;
}

export interface LoadResult {
  name: string;
  requests: number;
  concurrency: number;
  errors: number;
  seconds: number;
  rps: number;
  mean_ms: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** `concurrency` workers issue `total` calls between them, each as soon as its previous one ended. */
async function closedLoop(total: number, concurrency: number, call: () => Promise<void>, onDone: (ms: number, ok: boolean) => void): Promise<void> {
  let issued = 0;
  const worker = async () => {
    while (issued < total) {
      issued++;
      const t0 = process.hrtime.bigint();
      let ok = true;
      try {
        await call();
      } catch {
        ok = false;
      }
      onDone(Number(process.hrtime.bigint() - t0) / 1e6, ok);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

/** Closed-loop load: warm-up (not measured), then `requests` calls with `concurrency` in flight. */
export async function runLoad(name: string, call: () => Promise<void>, opts: LoadOptions): Promise<LoadResult> {
  if (opts.warmup) await closedLoop(opts.warmup, opts.concurrency, call, () => undefined);
  const latencies: number[] = [];
  let errors = 0;
  const started = process.hrtime.bigint();
  await closedLoop(opts.requests, opts.concurrency, call, (ms, ok) => {
    if (ok) latencies.push(ms);
    else errors++;
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1);
  return {
    name,
    requests: opts.requests,
    concurrency: opts.concurrency,
    errors,
    seconds: round(seconds),
    rps: Math.round(opts.requests / seconds),
    mean_ms: round(mean),
    p50_ms: round(percentile(latencies, 50)),
    p90_ms: round(percentile(latencies, 90)),
    p99_ms: round(percentile(latencies, 99)),
    max_ms: round(latencies.at(-1) ?? NaN),
  };
}

/**
 * A GET over keep-alive connections (one per worker at most) that resolves once the body is read;
 * anything but the expected status is an error.
 */
export function httpGetter(url: string, headers: Record<string, string>, concurrency: number, expectStatus = 200): { get: () => Promise<string>; close: () => void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const get = () =>
    new Promise<string>((resolve, reject) => {
      const req = http.get(url, { agent, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => (res.statusCode === expectStatus ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}: ${body.slice(0, 200)}`))));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
  return { get, close: () => agent.destroy() };
}

export function markdownTable(results: readonly LoadResult[]): string {
  const head = '| case | requests | concurrency | req/s | mean ms | p50 ms | p90 ms | p99 ms | max ms | errors |';
  const rows = results.map((r) => `| ${r.name} | ${r.requests} | ${r.concurrency} | ${r.rps} | ${r.mean_ms} | ${r.p50_ms} | ${r.p90_ms} | ${r.p99_ms} | ${r.max_ms} | ${r.errors} |`);
  return [head, '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|', ...rows].join('\n');
}
