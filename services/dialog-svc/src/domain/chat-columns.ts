import type { ChatRow } from '../data/chat.repository.js';
import { toRowFields } from './chat-shape.js';
import { isDict, pyError, pyFloat, pyInt, pyStr, pyType } from './py.js';

/**
 * What a request may write into a chat, by RAGFlow column name, with the column's type. Values are
 * converted the way RAGFlow's ORM and MySQL (strict mode) do, so a wrong type answers the error
 * RAGFlow gives (code 100) instead of storing something the chat cannot be read back with.
 */
type Kind = 'string' | 'text' | 'int' | 'float' | 'dict' | 'json';
const WRITABLE: Record<string, { kind: Kind; max?: number; nullable?: boolean }> = {
  name: { kind: 'string', max: 255 },
  description: { kind: 'text', nullable: true },
  icon: { kind: 'text', nullable: true },
  language: { kind: 'string', max: 32, nullable: true },
  llm_id: { kind: 'string', max: 128 },
  llm_setting: { kind: 'dict' },
  prompt_type: { kind: 'string', max: 16 },
  prompt_config: { kind: 'dict' },
  meta_data_filter: { kind: 'json', nullable: true },
  similarity_threshold: { kind: 'float' },
  vector_similarity_weight: { kind: 'float' },
  top_n: { kind: 'int' },
  top_k: { kind: 'int' },
  do_refer: { kind: 'string', max: 1 },
  rerank_id: { kind: 'string', max: 128 },
  kb_ids: { kind: 'json' },
};

/** A string column's value as MySQL would take it: too long is a DataError. */
export function stringColumn(column: string, value: unknown, max: number): string {
  const s = pyStr(value);
  if ([...s].length > max) throw pyError('DataError', 1406, `Data too long for column '${column}' at row 1`);
  return s;
}

function coerce(column: string, value: unknown): unknown {
  const spec = WRITABLE[column]!;
  if (value === null || value === undefined) {
    if (spec.nullable) return null;
    throw pyError('IntegrityError', 1048, `Column '${column}' cannot be null`);
  }
  switch (spec.kind) {
    case 'string':
      return stringColumn(column, value, spec.max!);
    case 'text':
      return pyStr(value);
    case 'int':
      return pyInt(value);
    case 'float':
      return pyFloat(value);
    case 'dict':
      // The API object merges `model_name` into `llm_setting`: anything but a dict cannot be answered.
      if (!isDict(value)) throw pyError('TypeError', `'${pyType(value)}' object does not support item assignment`);
      return value;
    default:
      return value;
  }
}

/**
 * The row fields for the writable columns among RAGFlow-named request values; other keys (ids,
 * ownership, state, times, and anything RAGFlow would ignore) are left out.
 */
export function writableFields(columns: Record<string, unknown>): Partial<ChatRow> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(columns)) {
    if (Object.hasOwn(WRITABLE, key)) out[key] = coerce(key, value);
  }
  return toRowFields(out);
}
