import type { Dataset } from '@rag/contracts';
import { httpDate, parseJsonColumn, type Knex } from '@rag/platform';

/** A stored dataset row: the API object minus the derived date strings. */
export type DatasetRow = Omit<Dataset, 'create_date' | 'update_date' | 'parser_config'> & { parser_config: Record<string, unknown>; parse_type: number | null };

type StoredRow = Omit<DatasetRow, 'parser_config'> & { parser_config: string };

function fromStored(row: StoredRow): DatasetRow {
  return {
    ...row,
    parser_config: parseJsonColumn<Record<string, unknown>>(row.parser_config, {}),
    create_time: Number(row.create_time),
    update_time: Number(row.update_time),
    token_num: Number(row.token_num),
    document_count: Number(row.document_count),
    chunk_count: Number(row.chunk_count),
    similarity_threshold: Number(row.similarity_threshold),
    vector_similarity_weight: Number(row.vector_similarity_weight),
  };
}

/** The API object of §5.1. */
export function toApi(row: DatasetRow): Dataset {
  const { parse_type: _parseType, ...rest } = row;
  return { ...rest, create_date: httpDate(row.create_time), update_date: httpDate(row.update_time) };
}

export interface ListFilter {
  tenantIds: string[];
  /** The caller's own tenant: its datasets are visible whatever their permission. */
  ownTenantId: string;
  id?: string | undefined;
  name?: string | undefined;
  orderby: 'create_time' | 'update_time';
  desc: boolean;
  page: number;
  pageSize: number;
}

/** The only place that speaks SQL for datasets. */
export class DatasetRepository {
  constructor(private readonly db: Knex) {}

  private table() {
    return this.db<StoredRow>('datasets');
  }

  async insert(row: DatasetRow): Promise<void> {
    await this.table().insert({ ...row, parser_config: JSON.stringify(row.parser_config) });
  }

  async findLive(id: string): Promise<DatasetRow | undefined> {
    const row = await this.table().where({ id, status: '1' }).first();
    return row ? fromStored(row as StoredRow) : undefined;
  }

  async findLiveMany(ids: string[]): Promise<DatasetRow[]> {
    if (!ids.length) return [];
    const rows = await this.table().whereIn('id', ids).andWhere({ status: '1' });
    return (rows as StoredRow[]).map(fromStored);
  }

  /** Live dataset names of a tenant, lower-cased, that start with the stem (for de-duplication). */
  async namesLike(tenantId: string, stem: string): Promise<Set<string>> {
    const rows = await this.table()
      .where({ tenant_id: tenantId, status: '1' })
      .andWhereRaw('lower(name) like ?', [`${stem.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`])
      .select('name');
    return new Set(rows.map((r) => String(r.name).toLowerCase()));
  }

  async nameTakenByOther(tenantId: string, name: string, exceptId: string): Promise<boolean> {
    const row = await this.table().where({ tenant_id: tenantId, status: '1' }).andWhereRaw('lower(name) = ?', [name.toLowerCase()]).andWhereNot('id', exceptId).first('id');
    return !!row;
  }

  private visible(q: Knex.QueryBuilder, f: Pick<ListFilter, 'tenantIds' | 'ownTenantId'>): Knex.QueryBuilder {
    return q.where('status', '1').andWhere((w) => {
      w.where('tenant_id', f.ownTenantId);
      const others = f.tenantIds.filter((t) => t !== f.ownTenantId);
      if (others.length) w.orWhere((o) => o.whereIn('tenant_id', others).andWhere('permission', 'team'));
    });
  }

  async isVisible(f: Pick<ListFilter, 'tenantIds' | 'ownTenantId'>, by: { id?: string; name?: string }): Promise<boolean> {
    const q = this.visible(this.table().first('id'), f);
    if (by.id !== undefined) q.andWhere('id', by.id);
    if (by.name !== undefined) q.andWhere('name', by.name);
    return !!(await q);
  }

  async list(f: ListFilter): Promise<{ rows: DatasetRow[]; total: number }> {
    const base = () => {
      const q = this.visible(this.table(), f);
      if (f.id !== undefined) q.andWhere('id', f.id);
      if (f.name !== undefined) q.andWhere('name', f.name);
      return q;
    };
    const [countRow] = await base().count<{ n: number | string }[]>({ n: '*' });
    const rows = await base()
      .orderBy([
        { column: f.orderby, order: f.desc ? 'desc' : 'asc' },
        { column: 'id', order: f.desc ? 'desc' : 'asc' },
      ])
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .select('*');
    return { rows: (rows as StoredRow[]).map(fromStored), total: Number(countRow?.n ?? 0) };
  }

  async update(id: string, changes: Partial<DatasetRow>): Promise<void> {
    const stored: Record<string, unknown> = { ...changes };
    if (changes.parser_config) stored.parser_config = JSON.stringify(changes.parser_config);
    await this.table().where({ id }).update(stored);
  }

  async ownedIds(tenantId: string): Promise<string[]> {
    const rows = await this.table().where({ tenant_id: tenantId, status: '1' }).select('id');
    return rows.map((r) => String(r.id));
  }

  /** Deletes rows in one transaction; returns the ids actually removed. */
  async deleteMany(ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    return this.db.transaction(async (trx) => {
      const present = (await trx('datasets').whereIn('id', ids).select('id')).map((r: { id: string }) => r.id);
      await trx('datasets').whereIn('id', present).delete();
      return present;
    });
  }
}
