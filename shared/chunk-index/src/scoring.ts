/**
 * Hybrid scoring shared by both implementations, so a query ranks the same way on either:
 * candidates = top-K by BM25 ∪ top-K by cosine; term similarity = BM25 / the best BM25 among the
 * candidates (so the best full-text match scores 1 and the scale is per query); similarity =
 * w·cosine + (1−w)·term; candidates below the threshold are dropped.
 */

export interface Candidate<K> {
  key: K;
  /** Raw BM25 when the candidate is in the full-text top-K (positive, larger is better). */
  bm25?: number;
  /** Cosine between the query vector and the chunk's vector (0 without either). */
  cosine: number;
  /** Tie-breaker for a stable order (the chunk id). */
  order: string;
}

export interface Scored<K> {
  key: K;
  similarity: number;
  vector_similarity: number;
  term_similarity: number;
}

export interface ScoringParams {
  vectorWeight: number;
  similarityThreshold: number;
}

/** Scores, thresholds and sorts (similarity desc, then id) the candidates. */
export function rankCandidates<K>(candidates: Iterable<Candidate<K>>, params: ScoringParams): Scored<K>[] {
  const list = [...candidates];
  let maxBm25 = 0;
  for (const c of list) if (c.bm25 !== undefined && c.bm25 > maxBm25) maxBm25 = c.bm25;
  const w = params.vectorWeight;
  const scored: (Scored<K> & { order: string })[] = [];
  for (const c of list) {
    const term = maxBm25 > 0 && c.bm25 !== undefined ? Math.max(0, c.bm25) / maxBm25 : 0;
    const similarity = w * c.cosine + (1 - w) * term;
    if (!(similarity >= params.similarityThreshold)) continue;
    scored.push({ key: c.key, similarity, vector_similarity: c.cosine, term_similarity: term, order: c.order });
  }
  scored.sort((a, b) => b.similarity - a.similarity || (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  return scored.map(({ order: _order, ...s }) => s);
}

/** The 1-based page of `items` (an empty array past the end or for page/pageSize < 1). */
export function pageOf<T>(items: T[], page: number, pageSize: number): T[] {
  if (!(page >= 1) || !(pageSize >= 1)) return [];
  const start = (Math.floor(page) - 1) * Math.floor(pageSize);
  return items.slice(start, start + Math.floor(pageSize));
}

/** Euclidean-normalised copy (a zero vector stays zero). */
export function normalized(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const out = new Float32Array(v.length);
  if (sum === 0) return out;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
