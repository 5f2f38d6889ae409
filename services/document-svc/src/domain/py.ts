import { RagError } from '@rag/contracts';

/**
 * Python's `int()` on a query value, because RAGFlow's list endpoints parse numbers that way and
 * clients see its error text (§1.4): non-integers answer code 100 with the ValueError repr.
 */
export function pyInt(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const s = String(value);
  if (!/^\s*[-+]?\d+\s*$/.test(s)) throw new RagError('EXCEPTION', { message: `ValueError("invalid literal for int() with base 10: '${s}'")` });
  return Number(s);
}

/** Python `float()` on a value. */
export function pyFloat(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number') return value;
  const s = String(value).trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) && !/^[-+]?(inf|infinity|nan)$/i.test(s)) {
    throw new RagError('EXCEPTION', { message: `ValueError("could not convert string to float: '${s}'")` });
  }
  return Number(s);
}

/** Python list repr of strings: `['a', 'b']`. */
export function pyList(items: string[]): string {
  return `[${items.map((i) => `'${i}'`).join(', ')}]`;
}

/** The ids with repeats removed, and the repeats. */
export function dedupe(ids: string[]): { unique: string[]; duplicates: string[] } {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const id of ids) {
    if (seen.has(id)) {
      if (!duplicates.includes(id)) duplicates.push(id);
    } else seen.add(id);
  }
  return { unique: [...seen], duplicates };
}
