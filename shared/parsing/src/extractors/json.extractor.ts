import type { Block, ExtractedDocument } from '../document.types.js';
import { decodeText } from '../detect/text-decode.js';
import { ParseError, errorDetail } from '../parse-error.js';

/** Deeper nesting than this is flattened into the remaining JSON text. */
const MAX_DEPTH = 24;
/** An array of at least this many objects is a list of records: one block each. */
const MIN_RECORDS = 2;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isRecord(v: Json): v is { [key: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function scalarText(v: Json): string | undefined {
  if (v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * `key.sub: value` lines. Nulls and empty strings are left out (they carry nothing to search),
 * arrays of scalars become one comma-separated line, arrays of objects get `[i]` in the key.
 */
function flatten(value: Json, prefix: string, depth: number, out: string[]): void {
  const scalar = scalarText(value);
  if (scalar !== undefined) {
    out.push(prefix ? `${prefix}: ${scalar}` : scalar);
    return;
  }
  if (value === null || value === '') return;
  if (depth >= MAX_DEPTH) {
    out.push(`${prefix}: ${JSON.stringify(value)}`);
    return;
  }
  if (Array.isArray(value)) {
    if (value.every((v) => scalarText(v) !== undefined || v === null)) {
      const items = value.map(scalarText).filter((s): s is string => s !== undefined);
      if (items.length) out.push(prefix ? `${prefix}: ${items.join(', ')}` : items.join(', '));
      return;
    }
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, depth + 1, out));
    return;
  }
  for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, depth + 1, out);
}

function recordBlock(value: Json): Block | undefined {
  const lines: string[] = [];
  flatten(value, '', 0, lines);
  return lines.length ? { kind: 'row', text: lines.join('\n') } : undefined;
}

function recordsOf(values: Json[], blocks: Block[]): void {
  for (const v of values) {
    const block = recordBlock(v);
    if (block) blocks.push(block);
  }
}

/**
 * A top-level array: one block per element. A top-level object: its plain fields form one block,
 * and each array of objects inside it (GeoJSON `features`, API `items`) becomes one block per element.
 */
function jsonBlocks(root: Json): Block[] {
  const blocks: Block[] = [];
  if (Array.isArray(root)) {
    recordsOf(root, blocks);
    return blocks;
  }
  if (!isRecord(root)) {
    const single = recordBlock(root);
    return single ? [single] : [];
  }
  const rest: { [key: string]: Json } = {};
  const recordArrays: Json[][] = [];
  for (const [k, v] of Object.entries(root)) {
    if (Array.isArray(v) && v.length >= MIN_RECORDS && v.every(isRecord)) recordArrays.push(v);
    else rest[k] = v;
  }
  const head = recordBlock(rest);
  if (head) blocks.push(head);
  for (const arr of recordArrays) recordsOf(arr, blocks);
  return blocks;
}

export function extractJson(data: Uint8Array, lines: boolean): ExtractedDocument {
  const text = decodeText(data).replace(/^\uFEFF/, '');
  if (!lines) {
    try {
      return { type: 'json', blocks: jsonBlocks(JSON.parse(text) as Json) };
    } catch (err) {
      // A .json file holding one object per line is JSON Lines under the wrong name.
      if (!/\n\s*[[{]/.test(text.trim())) throw new ParseError('JSON_INVALID', { detail: errorDetail(err) }, { cause: err });
    }
  }
  const blocks: Block[] = [];
  let lineNo = 0;
  for (const line of text.split(/\r?\n/)) {
    lineNo++;
    if (!line.trim()) continue;
    let value: Json;
    try {
      value = JSON.parse(line) as Json;
    } catch (err) {
      throw new ParseError('JSON_INVALID', { detail: `line ${lineNo}: ${errorDetail(err)}` }, { cause: err });
    }
    const block = recordBlock(value);
    if (block) blocks.push(block);
  }
  return { type: 'json', blocks };
}
