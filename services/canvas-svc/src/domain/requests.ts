import { ErrorRegistry, RagError, formatTemplate, type ErrorKey } from '@rag/contracts';
import { pyError, pyIntQuery } from './py.js';

/** Query parameters as the gateway forwards them: every value of every key. */
export type Query = Record<string, string[] | undefined>;

/** Flask's `request.args.get`: the first value of a repeated key. */
export const firstOf = (q: Query, key: string): string | undefined => q[key]?.[0];

/**
 * Paging and ordering of a listing (§14): Python `int()` numbers and any column of the model
 * (`columns` maps RAGFlow's names to this table's; another name is peewee's AttributeError).
 */
export function listParams<C extends string>(q: Query, model: string, columns: Readonly<Record<string, C>>, desc: (raw: string | undefined) => boolean): { page: number; pageSize: number; orderby: C; desc: boolean } {
  const page = pyIntQuery(firstOf(q, 'page'), 1);
  const pageSize = pyIntQuery(firstOf(q, 'page_size'), 30);
  const name = firstOf(q, 'orderby') ?? 'update_time';
  const orderby = Object.hasOwn(columns, name) ? columns[name] : undefined;
  if (orderby === undefined) throw pyError('AttributeError', `type object '${model}' has no attribute '${name}'`);
  return { page, pageSize, orderby, desc: desc(firstOf(q, 'desc')) };
}

/** The agent listing's `desc`: default false; only `false` in any case turns it off. */
export const agentDesc = (raw: string | undefined): boolean => (raw ?? 'false').toLowerCase() !== 'false';

/** The session listing's `desc`: default true; only the exact strings `false`/`False` turn it off. */
export const sessionDesc = (raw: string | undefined): boolean => raw !== 'false' && raw !== 'False';

/** A registered message, for the per-item errors of a partial success. */
export const registered = (key: ErrorKey, params: Record<string, unknown>): string => formatTemplate(ErrorRegistry[key].template, params);

export interface PartialSuccess {
  success_count: number;
  errors: string[];
}

/**
 * The outcome of RAGFlow's bulk deletes: missing ids first (joined by `; ` when nothing
 * succeeded), then duplicates (joined by `;`); null when everything went through.
 */
export function bulkOutcome(successCount: number, errors: string[], duplicates: string[]): PartialSuccess | null {
  if (errors.length) {
    if (successCount > 0) return { success_count: successCount, errors };
    throw new RagError('DATA', { message: errors.join('; ') });
  }
  if (duplicates.length) {
    if (successCount > 0) return { success_count: successCount, errors: duplicates };
    throw new RagError('DATA', { message: duplicates.join(';') });
  }
  return null;
}
