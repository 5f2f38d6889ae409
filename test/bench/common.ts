/** Small helpers shared by the parts of `make bench`: progress on stderr, tables, percentiles. */
import { percentile } from './load.js';

const started = performance.now();

/** A progress line on stderr, prefixed with the seconds since the bench started. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

export const round = (n: number, digits = 3): number => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank summary of samples (ms or anything else). */
export function summarize(samples: readonly number[], digits = 2): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return {
    n: s.length,
    mean: round(mean, digits),
    p50: round(percentile(s, 50), digits),
    p95: round(percentile(s, 95), digits),
    p99: round(percentile(s, 99), digits),
    max: round(s.at(-1) ?? NaN, digits),
  };
}

/** A markdown table; numbers right-aligned. */
export function table(head: string[], rows: (string | number)[][], align?: ('l' | 'r')[]): string {
  const a = align ?? head.map((_, i) => (rows.length && typeof rows[0]![i] === 'number' ? 'r' : 'l'));
  const sep = a.map((x) => (x === 'r' ? '---:' : '---'));
  const cell = (v: string | number) => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '–') : v);
  return [`| ${head.join(' | ')} |`, `|${sep.join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

/** Runs `fn` over `items` with at most `concurrency` in flight, results in input order. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return out;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The numbers a part hands back: markdown for the report, data for the JSON file. */
export interface PartReport {
  title: string;
  markdown: string;
  data: unknown;
  /** Things that went wrong (errors, dropped events, failed documents): the bench exits 1. */
  failures: string[];
}
