/**
 * Retrieval quality of SqliteChunkIndex on a BEIR set (a script, not a test).
 *
 *   node --conditions=development --import tsx shared/chunk-index/src/bench/beir.ts nfcorpus \
 *     [--title=field|content|both] [--weights=content=1,title_tokens=3] [--max-terms=64] [--vectors] [--vector-weight=0.3]
 *
 * Indexes title+text of every corpus document as one chunk (one document per BEIR doc) into a
 * temporary file, runs every test query through `search` (vectorWeight 0, topK 1000, threshold 0,
 * pageSize 100) and prints nDCG@10 and recall@100. ArguAna's queries are themselves corpus documents:
 * as BEIR does, a hit on the query's own id is dropped before scoring.
 * `--vectors` embeds with the hashing embedder of @rag/models when that package provides one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ChunkRecord } from '../chunk-index.js';
import { chunkId } from '../chunk-id.js';
import { SqliteChunkIndex, type ColumnWeights } from '../sqlite/sqlite-chunk-index.js';
import { loadBeir, ndcgAt, recallAt } from './beir-data.js';
import { loadOptionalEmbedder } from './embedder.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    title: { type: 'string', default: 'field' },
    weights: { type: 'string', default: '' },
    vectors: { type: 'boolean', default: false },
    'vector-weight': { type: 'string', default: '0.3' },
    'top-k': { type: 'string', default: '1000' },
    'max-terms': { type: 'string', default: '64' },
    'keep-index': { type: 'boolean', default: false },
  },
});

function parseWeights(spec: string): Partial<ColumnWeights> {
  const out: Record<string, number> = {};
  for (const part of spec.split(',').filter(Boolean)) {
    const [k, v] = part.split('=');
    out[k!.trim()] = Number(v);
  }
  return out as Partial<ColumnWeights>;
}

async function main(): Promise<void> {
  const name = positionals[0] ?? 'nfcorpus';
  const titleMode = values.title as 'field' | 'content' | 'both';
  const set = await loadBeir(name);
  const embedder = values.vectors ? await loadOptionalEmbedder() : null;
  if (values.vectors && !embedder) console.error('--vectors: @rag/models has no usable hashing embedder yet; running text-only');
  const vectorWeight = embedder ? Number(values['vector-weight']) : 0;

  const dir = mkdtempSync(path.join(os.tmpdir(), `beir-${name}-`));
  const index = new SqliteChunkIndex({ file: path.join(dir, 'chunks.sqlite'), weights: parseWeights(values.weights!),
    maxQueryTerms: Number(values['max-terms']),
    writeBatchSize: 2000,
  });
  const tenant = 'bench';
  const dataset = name;
  const t0 = performance.now();
  const batch: ChunkRecord[] = [];
  const flush = async (): Promise<void> => {
    if (embedder) {
      const vecs = await embedder.embed(batch.map((c) => c.content));
      batch.forEach((c, i) => (c.vector = vecs[i]!));
    }
    await index.upsert(batch);
    batch.length = 0;
  };
  let order = 0;
  for (const doc of set.corpus) {
    const content = titleMode === 'field' ? doc.text : `${doc.title}\n${doc.text}`;
    batch.push({
      id: chunkId(doc._id, dataset),
      tenant_id: tenant,
      dataset_id: dataset,
      document_id: doc._id,
      document_name: titleMode === 'content' ? '' : doc.title,
      content,
      important_keywords: [],
      questions: [],
      positions: [],
      image_id: '',
      available: true,
      vector: null,
      embedding_model: embedder?.name ?? '',
      create_time: '2024-01-01 00:00:00',
      create_timestamp: 0,
      page_order: order++,
      doc_type: '',
    });
    if (batch.length >= 2000) await flush();
  }
  await flush();
  const indexMs = performance.now() - t0;

  let ndcg = 0;
  let recall = 0;
  const latencies: number[] = [];
  const queryIds = [...set.qrels.keys()];
  for (const qid of queryIds) {
    const text = set.queries.get(qid) ?? '';
    const vector = embedder ? (await embedder.embed([text]))[0] : undefined;
    const s = performance.now();
    const res = await index.search({
      tenantIds: [tenant],
      datasetIds: [dataset],
      text,
      ...(vector ? { vector } : {}),
      topK: Number(values['top-k']),
      similarityThreshold: 0,
      vectorWeight,
      page: 1,
      pageSize: 100,
    });
    latencies.push(performance.now() - s);
    const ranked = res.hits.map((h) => h.document_id).filter((d) => d !== qid);
    const rels = set.qrels.get(qid)!;
    ndcg += ndcgAt(ranked, rels, 10);
    recall += recallAt(ranked, rels, 100);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  console.log(
    JSON.stringify({
      dataset: name,
      docs: set.corpus.length,
      queries: queryIds.length,
      title: titleMode,
      weights: values.weights || 'default',
      maxTerms: Number(values['max-terms']),
      vectors: embedder?.name ?? null,
      vectorWeight,
      'nDCG@10': Number((ndcg / queryIds.length).toFixed(4)),
      'recall@100': Number((recall / queryIds.length).toFixed(4)),
      indexSeconds: Number((indexMs / 1000).toFixed(1)),
      searchMsP50: Number(pct(50).toFixed(2)),
      searchMsP95: Number(pct(95).toFixed(2)),
    }),
  );
  await index.close();
  if (!values['keep-index']) rmSync(dir, { recursive: true, force: true });
  else console.error(`index kept in ${dir}`);
}

await main();
