import { httpDate, parseJsonColumn, type Knex } from '@rag/platform';

/** Run states: stored as RAGFlow's digits, spoken as words on the wire (§6.1). */
export const RunState = { UNSTART: '0', RUNNING: '1', CANCEL: '2', DONE: '3', FAIL: '4' } as const;
export type RunDigit = (typeof RunState)[keyof typeof RunState];
const RUN_WORDS: Record<string, string> = { '0': 'UNSTART', '1': 'RUNNING', '2': 'CANCEL', '3': 'DONE', '4': 'FAIL' };

export function runWord(digit: string): string {
  return RUN_WORDS[digit] ?? digit;
}

export function runDigit(wordOrDigit: string): string {
  const upper = wordOrDigit.toUpperCase();
  const entry = Object.entries(RUN_WORDS).find(([, w]) => w === upper);
  return entry ? entry[0] : wordOrDigit;
}

export interface DocumentRow {
  id: string;
  tenant_id: string;
  dataset_id: string;
  name: string;
  location: string;
  size: number;
  type: string;
  suffix: string;
  source_type: string;
  chunk_method: string;
  pipeline_id: string | null;
  parser_config: Record<string, unknown>;
  meta_fields: Record<string, unknown>;
  created_by: string;
  thumbnail: string | null;
  chunk_count: number;
  token_count: number;
  progress: number;
  progress_msg: string;
  process_begin_at: number | null;
  process_duration: number;
  run: string;
  status: string;
  current_task_id: string | null;
  create_time: number;
  update_time: number;
}

type Stored = Omit<DocumentRow, 'parser_config' | 'meta_fields'> & { parser_config: string; meta_fields: string };

const NUMERIC: (keyof DocumentRow)[] = ['size', 'chunk_count', 'token_count', 'progress', 'process_duration', 'create_time', 'update_time'];

function fromStored(row: Stored): DocumentRow {
  const out = { ...row, parser_config: parseJsonColumn(row.parser_config, {}), meta_fields: parseJsonColumn(row.meta_fields, {}) } as DocumentRow;
  for (const k of NUMERIC) (out as unknown as Record<string, unknown>)[k] = Number(out[k]);
  out.process_begin_at = row.process_begin_at === null ? null : Number(row.process_begin_at);
  return out;
}

function toStored(patch: Partial<DocumentRow>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...patch };
  if (patch.parser_config !== undefined) out.parser_config = JSON.stringify(patch.parser_config);
  if (patch.meta_fields !== undefined) out.meta_fields = JSON.stringify(patch.meta_fields);
  return out;
}

/** The document object of §6.1 (list adds `title`). */
export function toApi(row: DocumentRow, opts: { title?: boolean } = {}): Record<string, unknown> {
  const { tenant_id: _t, current_task_id: _c, process_begin_at, ...rest } = row;
  return {
    ...rest,
    process_begin_at: process_begin_at === null ? null : httpDate(process_begin_at),
    run: runWord(row.run),
    create_date: httpDate(row.create_time),
    update_date: httpDate(row.update_time),
    ...(opts.title ? { title: null } : {}),
  };
}

/** The upload answer: only the inserted fields (§6.1). */
export function toUploadApi(row: DocumentRow): Record<string, unknown> {
  const { id, dataset_id, chunk_method, pipeline_id, parser_config, created_by, type, name, source_type, suffix, location, size, thumbnail } = row;
  return { id, dataset_id, chunk_method, pipeline_id, parser_config, created_by, type, name, source_type, suffix, location, size, thumbnail, run: 'UNSTART' };
}

/**
 * The dataset a request acts on, as the dataset service vouched for it (the caller may read it):
 * every tenant-facing lookup takes one, so a document of another dataset or tenant is never
 * returned — it is answered exactly like an id that does not exist.
 */
export interface DatasetScope {
  id: string;
  tenant_id: string;
}

export interface ListFilter {
  datasetId: string;
  id?: string;
  name?: string;
  keywords?: string;
  suffixes: string[];
  runs: string[];
  ids?: string[] | null;
  orderby: string;
  desc: boolean;
  page: number;
  pageSize: number;
}

export const ORDERABLE_COLUMNS = new Set(['id', 'name', 'size', 'type', 'suffix', 'chunk_count', 'token_count', 'progress', 'run', 'status', 'create_time', 'update_time', 'process_duration', 'chunk_method', 'location', 'created_by', 'source_type']);

/** The only place that speaks SQL for documents and parse tasks. */
export class DocumentRepository {
  constructor(private readonly db: Knex) {}

  with(trx: Knex): DocumentRepository {
    return new DocumentRepository(trx);
  }

  async insertMany(rows: DocumentRow[]): Promise<void> {
    if (rows.length) await this.db('documents').insert(rows.map(toStored));
  }

  /** A document of the dataset in scope; another dataset's (or tenant's) document is not found. */
  async get(scope: DatasetScope, id: string): Promise<DocumentRow | undefined> {
    const row = await this.db('documents').where({ id, dataset_id: scope.id, tenant_id: scope.tenant_id }).first();
    return row ? fromStored(row as Stored) : undefined;
  }

  /** The documents among `ids` that belong to the dataset in scope; the others are simply absent. */
  async getMany(scope: DatasetScope, ids: string[]): Promise<DocumentRow[]> {
    return this.getManyWhere(ids, (q) => q.where({ dataset_id: scope.id, tenant_id: scope.tenant_id }));
  }

  /** The documents among `ids` that belong to one of the datasets in scope (multi-dataset retrieval). */
  async getManyInDatasets(scopes: DatasetScope[], ids: string[]): Promise<DocumentRow[]> {
    if (!scopes.length) return [];
    return this.getManyWhere(ids, (q) => q.where((w) => {
      for (const s of scopes) w.orWhere({ dataset_id: s.id, tenant_id: s.tenant_id });
    }));
  }

  /**
   * By id alone: only for callers that are not a tenant — a worker's progress report (matched on
   * its task id afterwards) and the clean-up after a dataset was deleted.
   */
  async getUnscoped(id: string): Promise<DocumentRow | undefined> {
    const row = await this.db('documents').where({ id }).first();
    return row ? fromStored(row as Stored) : undefined;
  }

  /** Every document of a deleted dataset (the dataset-deleted event's clean-up; no caller scope). */
  async allOfDeletedDataset(datasetId: string): Promise<DocumentRow[]> {
    return ((await this.db('documents').where({ dataset_id: datasetId })) as Stored[]).map(fromStored);
  }

  private async getManyWhere(ids: string[], scoped: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<DocumentRow[]> {
    if (!ids.length) return [];
    const rows: Stored[] = [];
    for (let i = 0; i < ids.length; i += 500) rows.push(...((await scoped(this.db('documents').whereIn('id', ids.slice(i, i + 500)))) as Stored[]));
    return rows.map(fromStored);
  }

  async namesInDataset(datasetId: string): Promise<Set<string>> {
    const rows = await this.db('documents').where({ dataset_id: datasetId }).select('name');
    return new Set(rows.map((r: { name: string }) => r.name));
  }

  async nameTaken(datasetId: string, name: string, exceptId: string): Promise<boolean> {
    return !!(await this.db('documents').where({ dataset_id: datasetId, name }).andWhereNot('id', exceptId).first('id'));
  }

  async countByTenant(tenantId: string): Promise<number> {
    const [r] = await this.db('documents').where({ tenant_id: tenantId }).count<{ n: number }[]>({ n: '*' });
    return Number(r?.n ?? 0);
  }

  private filtered(f: ListFilter): Knex.QueryBuilder {
    const q = this.db('documents').where('dataset_id', f.datasetId);
    if (f.id) q.andWhere('id', f.id);
    if (f.name) q.andWhere('name', f.name);
    if (f.keywords) q.andWhereRaw('lower(name) like ?', [`%${f.keywords.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`]);
    if (f.suffixes.length) q.whereIn('suffix', f.suffixes);
    if (f.runs.length) q.whereIn('run', f.runs);
    if (f.ids) q.whereIn('id', f.ids.length ? f.ids : ['-']);
    return q;
  }

  async list(f: ListFilter): Promise<{ rows: DocumentRow[]; total: number }> {
    const [c] = await this.filtered(f).clone().count<{ n: number }[]>({ n: '*' });
    if (f.pageSize <= 0) return { rows: [], total: Number(c?.n ?? 0) };
    const rows = await this.filtered(f)
      .orderBy([
        { column: f.orderby, order: f.desc ? 'desc' : 'asc' },
        { column: 'id', order: f.desc ? 'desc' : 'asc' },
      ])
      .limit(f.pageSize)
      .offset((Math.max(f.page, 1) - 1) * f.pageSize);
    return { rows: (rows as Stored[]).map(fromStored), total: Number(c?.n ?? 0) };
  }

  async metaOfDatasets(datasetIds: string[]): Promise<{ id: string; dataset_id: string; name: string; meta_fields: Record<string, unknown> }[]> {
    if (!datasetIds.length) return [];
    const rows = await this.db('documents').whereIn('dataset_id', datasetIds).select('id', 'dataset_id', 'name', 'meta_fields');
    return rows.map((r: { id: string; dataset_id: string; name: string; meta_fields: string }) => ({ ...r, meta_fields: parseJsonColumn(r.meta_fields, {}) }));
  }

  async idsOfDataset(scope: DatasetScope): Promise<string[]> {
    return (await this.db('documents').where({ dataset_id: scope.id, tenant_id: scope.tenant_id }).select('id')).map((r: { id: string }) => r.id);
  }

  async update(id: string, patch: Partial<DocumentRow>): Promise<void> {
    await this.db('documents').where({ id }).update(toStored(patch));
  }

  /** Updates only if the document still runs the given task (a superseded or cancelled task must not write). */
  async updateIfTask(id: string, taskId: string, patch: Partial<DocumentRow>): Promise<boolean> {
    const n = await this.db('documents').where({ id, current_task_id: taskId }).update(toStored(patch));
    return n > 0;
  }

  async deleteMany(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      await this.db('parse_tasks').whereIn('document_id', part).delete();
      await this.db('documents').whereIn('id', part).delete();
    }
  }

  async insertTask(task: { id: string; document_id: string; dataset_id: string; state: string }): Promise<void> {
    const now = Date.now();
    await this.db('parse_tasks').insert({ ...task, attempts: 0, error: null, create_time: now, update_time: now });
  }

  async setTaskState(id: string, state: string, patch: { attempts?: number; error?: string | null } = {}): Promise<void> {
    await this.db('parse_tasks').where({ id }).update({ state, ...patch, update_time: Date.now() });
  }

  async deleteTasksOf(documentIds: string[]): Promise<void> {
    if (documentIds.length) await this.db('parse_tasks').whereIn('document_id', documentIds).delete();
  }
}
