/**
 * Word-level text handling shared by the built-in engines: lower-cased words, a light English
 * suffix stripper (plurals, -ing, -ed, final e — enough to meet "parse/parsed/parsing", not a
 * linguistic stemmer) and a short stopword list.
 */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** The lower-cased words (runs of letters, digits and combining marks) of a text. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

const S = 115;
const E = 101;

/** Light suffix stripping of lower-case ASCII words; anything else is returned as it is. */
export function lightStem(word: string): string {
  let n = word.length;
  if (n <= 3) return word;
  for (let i = 0; i < n; i++) {
    const c = word.charCodeAt(i);
    if (c < 97 || c > 122) return word;
  }
  let s = word;
  const c1 = s.charCodeAt(n - 1);
  if (c1 === S) {
    const c2 = s.charCodeAt(n - 2);
    const c3 = s.charCodeAt(n - 3);
    if (c2 === E && c3 === 105 && n > 4) s = `${s.slice(0, -3)}y`; // -ies
    else if (c2 === E && n > 4 && c3 !== 97 && c3 !== E && c3 !== 111) s = s.slice(0, -1); // -es, not -aes/-ees/-oes
    else if (c2 !== S && c2 !== 117 && c2 !== 105) s = s.slice(0, -1); // -s, not -ss/-us/-is
    n = s.length;
  }
  if (n > 5 && s.endsWith('ing') && hasVowel(s, n - 3)) s = undouble(s.slice(0, -3));
  else if (n > 4 && s.endsWith('ed') && hasVowel(s, n - 2)) s = undouble(s.slice(0, -2));
  if (s.length > 4 && s.charCodeAt(s.length - 1) === E) s = s.slice(0, -1);
  return s;
}

function hasVowel(s: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 97 || c === E || c === 105 || c === 111 || c === 117 || c === 121) return true;
  }
  return false;
}

function undouble(s: string): string {
  const n = s.length;
  return n > 2 && s[n - 1] === s[n - 2] && !'lsz'.includes(s[n - 1]!) ? s.slice(0, -1) : s;
}

export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been being but by can could did do does doing for from had has have having he her here hers him his how i if in into is it its ' +
    'itself me my no nor not of off on once only or other our ours out over own same she should so some such than that the their theirs them then there ' +
    'these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours about ' +
    'above after again against all am any because before below between both down during each few further more most just also'
  ).split(' '),
);

/** The content words of a text, stemmed; all its words when it has nothing but stopwords. */
export function contentTerms(text: string): string[] {
  const all = words(text);
  const content = all.filter((w) => !STOPWORDS.has(w));
  return (content.length ? content : all).map(lightStem);
}
