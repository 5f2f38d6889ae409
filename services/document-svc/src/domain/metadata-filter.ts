/**
 * §9.2 metadata filtering over documents' `meta_fields`. Pure: given every document's metadata
 * and a condition, returns the matching document ids (or null when no condition applies).
 */
export interface MetadataCondition {
  logic?: 'and' | 'or' | string;
  conditions?: { name: string; comparison_operator: string; value?: unknown }[];
}

export type MetaFields = Record<string, unknown>;

/** The id used when conditions were given but matched nothing, so nothing is retrieved. */
export const NO_MATCH_SENTINEL = '-999';

const OPERATOR_ALIASES: Record<string, string> = { is: '=', 'not is': '≠' };

/** Python-literal-ish parse: numbers and booleans from text, else the string itself. */
function literal(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim();
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return Number(s);
  if (s === 'True') return true;
  if (s === 'False') return false;
  if (s === 'None') return null;
  return v;
}

function norm(v: unknown): unknown {
  const l = literal(v);
  return typeof l === 'string' ? l.toLowerCase() : l;
}

function compare(op: string, stored: unknown, wanted: unknown): boolean {
  const a = norm(stored);
  const b = norm(wanted);
  switch (op) {
    case '=':
      return a === b;
    case '≠':
      return a !== b;
    case '>':
    case '<':
    case '≥':
    case '≤': {
      if (a === null || b === null || typeof a !== typeof b || typeof a === 'boolean') return false;
      const x = a as number | string;
      const y = b as number | string;
      return op === '>' ? x > y : op === '<' ? x < y : op === '≥' ? x >= y : x <= y;
    }
    default:
      return false;
  }
}

function matches(op: string, stored: unknown, wanted: unknown): boolean {
  const operator = OPERATOR_ALIASES[op] ?? op;
  const text = (v: unknown) => String(v ?? '').toLowerCase();
  switch (operator) {
    case 'contains':
    case 'in':
      return text(wanted).includes(text(stored));
    case 'not contains':
    case 'not in':
      return !text(wanted).includes(text(stored));
    case 'start with':
      return text(stored).startsWith(text(wanted));
    case 'end with':
      return text(stored).endsWith(text(wanted));
    case 'empty':
      return !stored;
    case 'not empty':
      return !!stored;
    default:
      return compare(operator, stored, wanted);
  }
}

/** Each stored value of a key, list values expanded ("legacy" view of §9.1). */
function valuesOf(meta: MetaFields, key: string): unknown[] {
  if (!(key in meta)) return [];
  const v = meta[key];
  if (Array.isArray(v)) return v.filter((x) => x === null || typeof x !== 'object');
  if (v !== null && typeof v === 'object') return [];
  return [v];
}

/**
 * Applies a condition: per condition, the documents having a matching value for the key; `and`
 * intersects, `or` unions; a key no document has contributes nothing. Returns null when the
 * condition has no conditions (no filtering), else the matching ids (possibly empty).
 */
export function filterDocuments(docs: { id: string; meta_fields: MetaFields }[], condition: MetadataCondition | null | undefined): string[] | null {
  const conditions = condition?.conditions ?? [];
  if (!conditions.length) return null;
  const logic = (condition?.logic ?? 'and').toLowerCase() === 'or' ? 'or' : 'and';
  let result = null as Set<string> | null;
  for (const c of conditions) {
    const hit = new Set<string>();
    let keyExists = false;
    for (const d of docs) {
      const values = valuesOf(d.meta_fields ?? {}, c.name);
      if (values.length) keyExists = true;
      if (values.some((v) => matches(c.comparison_operator, v, c.value))) hit.add(d.id);
    }
    if (!keyExists) continue;
    if (result === null) result = hit;
    else if (logic === 'and') result = new Set([...result].filter((id: string) => hit.has(id)));
    else for (const id of hit) result.add(id);
    if (logic === 'and' && result.size === 0) return [];
  }
  return result ? [...result] : [];
}
