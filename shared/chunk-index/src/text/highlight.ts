import { porterStem } from './porter.js';
import { foldWord, isCjk, type QueryTerm } from './tokenize.js';

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

interface Unit {
  start: number;
  end: number;
  text: string;
  cjk: boolean;
}

function units(content: string): Unit[] {
  const out: Unit[] = [];
  for (const m of content.matchAll(WORD)) {
    const word = m[0];
    const base = m.index;
    if (!CJK_CHAR.test(word)) {
      out.push({ start: base, end: base + word.length, text: word, cjk: false });
      continue;
    }
    let runStart = -1;
    let offset = 0;
    for (const ch of word) {
      const at = base + offset;
      if (CJK_CHAR.test(ch)) {
        if (runStart >= 0) out.push({ start: runStart, end: at, text: content.slice(runStart, at), cjk: false });
        runStart = -1;
        out.push({ start: at, end: at + ch.length, text: ch, cjk: true });
      } else if (runStart < 0) {
        runStart = at;
      }
      offset += ch.length;
    }
    if (runStart >= 0) out.push({ start: runStart, end: base + word.length, text: content.slice(runStart, base + word.length), cjk: false });
  }
  return out;
}

/**
 * `content` with the words a query matched wrapped in `<em>…</em>`. Words match by Porter stem
 * (as the full-text index does); CJK text matches by the query's character bigrams.
 */
export function highlight(content: string, terms: QueryTerm[]): string {
  const stems = new Set<string>();
  const cjkGrams = new Set<string>();
  for (const t of terms) {
    if (t.tokens.length === 1 && !isCjk(t.tokens[0]!)) stems.add(porterStem(foldWord(t.tokens[0]!)));
    else cjkGrams.add(t.tokens.join(''));
  }
  if (stems.size === 0 && cjkGrams.size === 0) return content;
  const us = units(content);
  const marked = new Array<boolean>(us.length).fill(false);
  for (let i = 0; i < us.length; i++) {
    const u = us[i]!;
    if (!u.cjk) {
      if (stems.has(porterStem(foldWord(u.text)))) marked[i] = true;
      continue;
    }
    if (cjkGrams.has(u.text)) marked[i] = true;
    const next = us[i + 1];
    if (next && next.cjk && next.start === u.end && cjkGrams.has(u.text + next.text)) {
      marked[i] = true;
      marked[i + 1] = true;
    }
  }
  let out = '';
  let pos = 0;
  for (let i = 0; i < us.length; i++) {
    if (!marked[i]) continue;
    const start = us[i]!.start;
    let end = us[i]!.end;
    // Adjacent marked CJK characters form one highlighted run.
    while (us[i]!.cjk && marked[i + 1] && us[i + 1]!.cjk && us[i + 1]!.start === end) {
      i++;
      end = us[i]!.end;
    }
    out += content.slice(pos, start) + '<em>' + content.slice(start, end) + '</em>';
    pos = end;
  }
  return out + content.slice(pos);
}
