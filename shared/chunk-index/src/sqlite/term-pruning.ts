import { porterStem } from '../text/porter.js';
import { isCjk, type QueryTerm } from '../text/tokenize.js';

/**
 * Narrows a query's OR-ed terms before FTS5 ranks them. bm25() costs (matching rows × query
 * phrases), so a pasted paragraph would be slow, while many of its words add little:
 * - a word no chunk contains (document frequency 0) cannot match: dropped;
 * - a word in more than half of all rows gets FTS5's idf floor (1e-6), i.e. no weight, but it makes
 *   nearly every row a candidate: dropped while a rarer term remains;
 * - then, when more than `maxTerms` phrases are left, whole words are kept by their largest possible
 *   contribution (query frequency × idf), best first, while their phrases fit in `maxTerms`.
 * CJK bigrams have no single vocabulary entry: they are kept as if rare.
 * `documentFrequency` receives the Porter stem, which is how FTS5's vocabulary spells the word.
 */
export function pruneTerms(
  terms: QueryTerm[],
  documentFrequency: (stem: string) => number,
  totalRows: number,
  maxTerms: number,
): QueryTerm[] {
  const groups = new Map<string, { df: number; terms: QueryTerm[]; first: number }>();
  terms.forEach((term, position) => {
    const word = term.tokens.length === 1 && !isCjk(term.tokens[0]!) ? term.tokens[0]! : null;
    const key = word === null ? `\u0000${term.tokens.join(' ')}` : porterStem(word);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { df: word === null ? -1 : documentFrequency(key), terms: [], first: position }));
    g.terms.push(term);
  });
  const present = [...groups.values()].filter((g) => g.df !== 0);
  const informative = present.filter((g) => g.df * 2 <= totalRows);
  const kept = informative.length > 0 ? informative : present;
  const phrases = kept.reduce((n, g) => n + g.terms.length, 0);
  if (phrases <= maxTerms) return kept.sort((a, b) => a.first - b.first).flatMap((g) => g.terms);
  const idf = (df: number): number => Math.log((totalRows - Math.max(df, 1) + 0.5) / (Math.max(df, 1) + 0.5));
  const byValue = kept.sort((a, b) => b.terms.length * idf(b.df) - a.terms.length * idf(a.df) || a.first - b.first);
  const chosen: typeof kept = [];
  let budget = Math.max(1, maxTerms);
  for (const g of byValue) {
    if (g.terms.length > budget) continue;
    chosen.push(g);
    budget -= g.terms.length;
  }
  if (chosen.length === 0 && byValue[0]) chosen.push({ ...byValue[0], terms: byValue[0].terms.slice(0, maxTerms) });
  return chosen.sort((a, b) => a.first - b.first).flatMap((g) => g.terms);
}
