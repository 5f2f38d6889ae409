/**
 * BEIR sets as `make bench` reads them (../shared/data/beir/<set>/{corpus.jsonl, queries.jsonl,
 * qrels/test.tsv} beside the checkout), and the two measures BEIR reports: nDCG@k (trec_eval /
 * pytrec_eval: linear graded gain, log2(rank + 1) discount, ideal DCG from the qrels) and recall@k.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@rag/platform';
import { benchConfig } from './config.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const configured = defineConfig({ BENCH_BEIR_DIR: benchConfig.BENCH_BEIR_DIR }).load().BENCH_BEIR_DIR;
export const BEIR_DIR = configured ? path.resolve(configured) : path.resolve(ROOT, '..', 'shared', 'data', 'beir');

export interface BeirDoc {
  _id: string;
  title: string;
  text: string;
}

export interface BeirSet {
  name: string;
  corpus: BeirDoc[];
  queries: Map<string, string>;
  /** query id → (doc id → graded relevance), test split */
  qrels: Map<string, Map<string, number>>;
}

function jsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export function loadBeir(name: string, dir = BEIR_DIR): BeirSet {
  const base = path.join(dir, name);
  const corpus = jsonl<BeirDoc>(path.join(base, 'corpus.jsonl'));
  const queries = new Map(jsonl<{ _id: string; text: string }>(path.join(base, 'queries.jsonl')).map((q) => [q._id, q.text]));
  return { name, corpus, queries, qrels: parseQrels(readFileSync(path.join(base, 'qrels', 'test.tsv'), 'utf8')) };
}

/** `query-id \t corpus-id \t score` with a header line. */
export function parseQrels(tsv: string): Map<string, Map<string, number>> {
  const qrels = new Map<string, Map<string, number>>();
  for (const line of tsv.split('\n').slice(1)) {
    const [qid, did, score] = line.trim().split('\t');
    if (!qid || !did || score === undefined) continue;
    let m = qrels.get(qid);
    if (!m) qrels.set(qid, (m = new Map()));
    m.set(did, Number(score));
  }
  return qrels;
}

/** What a BEIR document becomes in the bench: `<_id>.txt` holding the title, a newline, the text. */
export const fileNameOf = (doc: BeirDoc) => `${doc._id}.txt`;
export const contentOf = (doc: BeirDoc) => `${doc.title}\n${doc.text}`;
export const idOfFileName = (name: string) => name.replace(/\.txt$/, '');

/** nDCG@k: gain = graded relevance, discount log2(rank + 1), ideal from every judged relevant doc. */
export function ndcgAt(ranked: readonly string[], rels: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const rel = rels.get(ranked[i]!) ?? 0;
    if (rel > 0) dcg += rel / Math.log2(i + 2);
  }
  const ideal = [...rels.values()].filter((r) => r > 0).sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((s, rel, i) => s + rel / Math.log2(i + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Share of the judged relevant docs (relevance > 0) among the first k. */
export function recallAt(ranked: readonly string[], rels: ReadonlyMap<string, number>, k: number): number {
  const relevant = [...rels.entries()].filter(([, r]) => r > 0).map(([d]) => d);
  if (!relevant.length) return 0;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((d) => top.has(d)).length / relevant.length;
}

/** A ranking with duplicates removed (first occurrence kept) and, for ArguAna, the query's own id dropped. */
export function cleanRanking(docIds: readonly string[], excludeId?: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const d of docIds) {
    if (d === excludeId || seen.has(d)) continue;
    seen.add(d);
    out.push(d);
  }
  return out;
}
