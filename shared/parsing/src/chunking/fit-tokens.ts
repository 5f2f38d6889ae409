import { countTokens, decode, encode } from '../tokenizer.js';

/**
 * Cutting text that is over the token budget. Sentences come first (a chunk should not end
 * mid-sentence); a sentence that alone is over budget is cut at the last space within budget,
 * and text without spaces (CJK, base64, minified code) at a token boundary.
 */

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

export function sentences(text: string): string[] {
  const out: string[] = [];
  for (const s of sentenceSegmenter.segment(text)) out.push(s.segment);
  return out;
}

/** A token is rarely longer than this many characters; it bounds how much text each cut encodes. */
const MAX_CHARS_PER_TOKEN = 32;

function cutAtTokens(text: string, limit: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    const window = rest.slice(0, limit * MAX_CHARS_PER_TOKEN);
    const ids = encode(window);
    if (ids.length <= limit && window.length === rest.length) {
      out.push(rest);
      break;
    }
    let take = Math.min(limit, ids.length);
    let prefix = '';
    // Decoding a token prefix can end inside a character (U+FFFD); drop that partial character.
    while (take > 0) {
      prefix = decode(ids.subarray(0, take)).replace(/\uFFFD+$/, '');
      if (prefix && rest.startsWith(prefix) && countTokens(prefix) <= limit) break;
      take--;
    }
    if (!prefix || !rest.startsWith(prefix)) prefix = String.fromCodePoint(rest.codePointAt(0)!);
    // Prefer ending at a space in the second half of the cut, so words stay whole.
    const space = prefix.search(/\s\S*$/);
    if (space > prefix.length / 2) prefix = prefix.slice(0, space + 1);
    out.push(prefix);
    rest = rest.slice(prefix.length);
  }
  return out;
}

/**
 * Splits `text` into parts of at most `limit` tokens (a single character over the limit is the
 * only exception). Parts concatenate back to `text`.
 */
export function fitToTokens(text: string, limit: number): string[] {
  if (countTokens(text) <= limit) return [text];
  const parts: string[] = [];
  let cur = '';
  let curTokens = 0;
  for (const s of sentences(text)) {
    const t = countTokens(s);
    if (t > limit) {
      if (cur) parts.push(cur);
      cur = '';
      curTokens = 0;
      parts.push(...cutAtTokens(s, limit));
      continue;
    }
    if (cur && curTokens + t > limit) {
      parts.push(cur);
      cur = '';
      curTokens = 0;
    }
    cur += s;
    curTokens += t;
  }
  if (cur) parts.push(cur);
  // Summed sentence counts can undercount at the joins; re-check and cut what still overflows.
  return parts.flatMap((p) => (countTokens(p) > limit ? cutAtTokens(p, limit) : [p]));
}
