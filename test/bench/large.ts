/**
 * Part `large`: POST /api/v1/retrieval on a dataset of 100k+ chunks, beside the raw
 * SqliteChunkIndex.search() of the same queries with the same parameters in the bench process.
 *
 * Setup bypasses the pipeline (ingesting 100k chunks through it would take most of the budget): the
 * dataset and one document are created and parsed through the API, then N chunks for that document
 * (~48-word windows of the BEIR corpora, embedded with the built-in hashing embedder and mixed with
 * the file-name vector as the parse-worker does) are upserted straight into the stack's index file,
 * DATA_DIR/index/chunks.sqlite, with the tenant / dataset / document ids of the API rows.
 */
import path from 'node:path';
import { SqliteChunkIndex, chunkId, type ChunkRecord, type SearchQuery } from '@rag/chunk-index';
import { HashingEmbedder, mixVectors } from '@rag/models';
import { signUp } from '../support/stack.js';
import { upload, waitForParsing } from '../support/documents.js';
import { loadBeir } from './beir-data.js';
import type { Cluster } from './cluster.js';
import { mapLimit, progress, round, summarize, table, type PartReport } from './common.js';

export interface LargeOptions {
  chunks: number;
  queries: number;
  /** Requests in flight for the throughput pass (the latency passes are sequential). */
  concurrency: number;
}

/** mulberry32: a seeded PRNG so every run builds the same chunks and picks the same queries. */
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

function shuffle<T>(xs: T[], random: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** Overlapping word windows of every BEIR document, shuffled; at least `n` of them. */
function chunkTexts(n: number, random: () => number): string[] {
  const sets = ['scifact', 'nfcorpus', 'arguana'].map((s) => loadBeir(s));
  const words = sets.flatMap((s) => s.corpus.map((d) => `${d.title} ${d.text}`.split(/\s+/).filter(Boolean)));
  const total = words.reduce((a, w) => a + w.length, 0);
  const size = 48;
  // A stride that yields at least n windows (the last window of a document may be shorter).
  const stride = Math.max(4, Math.min(size, Math.floor(total / (n * 1.1))));
  const windows: string[] = [];
  for (const w of words) for (let i = 0; i < w.length; i += stride) windows.push(w.slice(i, i + size).join(' '));
  shuffle(windows, random);
  return Array.from({ length: n }, (_, i) => windows[i % windows.length]!);
}

/** Varied questions: short (SciFact claims, NFCorpus topics) and long (ArguAna arguments). */
function pickQueries(total: number, random: () => number): { set: string; text: string }[] {
  const share: [string, number][] = [
    ['scifact', 0.4],
    ['nfcorpus', 0.4],
    ['arguana', 0.2],
  ];
  const out: { set: string; text: string }[] = [];
  for (const [name, part] of share) {
    const s = loadBeir(name);
    const qs = [...s.qrels.keys()].map((id) => s.queries.get(id)).filter((q): q is string => !!q);
    out.push(...shuffle(qs, random).slice(0, Math.round(total * part)).map((text) => ({ set: name, text })));
  }
  return shuffle(out, random);
}

/** Upserts one chunk per text into the seed document, in batches, with hashing-embedder vectors. */
async function writeChunks(index: SqliteChunkIndex, base: Omit<ChunkRecord, 'id' | 'content'>, doc: { id: string; name: string }, texts: string[], embedder: HashingEmbedder) {
  const titleVector = (await embedder.embed([doc.name])).vectors[0]!;
  const t0 = performance.now();
  let embedMs = 0;
  const BATCH = 2000;
  for (let i = 0; i < texts.length; i += BATCH) {
    const slice = texts.slice(i, i + BATCH);
    const e0 = performance.now();
    const { vectors } = await embedder.embed(slice);
    embedMs += performance.now() - e0;
    const now = Date.now();
    const records: ChunkRecord[] = slice.map((content, j) => ({
      ...base,
      id: chunkId(`${content}#${i + j}`, doc.id),
      content,
      vector: mixVectors(titleVector, vectors[j]!, 0.1),
      create_timestamp: now / 1000 + (i + j) * 1e-6,
      page_order: i + j + 1,
    }));
    await index.upsert(records);
    if ((i / BATCH) % 10 === 9) progress(`large: ${i + slice.length}/${texts.length} chunks written`);
  }
  return { setupSeconds: (performance.now() - t0) / 1000, embedMs };
}

export async function benchLarge(cluster: Cluster, opts: LargeOptions): Promise<PartReport> {
  const random = rng(42);
  const user = await signUp(cluster.http);
  const created = await cluster.http.post('/api/v1/datasets', { name: 'bench-100k' }, user.bearer);
  if (created.body.code !== 0) throw new Error(`create dataset failed: ${created.text}`);
  const dataset = created.body.data as { id: string; tenant_id: string; embedding_model: string };
  const seed = 'A seed document for the retrieval-latency benchmark; its chunks are written straight into the index.';
  const up = await upload(cluster.http, user.bearer, dataset.id, [{ name: 'bench-100k.txt', data: seed }]);
  if (up.body.code !== 0) throw new Error(`upload failed: ${JSON.stringify(up.body)}`);
  const doc = up.body.data[0] as { id: string; name: string };
  await cluster.http.post(`/api/v1/datasets/${dataset.id}/chunks`, { document_ids: [doc.id] }, user.bearer);
  const parsed = (await waitForParsing(cluster.http, user.bearer, dataset.id, [doc.id])).get(doc.id);
  if (parsed?.run !== 'DONE') throw new Error(`the seed document did not parse: ${parsed?.progress_msg}`);

  const indexFile = path.join(cluster.dataDir, 'index', 'chunks.sqlite');
  let index = new SqliteChunkIndex({ file: indexFile });
  try {
    // The parsed chunk is the template: same tenant, dataset, document, model name, doc type.
    const listed = await cluster.http.get(`/api/v1/datasets/${dataset.id}/documents/${doc.id}/chunks`, user.bearer);
    const template = await index.get(dataset.tenant_id, listed.body.data.chunks[0].id as string);
    if (!template) throw new Error('the parsed chunk of the seed document is not in the index file');
    // Each new chunk's tokens are the index's own analysis of its content, as for parsed chunks.
    const { content_tokens: _ct, title_tokens: _tt, ...base } = template;

    progress(`large: building ${opts.chunks} chunks (BEIR word windows, hashing-embedder vectors)`);
    const embedder = new HashingEmbedder();
    const { setupSeconds, embedMs } = await writeChunks(index, base, doc, chunkTexts(opts.chunks, random), embedder);
    const total = await index.countByDocument(dataset.tenant_id, dataset.id, doc.id);
    progress(`large: ${total} chunks in the document after ${setupSeconds.toFixed(1)} s (embedding ${(embedMs / 1000).toFixed(1)} s)`);

    const queries = pickQueries(opts.queries, random);
    const params = { page: 1, page_size: 30, top_k: 1024, similarity_threshold: 0.2, vector_similarity_weight: 0.3 };
    const api = async (question: string) => {
      const t = performance.now();
      const r = await cluster.http.post('/api/v1/retrieval', { dataset_ids: [dataset.id], question, ...params }, user.bearer);
      const ms = performance.now() - t;
      if (r.body.code !== 0) throw new Error(`retrieval failed: ${r.text.slice(0, 300)}`);
      return { ms, total: r.body.data.total as number, hits: r.body.data.chunks.length as number, bytes: r.text.length };
    };
    // The first request after the bulk write: document-svc loads 100k vectors into its cache.
    const first = await api('first question after the bulk load');
    progress(`large: first API retrieval (document-svc loads the vector cache) ${first.ms.toFixed(0)} ms; ${queries.length} queries, sequential`);
    await mapLimit(queries.slice(0, 10), 1, (q) => api(q.text));
    const apiRuns = await mapLimit(queries, 1, (q) => api(q.text));
    let errors = 0;
    const t1 = performance.now();
    const concurrent = await mapLimit(queries, opts.concurrency, (q) =>
      api(q.text).catch(() => {
        errors++;
        return null;
      }),
    );
    const concurrentSeconds = (performance.now() - t1) / 1000;

    progress('large: raw index.search() in the bench process, same queries and parameters');
    const query: Omit<SearchQuery, 'text' | 'vector'> = {
      tenantIds: [dataset.tenant_id],
      datasetIds: [dataset.id],
      topK: params.top_k,
      similarityThreshold: params.similarity_threshold,
      vectorWeight: params.vector_similarity_weight,
      page: 1,
      pageSize: params.page_size,
      highlight: true,
    };
    // A fresh reader, as document-svc has: not the connection that did the bulk write.
    await index.close();
    index = new SqliteChunkIndex({ file: indexFile });
    const w0 = performance.now();
    await index.search({ ...query, text: 'first question after the bulk load', vector: (await embedder.embed(['first'])).vectors[0]! });
    const rawFirstMs = performance.now() - w0;
    for (const q of queries.slice(0, 10)) await index.search({ ...query, text: q.text, vector: (await embedder.embed([q.text])).vectors[0]! });
    const rawMs: number[] = [];
    const rawTextOnlyMs: number[] = [];
    const queryEmbedMs: number[] = [];
    let agree = 0;
    for (const [i, q] of queries.entries()) {
      const e = performance.now();
      const vector = (await embedder.embed([q.text])).vectors[0]!;
      queryEmbedMs.push(performance.now() - e);
      const s = performance.now();
      const r = await index.search({ ...query, text: q.text, vector });
      rawMs.push(performance.now() - s);
      const s2 = performance.now();
      await index.search({ ...query, text: q.text, vectorWeight: 0 });
      rawTextOnlyMs.push(performance.now() - s2);
      if (r.total === apiRuns[i]!.total) agree++;
    }
    const latency = summarize(apiRuns.map((r) => r.ms));
    const ok = concurrent.filter((r): r is NonNullable<typeof r> => r !== null);
    const rows = [
      ['POST /api/v1/retrieval through the gateway, sequential', summarize(apiRuns.map((r) => r.ms))],
      [`POST /api/v1/retrieval through the gateway, ${opts.concurrency} in flight`, summarize(ok.map((r) => r.ms))],
      ['raw SqliteChunkIndex.search() in-process (hybrid, query vector given)', summarize(rawMs)],
      ['raw SqliteChunkIndex.search() in-process, text only (vector weight 0, no vector)', summarize(rawTextOnlyMs)],
      ['hashing embedder on the question alone', summarize(queryEmbedMs)],
    ] as const;
    const markdown = [
      table(
        ['case', 'queries', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'max ms'],
        rows.map(([name, s]) => [name, s.n, s.p50, s.p95, s.p99, s.mean, s.max]),
      ),
      '',
      `**Setup bypassed the pipeline**: the dataset and one document were created and parsed through the API, then ${opts.chunks.toLocaleString('en')} chunks of that document ` +
        `(~48-word windows of the three BEIR corpora, built-in hashing-embedder vectors mixed with the file-name vector as the parse-worker does) were upserted with SqliteChunkIndex ` +
        `straight into DATA_DIR/index/chunks.sqlite: ${total.toLocaleString('en')} chunks in the document, written in ${setupSeconds.toFixed(1)} s (embedding ${(embedMs / 1000).toFixed(1)} s of it). ` +
        `The index file also holds the BEIR datasets of part 2 when that part ran first. ` +
        `Queries: ${queries.length} BEIR test queries (40% SciFact, 40% NFCorpus, 20% ArguAna: short and long), params ${JSON.stringify(params)}, highlight on (the API default). ` +
        `First API retrieval after the bulk write (document-svc loads its vector cache): ${first.ms.toFixed(0)} ms; first raw search (the bench process loads its own): ${rawFirstMs.toFixed(0)} ms. ` +
        `${opts.concurrency} in flight: ${round(ok.length / concurrentSeconds, 1)} req/s, ${errors} errors. Mean answer ${Math.round(apiRuns.reduce((a, r) => a + r.bytes, 0) / apiRuns.length / 1024)} KiB. ` +
        `API and raw search agreed on \`total\` for ${agree}/${queries.length} queries.`,
    ].join('\n');
    return {
      title: `4. Retrieval latency with ${total.toLocaleString('en')} chunks in one dataset`,
      markdown,
      data: {
        chunks_in_document: total,
        setup_seconds: round(setupSeconds, 1),
        setup_embedding_seconds: round(embedMs / 1000, 1),
        setup_bypassed_pipeline: true,
        params,
        queries: queries.length,
        first_api_ms: round(first.ms, 1),
        first_raw_ms: round(rawFirstMs, 1),
        api_sequential_ms: latency,
        api_concurrent: { concurrency: opts.concurrency, rps: round(ok.length / concurrentSeconds, 1), errors, ms: summarize(ok.map((r) => r.ms)) },
        raw_search_ms: summarize(rawMs),
        raw_text_only_ms: summarize(rawTextOnlyMs),
        query_embedding_ms: summarize(queryEmbedMs),
        total_agreement: agree,
      },
      failures: errors ? [`large: ${errors} retrieval errors at concurrency ${opts.concurrency}`] : [],
    };
  } finally {
    await index.close();
  }
}
