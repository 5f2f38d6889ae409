/**
 * parser_config `delimiter` (§5.5). It is a string in which every character is a delimiter, with
 * two twists that come from how users type it into a form: an escaped `\n` (backslash + n, the
 * stored default) means a newline (likewise `\t`, `\r`, `\\`), and a backtick-quoted run such
 * as `` `##` `` or `` `---` `` is one multi-character delimiter.
 *
 * Single characters are *soft*: text may be cut after them, and pieces are merged back up to the
 * token budget. Backtick-quoted delimiters are *hard*: the text is always cut there, the marker
 * itself is dropped, and no chunk spans it (a user who types a custom separator means "chunk here").
 */
export interface Delimiters {
  soft: string[];
  hard: string[];
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\' };

function unescape(s: string): string {
  return s.replace(/\\([ntr\\])/g, (_, c: string) => ESCAPES[c]!);
}

export function parseDelimiters(raw: unknown): Delimiters {
  const source = typeof raw === 'string' && raw.length > 0 ? raw : '\n';
  const hard: string[] = [];
  const rest = source.replace(/`([^`]+)`/g, (_, inner: string) => {
    const d = unescape(inner);
    if (d && !hard.includes(d)) hard.push(d);
    return '';
  });
  const soft: string[] = [];
  for (const ch of unescape(rest)) if (!soft.includes(ch)) soft.push(ch);
  // A config made only of hard delimiters still cuts long stretches at line ends.
  if (soft.length === 0 && hard.length === 0) soft.push('\n');
  return { soft, hard };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Matches any of the given delimiters, longest first so `\r\n`-like pairs win over their parts. */
export function delimiterPattern(delims: string[]): RegExp | undefined {
  if (delims.length === 0) return undefined;
  return new RegExp([...delims].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
}

/** Cuts after each soft delimiter, which stays with the text before it; nothing is lost. */
export function splitSoft(text: string, pattern: RegExp | undefined): string[] {
  if (!pattern) return [text];
  const out: string[] = [];
  let last = 0;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const end = m.index + m[0].length;
    if (m[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    if (end > last) out.push(text.slice(last, end));
    last = end;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Cuts at each hard delimiter and drops it. */
export function splitHard(text: string, pattern: RegExp | undefined): string[] {
  return pattern ? text.split(pattern) : [text];
}
