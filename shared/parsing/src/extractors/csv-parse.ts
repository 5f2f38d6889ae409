/** Delimited text (CSV, TSV): separator sniffing and an RFC 4180 reader. */

const CANDIDATES = [',', '\t', ';', '|'];

/**
 * The separator that splits the first lines into the same number of fields most consistently.
 * Quoted text is skipped so commas inside quotes do not vote.
 */
export function sniffDelimiter(text: string, preferred = ','): string {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < 20 && start < text.length) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? text.length : end);
    if (line.trim()) lines.push(line.replace(/"[^"]*"/g, ''));
    if (end < 0) break;
    start = end + 1;
  }
  let best = preferred;
  let bestScore = 0;
  for (const d of CANDIDATES) {
    const counts = lines.map((l) => l.split(d).length - 1);
    const first = counts[0] ?? 0;
    if (first === 0) continue;
    const consistent = counts.filter((c) => c === first).length;
    const score = consistent * 1000 + first + (d === preferred ? 0.5 : 0);
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/** RFC 4180: quoted fields may hold separators, doubled quotes and line breaks. */
export function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  const d = delimiter.charCodeAt(0);
  while (i < n) {
    let field: string;
    if (text.charCodeAt(i) === 34 /* " */) {
      const parts: string[] = [];
      let from = ++i;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) {
          // Unterminated quote: keep the rest as the field rather than losing it.
          parts.push(text.slice(from));
          i = n;
          break;
        }
        parts.push(text.slice(from, q));
        if (text.charCodeAt(q + 1) === 34) {
          parts.push('"');
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      field = parts.join('');
      // Anything between the closing quote and the separator is kept (lenient, like spreadsheet apps).
      while (i < n && text.charCodeAt(i) !== d && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) field += text[i++];
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === d || c === 10 || c === 13) break;
        j++;
      }
      field = text.slice(i, j);
      i = j;
    }
    row.push(field);
    const c = text.charCodeAt(i);
    if (c === d) {
      i++;
      if (i === n) row.push('');
      continue;
    }
    if (c === 13) i++;
    if (text.charCodeAt(i) === 10) i++;
    rows.push(row);
    row = [];
  }
  if (row.length) rows.push(row);
  return rows;
}
