/**
 * Text analysis shared by both implementations: what a word is, CJK handling, stopwords, and the
 * terms a query is made of. SQLite's `unicode61` tokenizer and this module agree on word boundaries
 * (letters, digits and marks form words; everything else separates).
 */
import { porterStem } from './porter.js';

/** Han, Hiragana and Katakana have no spaces between words: they are indexed one character each. */
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const CJK_GLOBAL = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Query stopwords: English function words (pronouns, auxiliaries, articles, prepositions,
 * conjunctions, contraction fragments). Chosen on NFCorpus and ArguAna with bench/beir.ts: this
 * list ranked better than Lucene's 33-word set and than no list at all. They stay in the index
 * (a query of nothing but stopwords still matches), they are only left out of queries.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers ' +
    'herself it its itself they them their theirs themselves what which who whom this that these those am is ' +
    'are was were be been being have has had having do does did doing a an the and but if or because as until ' +
    'while of at by for with about against between into through during before after above below to from up ' +
    'down in out on off over under again further then once here there when where why how all any both each ' +
    'few more most other some such no nor not only own same so than too very s t can will just don should now ' +
    'd ll m o re ve y ain aren couldn didn doesn hadn hasn haven isn ma mightn mustn needn shan shouldn wasn ' +
    'weren won wouldn'
  ).split(' '),
);

/** Lower case without diacritics: the comparison form of a word. */
export function foldWord(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** Words and single CJK characters of `text`, in order, as written. */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(WORD)) {
    const word = m[0];
    if (!CJK_CHAR.test(word)) {
      out.push(word);
      continue;
    }
    let run = '';
    for (const ch of word) {
      if (CJK_CHAR.test(ch)) {
        if (run) out.push(run);
        run = '';
        out.push(ch);
      } else {
        run += ch;
      }
    }
    if (run) out.push(run);
  }
  return out;
}

export function isCjk(token: string): boolean {
  return CJK_CHAR.test(token);
}

/** The text the full-text index sees: CJK characters spaced apart so each is its own token. */
export function analyzeForIndex(text: string): string {
  return CJK_CHAR.test(text) ? text.replace(CJK_GLOBAL, ' $& ') : text;
}

/** The index's own tokens of a text (what `content_tokens` reads back as when none were given). */
export function contentTokens(text: string): string[] {
  return splitWords(text).map(foldWord);
}

/** Searchable tokens of a document name: `ragflow_test_upload_0.txt` → ragflow test upload 0 txt. */
export function titleTokens(documentName: string): string[] {
  return splitWords(documentName).map(foldWord);
}

/** One OR-ed unit of a full-text query: a word, or two adjacent CJK characters. */
export interface QueryTerm {
  tokens: string[];
}

export interface QueryTermsOptions {
  /** Drop stopwords (unless every word is one). Default true. */
  dropStopwords?: boolean;
}

/**
 * The terms of a query: words (stopwords dropped unless nothing else is left), CJK runs as
 * overlapping character bigrams (a lone character stays a unigram). Repeated words stay repeated:
 * each occurrence is its own OR-ed phrase, so bm25() weighs a word by how often the query says it
 * (query term frequency; worth +0.05 nDCG@10 on ArguAna's paragraph-long queries).
 */
export function queryTerms(text: string, extra: string[] = [], options: QueryTermsOptions = {}): QueryTerm[] {
  const words: string[] = [];
  const cjkTerms: QueryTerm[] = [];
  for (const piece of [text, ...extra]) {
    let run: string[] = [];
    const flush = (): void => {
      if (run.length === 1) cjkTerms.push({ tokens: run });
      for (let i = 0; i + 1 < run.length; i++) cjkTerms.push({ tokens: [run[i]!, run[i + 1]!] });
      run = [];
    };
    for (const w of splitWords(piece)) {
      if (isCjk(w)) {
        run.push(w);
        continue;
      }
      flush();
      const folded = foldWord(w);
      if (HAS_LETTER_OR_DIGIT.test(folded)) words.push(folded);
    }
    flush();
  }
  const dropStopwords = options.dropStopwords ?? true;
  const content = dropStopwords ? words.filter((w) => !STOPWORDS.has(w)) : words;
  const kept = content.length > 0 || cjkTerms.length > 0 ? content : words;
  const terms: QueryTerm[] = [];
  for (const t of [...kept.map((w) => ({ tokens: [w] })), ...cjkTerms]) {
    const key = t.tokens.join(' ');
    terms.push(t);
  }
  return terms;
}

/** Stems of a query's word terms, for highlighting (CJK terms are matched as characters). */
export function termStems(terms: QueryTerm[]): Set<string> {
  const stems = new Set<string>();
  for (const t of terms) if (t.tokens.length === 1 && !isCjk(t.tokens[0]!)) stems.add(porterStem(t.tokens[0]!));
  return stems;
}
