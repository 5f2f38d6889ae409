import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface BeirDoc {
  _id: string;
  title: string;
  text: string;
}

export interface BeirSet {
  name: string;
  corpus: BeirDoc[];
  queries: Map<string, string>;
  /** query id → (doc id → graded relevance) */
  qrels: Map<string, Map<string, number>>;
}

export const BEIR_ROOT = process.env.BEIR_ROOT ?? '/work/shared/data/beir';

async function readJsonl<T>(file: string): Promise<T[]> {
  const out: T[] = [];
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) out.push(JSON.parse(line) as T);
  return out;
}

export async function loadBeir(name: string, split = 'test'): Promise<BeirSet> {
  const dir = path.join(BEIR_ROOT, name);
  const corpus = await readJsonl<BeirDoc>(path.join(dir, 'corpus.jsonl'));
  const queries = new Map((await readJsonl<{ _id: string; text: string }>(path.join(dir, 'queries.jsonl'))).map((q) => [q._id, q.text]));
  const qrels = new Map<string, Map<string, number>>();
  const lines = readFileSync(path.join(dir, 'qrels', `${split}.tsv`), 'utf8').split('\n');
  for (const line of lines.slice(1)) {
    const [qid, did, score] = line.trim().split('\t');
    if (!qid || !did || score === undefined) continue;
    let m = qrels.get(qid);
    if (!m) qrels.set(qid, (m = new Map()));
    m.set(did, Number(score));
  }
  return { name, corpus, queries, qrels };
}

/** nDCG@k with linear gain (trec_eval / pytrec_eval, as BEIR reports it) and log2(rank + 1) discount. */
export function ndcgAt(ranked: string[], rels: Map<string, number>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const rel = rels.get(ranked[i]!) ?? 0;
    if (rel > 0) dcg += rel / Math.log2(i + 2);
  }
  const ideal = [...rels.values()].filter((r) => r > 0).sort((a, b) => b - a).slice(0, k);
  let idcg = 0;
  ideal.forEach((rel, i) => (idcg += rel / Math.log2(i + 2)));
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Share of the relevant documents (relevance > 0) found in the top k. */
export function recallAt(ranked: string[], rels: Map<string, number>, k: number): number {
  const relevant = [...rels.entries()].filter(([, r]) => r > 0).map(([d]) => d);
  if (relevant.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((d) => top.has(d)).length / relevant.length;
}
