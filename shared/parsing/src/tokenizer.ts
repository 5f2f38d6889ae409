import { get_encoding, type Tiktoken } from 'tiktoken';

/**
 * cl100k_base, as RAGFlow counts chunk tokens. The encoder is built once per process (it loads a
 * ~1.7 MB rank table) and never mutated afterwards, so sharing it is safe. `encode_ordinary`
 * treats `<|endoftext|>` in user text as plain text instead of throwing.
 */
let encoder: Tiktoken | undefined;

function cl100k(): Tiktoken {
  encoder ??= get_encoding('cl100k_base');
  return encoder;
}

export function encode(text: string): Uint32Array {
  return text ? cl100k().encode_ordinary(text) : new Uint32Array(0);
}

export function countTokens(text: string): number {
  return text ? cl100k().encode_ordinary(text).length : 0;
}

const utf8 = new TextDecoder('utf-8');

export function decode(tokens: ArrayLike<number>): string {
  if (tokens.length === 0) return '';
  const ids = tokens instanceof Uint32Array ? tokens : Uint32Array.from(tokens as ArrayLike<number>);
  return utf8.decode(cl100k().decode(ids));
}

/** The longest prefix of `text` within `maxTokens` tokens, never ending inside a character. */
export function truncate(text: string, maxTokens: number): string {
  if (maxTokens <= 0) return '';
  const ids = encode(text);
  if (ids.length <= maxTokens) return text;
  // A cut can land inside a multi-byte character: the decoder then ends with U+FFFD, dropped here.
  return decode(ids.subarray(0, maxTokens)).replace(/\uFFFD+$/, '');
}

/** Han, kana and Hangul have no spaces between words: each such character is indexed on its own. */
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';
// Built from a string: the `v` flag (set subtraction) is newer than the compile target's regex syntax.
const WORD = new RegExp(`[${CJK}]|[[\\p{L}\\p{M}\\p{N}]--[${CJK}]]+`, 'gv');
const CJK_CHAR = new RegExp(`[${CJK}]`, 'u');

/**
 * Lower-cased word tokens for full-text search and highlighting. Letters, marks and digits form
 * words; everything else (spaces, punctuation, `_`, `.`) separates them, so `ragflow_test_0.txt`
 * yields `ragflow`, `test`, `0`, `txt`. NFKC folds full-width forms and ligatures first.
 */
export function tokenizeForIndex(text: string): string[] {
  if (!text) return [];
  const folded = text.normalize('NFKC').toLowerCase();
  return folded.match(WORD) ?? [];
}

/** True when the string contains CJK characters (used to pick sentence punctuation). */
export function hasCjk(text: string): boolean {
  return CJK_CHAR.test(text);
}
