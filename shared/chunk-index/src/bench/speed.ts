/**
 * Speed of SqliteChunkIndex at 100k chunks (a script, not a test).
 *
 *   node --conditions=development --import tsx shared/chunk-index/src/bench/speed.ts [--chunks=100000] [--dims=384]
 *
 * Chunks: ~60-word windows of the BEIR corpora (cycled to the requested count), 100 chunks per
 * document, random unit vectors. Queries: BEIR queries (short: NFCorpus + SciFact; long: ArguAna)
 * with random unit query vectors. Prints p50/p95 of `search` (hybrid, text-only) beside the raw FTS
 * statement alone and the raw vector scan alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ChunkRecord, SearchQuery } from '../chunk-index.js';
import { chunkId } from '../chunk-id.js';
import { DEFAULT_COLUMN_WEIGHTS as W, SqliteChunkIndex } from '../sqlite/sqlite-chunk-index.js';
import { pruneTerms } from '../sqlite/term-pruning.js';
import { datasetScope, scopedMatch, textMatch } from '../sqlite/fts-query.js';
import { VectorCache } from '../sqlite/vector-cache.js';
import { queryTerms } from '../text/tokenize.js';
import { loadBeir } from './beir-data.js';

const { values } = parseArgs({
  options: {
    chunks: { type: 'string', default: '100000' },
    dims: { type: 'string', default: '384' },
    queries: { type: 'string', default: '200' },
    seed: { type: 'string', default: '42' },
  },
});
const N = Number(values.chunks);
const DIMS = Number(values.dims);

/** mulberry32: a seeded PRNG so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(Number(values.seed));

function randomUnit(dims: number): Float32Array {
  const v = new Float32Array(dims);
  let sum = 0;
  for (let i = 0; i < dims; i++) {
    // Box-Muller: Gaussian components give directions uniform on the sphere.
    const g = Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
    v[i] = g;
    sum += g * g;
  }
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < dims; i++) v[i] = v[i]! * inv;
  return v;
}

function percentiles(samples: number[]): { p50: number; p95: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  const r = (x: number): number => Number(x.toFixed(2));
  return { p50: r(at(0.5)), p95: r(at(0.95)), mean: r(s.reduce((a, b) => a + b, 0) / s.length) };
}

async function main(): Promise<void> {
  const sets = await Promise.all(['nfcorpus', 'scifact', 'arguana'].map((n) => loadBeir(n)));
  const windows: string[] = [];
  for (const set of sets) {
    for (const doc of set.corpus) {
      const words = `${doc.title} ${doc.text}`.split(/\s+/).filter(Boolean);
      for (let i = 0; i < words.length; i += 60) windows.push(words.slice(i, i + 60).join(' '));
    }
  }
  const shortQueries = [...sets[0]!.qrels.keys(), ...sets[1]!.qrels.keys()]
    .map((id, i) => sets[i < sets[0]!.qrels.size ? 0 : 1]!.queries.get(id) ?? '')
    .filter(Boolean);
  const longQueries = [...sets[2]!.qrels.keys()].map((id) => sets[2]!.queries.get(id) ?? '').filter(Boolean);
  const pick = (qs: string[], n: number): string[] => Array.from({ length: n }, () => qs[Math.floor(random() * qs.length)]!);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'chunk-speed-'));
  const file = path.join(dir, 'chunks.sqlite');
  const index = new SqliteChunkIndex({ file, writeBatchSize: 2000 });
  const tenant = 'tenant0';
  const dataset = 'dataset0';
  const t0 = performance.now();
  let batch: ChunkRecord[] = [];
  for (let i = 0; i < N; i++) {
    const content = windows[i % windows.length]!;
    const documentId = `doc${Math.floor(i / 100)}`;
    batch.push({
      id: chunkId(`${content}#${i}`, documentId),
      tenant_id: tenant,
      dataset_id: dataset,
      document_id: documentId,
      document_name: `${documentId}.txt`,
      content,
      important_keywords: [],
      questions: [],
      positions: [],
      image_id: '',
      available: true,
      vector: randomUnit(DIMS),
      embedding_model: 'random',
      create_time: '2024-01-01 00:00:00',
      create_timestamp: i,
      page_order: i % 100,
      doc_type: '',
    });
    if (batch.length === 2000) {
      await index.upsert(batch);
      batch = [];
    }
  }
  if (batch.length) await index.upsert(batch);
  const insertSeconds = (performance.now() - t0) / 1000;

  const base: Omit<SearchQuery, 'text'> = {
    tenantIds: [tenant],
    datasetIds: [dataset],
    topK: 1024,
    similarityThreshold: 0.2,
    vectorWeight: 0.3,
    page: 1,
    pageSize: 30,
  };
  const loadStart = performance.now();
  await index.search({ ...base, text: 'warm up', vector: randomUnit(DIMS) });
  const firstSearchWithCacheLoadMs = performance.now() - loadStart;

  const rawCache = new VectorCache(index.db);
  rawCache.sync([tenant], [dataset]);
  const ftsStmt = index.db.prepare(`
    SELECT c.pk, bm25(chunks_fts, ${W.content}, ${W.important_keywords}, ${W.questions}, ${W.title_tokens}, 0) AS rank
    FROM chunks_fts CROSS JOIN chunks c ON c.pk = chunks_fts.rowid
    WHERE chunks_fts MATCH ? AND c.available = 1 AND c.tenant_id = ? AND c.dataset_id = ?
    ORDER BY rank LIMIT 1024`);

  const vocab = index.db.prepare<[string], { doc: number }>(`SELECT doc FROM chunks_vocab WHERE term = ?`);
  const report: Record<string, unknown> = {
    chunks: N,
    dims: DIMS,
    insertSeconds: Number(insertSeconds.toFixed(1)),
    insertPerSecond: Math.round(N / insertSeconds),
    firstSearchWithCacheLoadMs: Number(firstSearchWithCacheLoadMs.toFixed(1)),
  };
  const nq = Number(values.queries);
  for (const [label, queries] of [['short', pick(shortQueries, nq)], ['long', pick(longQueries, Math.min(nq, 100))]] as const) {
    const hybrid: number[] = [];
    const textOnly: number[] = [];
    const fts: number[] = [];
    const scan: number[] = [];
    for (const text of queries) {
      const qv = randomUnit(DIMS);
      let s = performance.now();
      await index.search({ ...base, text, vector: qv });
      hybrid.push(performance.now() - s);
      s = performance.now();
      await index.search({ ...base, text });
      textOnly.push(performance.now() - s);
      // The statement `search` runs, with the same pruned terms (vocabulary look-ups not timed).
      const match = textMatch(pruneTerms(queryTerms(text), (stem) => vocab.get(stem)?.doc ?? 0, N, 64));
      if (match) {
        s = performance.now();
        ftsStmt.all(scopedMatch(match, [datasetScope(dataset)]), tenant, dataset);
        fts.push(performance.now() - s);
      }
      s = performance.now();
      rawCache.nearest([tenant], [dataset], qv, 1024);
      scan.push(performance.now() - s);
    }
    report[label] = {
      queries: queries.length,
      meanQueryWords: Number((queries.reduce((a, q) => a + queryTerms(q).length, 0) / queries.length).toFixed(1)),
      searchHybridMs: percentiles(hybrid),
      searchTextOnlyMs: percentiles(textOnly),
      rawFtsMs: percentiles(fts),
      rawVectorScanMs: percentiles(scan),
    };
  }
  console.log(JSON.stringify(report, null, 2));
  await index.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
