import xxhash from 'xxhash-wasm';
import type { QueryTerm } from '../text/tokenize.js';

const hasher = await xxhash();

/**
 * FTS5 query text is built only from tokens the analyser produced (letters, digits, marks), each
 * inside a double-quoted string, joined by OR. User text therefore never reaches FTS5 as syntax:
 * `AND`, `NEAR(`, `*`, `-x`, `"`, parentheses are either dropped as separators or quoted as words.
 */
function quoted(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

const TEXT_COLUMNS = '{content important_keywords questions title_tokens}';

/** `{text columns} : ("a" OR "b" OR "中 文")`, or null when there is nothing to match. */
export function textMatch(terms: QueryTerm[]): string | null {
  const phrases = terms.filter((t) => t.tokens.length > 0).map((t) => quoted(t.tokens.join(' ')));
  if (phrases.length === 0) return null;
  return `${TEXT_COLUMNS} : (${phrases.join(' OR ')})`;
}

/**
 * One token naming a dataset or a document in the `scope` column. Ids are hashed so that any id
 * (dashes, underscores, any length) is one alphanumeric token; a collision only lets in extra rows,
 * which the SQL filters on the real ids then remove.
 */
export function datasetScope(datasetId: string): string {
  return `d${hasher.h64ToString(datasetId)}`;
}

export function documentScope(documentId: string): string {
  return `k${hasher.h64ToString(documentId)}`;
}

export function scopeText(datasetId: string, documentId: string): string {
  return `${datasetScope(datasetId)} ${documentScope(documentId)}`;
}

/** `(text) AND scope : ("d…" OR …)` */
export function scopedMatch(text: string, scopes: string[]): string {
  return `(${text}) AND scope : (${scopes.map(quoted).join(' OR ')})`;
}
