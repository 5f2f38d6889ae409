/**
 * Parts `beir` (retrieval quality through the API) and its ingestion figures (part 3).
 *
 * For each BEIR set: a new user and a dataset with `chunk_method: "one"` (one chunk per document);
 * every corpus document uploaded as `<_id>.txt` (title, newline, text) in multipart batches, each
 * batch's parse started as soon as it is stored; then every test query through
 * POST /api/v1/retrieval, the hits' document names mapped back to corpus ids, nDCG@10 and
 * recall@100 computed from the qrels. Nothing is tuned here; SciFact is the held-out set.
 */
import { countTokens } from '@rag/parsing';
import { signUp } from '../support/stack.js';
import { upload } from '../support/documents.js';
import type { Http } from '../support/http.js';
import { cleanRanking, contentOf, fileNameOf, idOfFileName, loadBeir, ndcgAt, recallAt, type BeirSet } from './beir-data.js';
import type { Cluster } from './cluster.js';
import { mapLimit, progress, round, sleep, summarize, table, type PartReport, type Summary } from './common.js';

/** Published BM25 nDCG@10 (BEIR, Thakur et al. 2021) the issue asks to beat. */
export const BM25_NDCG10: Record<string, number> = { scifact: 0.665, nfcorpus: 0.325, arguana: 0.414 };
/** Sets whose queries are corpus documents: the query's own id is dropped from its ranking. */
const SELF_EXCLUDING = new Set(['arguana']);

export interface BeirOptions {
  sets: string[];
  uploadBatch: number;
  weights: number[];
  queryConcurrency: number;
  ingestTimeoutMs: number;
}

export interface IngestResult {
  set: string;
  docs: number;
  done: number;
  failed: string[];
  chunks: number;
  /** Sum of the documents' token_count (cl100k, as the pipeline counted it). */
  tokens: number;
  upload_seconds: number;
  /** First upload request → the poll that saw no document left UNSTART/RUNNING. */
  wall_seconds: number;
  pipeline_tokens_per_s: number;
  docs_per_s: number;
  /** countTokens over the same texts, in the bench process, nothing else. */
  tokenizer_tokens: number;
  tokenizer_seconds: number;
  tokenizer_tokens_per_s: number;
}

export interface QualityResult {
  set: string;
  vector_weight: number;
  queries: number;
  ndcg_at_10: number;
  recall_at_100: number;
  bm25_ndcg_at_10: number;
  errors: number;
  /** Hits with similarity 0 left out of the ranking (not retrieved by either channel's score). */
  zero_scored_hits_dropped: number;
  latency_ms: Summary;
}

type User = Awaited<ReturnType<typeof signUp>>;

async function pendingCount(http: Http, user: User, datasetId: string): Promise<number> {
  const r = await http.get(`/api/v1/datasets/${datasetId}/documents?run=UNSTART&run=RUNNING&page_size=1`, user.bearer);
  if (r.body.code !== 0) throw new Error(`listing pending documents failed: ${r.text.slice(0, 300)}`);
  return r.body.data.total as number;
}

/** Every document of the dataset, page by page (a page's reply must fit one NATS message). */
async function allDocuments(http: Http, user: User, datasetId: string): Promise<any[]> {
  const out: any[] = [];
  for (let page = 1; page < 10_000; page++) {
    const r = await http.get(`/api/v1/datasets/${datasetId}/documents?page=${page}&page_size=500&orderby=create_time&desc=false`, user.bearer);
    if (r.body.code !== 0) throw new Error(`listing documents failed: ${r.text.slice(0, 300)}`);
    out.push(...r.body.data.docs);
    if (r.body.data.docs.length < 500) break;
  }
  return out;
}

async function ingest(http: Http, user: User, set: BeirSet, opts: BeirOptions): Promise<{ result: IngestResult; datasetId: string }> {
  const ds = await http.post('/api/v1/datasets', { name: `beir-${set.name}`, chunk_method: 'one' }, user.bearer);
  if (ds.body.code !== 0) throw new Error(`create dataset failed: ${ds.text}`);
  const datasetId = ds.body.data.id as string;
  const started = performance.now();
  for (let i = 0; i < set.corpus.length; i += opts.uploadBatch) {
    const batch = set.corpus.slice(i, i + opts.uploadBatch);
    const up = await upload(http, user.bearer, datasetId, batch.map((d) => ({ name: fileNameOf(d), data: contentOf(d) })));
    if (up.body.code !== 0) throw new Error(`upload failed: ${JSON.stringify(up.body).slice(0, 300)}`);
    const wrong = (up.body.data as any[]).filter((d) => d.chunk_method !== 'one');
    if (wrong.length) throw new Error(`${wrong[0].name} got chunk_method ${wrong[0].chunk_method}, not "one"`);
    const parse = await http.post(`/api/v1/datasets/${datasetId}/chunks`, { document_ids: (up.body.data as any[]).map((d) => d.id) }, user.bearer);
    if (parse.body.code !== 0) throw new Error(`parse request failed: ${parse.text}`);
    if ((i / opts.uploadBatch) % 10 === 9) progress(`beir ${set.name}: uploaded ${i + batch.length}/${set.corpus.length}`);
  }
  const uploadSeconds = (performance.now() - started) / 1000;
  progress(`beir ${set.name}: all ${set.corpus.length} uploaded and queued in ${uploadSeconds.toFixed(1)} s; waiting for parsing`);
  const deadline = Date.now() + opts.ingestTimeoutMs;
  let lastReport = 0;
  for (;;) {
    const pending = await pendingCount(http, user, datasetId);
    if (pending === 0) break;
    if (Date.now() > deadline) throw new Error(`${set.name}: ${pending} documents still parsing after ${opts.ingestTimeoutMs} ms`);
    if (Date.now() - lastReport > 10_000) {
      progress(`beir ${set.name}: ${pending} documents left to parse`);
      lastReport = Date.now();
    }
    await sleep(200);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const docs = await allDocuments(http, user, datasetId);
  const done = docs.filter((d) => d.run === 'DONE');
  const failed = docs.filter((d) => d.run !== 'DONE').map((d) => `${d.name}: ${d.run} ${String(d.progress_msg ?? '').split('\n').at(-1)}`);
  const tokens = docs.reduce((s, d) => s + (d.token_count as number), 0);
  const chunks = docs.reduce((s, d) => s + (d.chunk_count as number), 0);

  // The tokenizer alone, on the same texts, in this process.
  const texts = set.corpus.map(contentOf);
  countTokens('warm up the encoder');
  const t0 = performance.now();
  let tokenizerTokens = 0;
  for (const t of texts) tokenizerTokens += countTokens(t);
  const tokenizerSeconds = (performance.now() - t0) / 1000;
  const result: IngestResult = {
    set: set.name,
    docs: set.corpus.length,
    done: done.length,
    failed,
    chunks,
    tokens,
    upload_seconds: round(uploadSeconds, 2),
    wall_seconds: round(wallSeconds, 2),
    pipeline_tokens_per_s: Math.round(tokens / wallSeconds),
    docs_per_s: round(set.corpus.length / wallSeconds, 1),
    tokenizer_tokens: tokenizerTokens,
    tokenizer_seconds: round(tokenizerSeconds, 3),
    tokenizer_tokens_per_s: Math.round(tokenizerTokens / tokenizerSeconds),
  };
  progress(`beir ${set.name}: ingested in ${wallSeconds.toFixed(1)} s (${result.pipeline_tokens_per_s} tokens/s), ${failed.length} not DONE`);
  return { result, datasetId };
}

async function evaluate(http: Http, user: User, set: BeirSet, datasetId: string, weight: number, concurrency: number): Promise<QualityResult> {
  const qids = [...set.qrels.keys()].filter((q) => set.queries.has(q));
  const exclude = SELF_EXCLUDING.has(set.name);
  let errors = 0;
  let zeroScored = 0;
  const latencies: number[] = [];
  const scores = await mapLimit(qids, concurrency, async (qid) => {
    const question = set.queries.get(qid)!;
    const t0 = performance.now();
    const r = await http.post(
      '/api/v1/retrieval',
      { dataset_ids: [datasetId], question, page_size: 100, top_k: 1024, similarity_threshold: 0, vector_similarity_weight: weight, highlight: false },
      user.bearer,
    );
    latencies.push(performance.now() - t0);
    if (r.body.code !== 0) {
      errors++;
      if (errors <= 3) progress(`beir ${set.name}: retrieval failed for ${qid}: ${r.text.slice(0, 200)}`);
      return { ndcg: 0, recall: 0 };
    }
    // A hit scored 0 was not retrieved: at weight 0 those are the vector channel's candidates, tied at 0
    // and ordered by chunk id (random per run), which would add noise to recall@100.
    const hits = (r.body.data.chunks as { document_keyword: string; similarity: number }[]).filter((c) => c.similarity > 0);
    zeroScored += r.body.data.chunks.length - hits.length;
    const ranked = cleanRanking(hits.map((c) => idOfFileName(c.document_keyword)), exclude ? qid : undefined);
    const rels = set.qrels.get(qid)!;
    return { ndcg: ndcgAt(ranked, rels, 10), recall: recallAt(ranked, rels, 100) };
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
  return {
    set: set.name,
    vector_weight: weight,
    queries: qids.length,
    ndcg_at_10: round(mean(scores.map((s) => s.ndcg)), 4),
    recall_at_100: round(mean(scores.map((s) => s.recall)), 4),
    bm25_ndcg_at_10: BM25_NDCG10[set.name] ?? NaN,
    errors,
    zero_scored_hits_dropped: zeroScored,
    latency_ms: summarize(latencies, 1),
  };
}

export interface BeirReport {
  quality: PartReport;
  ingestion: PartReport;
}

export async function benchBeir(cluster: Cluster, opts: BeirOptions): Promise<BeirReport> {
  const ingests: IngestResult[] = [];
  const quality: QualityResult[] = [];
  const failures: string[] = [];
  for (const name of opts.sets) {
    const set = loadBeir(name);
    progress(`beir ${name}: ${set.corpus.length} documents, ${set.qrels.size} test queries`);
    const user = await signUp(cluster.http);
    const { result, datasetId } = await ingest(cluster.http, user, set, opts);
    ingests.push(result);
    if (result.failed.length) failures.push(`${name}: ${result.failed.length} documents not DONE, e.g. ${result.failed.slice(0, 3).join('; ')}`);
    for (const w of opts.weights) {
      progress(`beir ${name}: ${set.qrels.size} queries at vector_similarity_weight ${w}`);
      const q = await evaluate(cluster.http, user, set, datasetId, w, opts.queryConcurrency);
      progress(`beir ${name}: w=${w} nDCG@10 ${q.ndcg_at_10} recall@100 ${q.recall_at_100}`);
      quality.push(q);
      if (q.errors) failures.push(`${name} w=${w}: ${q.errors} retrieval errors`);
    }
  }
  const qualityMd = [
    table(
      ['set', 'docs', 'queries', 'vector weight', 'nDCG@10', 'BM25 nDCG@10 (published)', 'Δ nDCG@10', 'recall@100', 'zero-score hits dropped', 'retrieval p50 ms', 'p95 ms', 'errors'],
      quality.map((q) => [
        q.set === 'scifact' ? 'scifact (held out)' : q.set,
        ingests.find((i) => i.set === q.set)!.docs,
        q.queries,
        q.vector_weight,
        q.ndcg_at_10,
        q.bm25_ndcg_at_10,
        round(q.ndcg_at_10 - q.bm25_ndcg_at_10, 4),
        q.recall_at_100,
        q.zero_scored_hits_dropped,
        q.latency_ms.p50,
        q.latency_ms.p95,
        q.errors,
      ]),
    ),
    '',
    'Every test query through POST /api/v1/retrieval (`page_size: 100, top_k: 1024, similarity_threshold: 0, highlight: false`) on a dataset with `chunk_method: "one"`, ' +
      'ingested through the pipeline (multipart upload → parse-worker → built-in hashing embedder → SqliteChunkIndex). Weight 0 = the BM25 side alone; 0.3 = the default hybrid. ' +
      'nDCG@10: graded gain, log2 discount, ideal DCG from the qrels; hits mapped back to corpus ids by document name. ' +
      'Hits with similarity 0 are left out of the ranking: with `similarity_threshold: 0` the answer fills up with the vector channel\'s candidates, which at weight 0 all score 0 and come in chunk-id order (random per run). ' +
      `ArguAna: a hit on the query's own id is dropped (BEIR convention), so at most 99 remain for recall@100. Nothing was tuned on SciFact. ` +
      `Queries run ${opts.queryConcurrency} at a time (latencies at that concurrency).`,
  ].join('\n');
  const ingestMd = [
    table(
      ['set', 'docs', 'DONE', 'chunks', 'tokens (token_count)', 'upload s', 'upload→last DONE s', 'pipeline tokens/s', 'docs/s', 'tokenizer tokens', 'tokenizer s', 'tokenizer tokens/s', 'tokenizer ÷ pipeline'],
      ingests.map((i) => [
        i.set,
        i.docs,
        i.done,
        i.chunks,
        i.tokens,
        i.upload_seconds,
        i.wall_seconds,
        i.pipeline_tokens_per_s,
        i.docs_per_s,
        i.tokenizer_tokens,
        i.tokenizer_seconds,
        i.tokenizer_tokens_per_s,
        round(i.tokenizer_tokens_per_s / i.pipeline_tokens_per_s, 1),
      ]),
    ),
    '',
    `Wall time from the first upload request to the first poll (every 200 ms) that finds no document UNSTART or RUNNING; uploads of ${opts.uploadBatch} files per request, each batch's parse requested right after it was stored, ` +
      'so upload and parsing overlap. One parse-worker process (default PARSE_CONCURRENCY), gateway, document-svc and nats-server each their own process on the 2 cores. ' +
      'Tokens are the sum of the documents\' token_count (cl100k_base of the chunk text). Tokenizer: countTokens from @rag/parsing over the same texts (title + "\\n" + text), alone in the bench process; ' +
      'it counts one token more than token_count for each document with an empty title, whose leading newline the chunker trims (ArguAna has 5,975 such documents).',
  ].join('\n');
  return {
    quality: { title: '2. Retrieval quality through POST /api/v1/retrieval (BEIR test queries)', markdown: qualityMd, data: quality, failures },
    ingestion: { title: '3. Ingestion throughput: upload + parse + embed + index vs the tokenizer alone', markdown: ingestMd, data: ingests, failures: [] },
  };
}
