import { parseJsonColumn, type Knex } from '@rag/platform';

/** A stored agent (RAGFlow's `user_canvas`; its `user_id` is the owning tenant). */
export interface AgentRow {
  id: string;
  tenant_id: string;
  title: string | null;
  avatar: string | null;
  description: string | null;
  permission: string;
  canvas_type: string | null;
  canvas_category: string;
  /** The DSL as given (CONTRACT §14): any JSON value, normally an object. */
  dsl: unknown;
  create_time: number;
  update_time: number;
}

/** One snapshot of an agent's DSL (`user_canvas_version`), titled `<title>_<YYYY_MM_DD_HH_MM_SS>`. */
export interface AgentVersionRow {
  id: string;
  agent_id: string;
  title: string;
  dsl: unknown;
  create_time: number;
}

/** Columns an agent listing can be ordered by. */
export type AgentColumn = 'id' | 'tenant_id' | 'title' | 'avatar' | 'description' | 'permission' | 'canvas_type' | 'canvas_category' | 'create_time' | 'update_time';

export interface AgentListFilter {
  tenantId: string;
  category: string;
  id?: string | undefined;
  title?: string | undefined;
  page: number;
  pageSize: number;
  orderby: AgentColumn;
  desc: boolean;
}

type Stored = Record<string, unknown>;

const fromStored = (row: Stored): AgentRow => ({
  ...(row as unknown as AgentRow),
  dsl: parseJsonColumn(row.dsl, {}),
  create_time: Number(row.create_time),
  update_time: Number(row.update_time),
});

function toStored<T extends { dsl?: unknown }>(row: T): Stored {
  return row.dsl === undefined ? { ...row } : { ...row, dsl: JSON.stringify(row.dsl) };
}

/** How many DSL snapshots an agent keeps (RAGFlow keeps its most recent ones only). */
export const KEPT_VERSIONS = 20;

/** The agents and their version snapshots; every read is scoped to the owning tenant. */
export class AgentRepository {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  with(trx: Knex.Transaction): AgentRepository {
    return new AgentRepository(trx);
  }

  /** The tenant's agent with this id; another tenant's agent is not found, like an unknown one. */
  async findOwned(tenantId: string, id: string): Promise<AgentRow | undefined> {
    const row = await this.db('agents').where({ tenant_id: tenantId, id }).first();
    return row ? fromStored(row) : undefined;
  }

  async titleTaken(tenantId: string, title: string): Promise<boolean> {
    return (await this.db('agents').where({ tenant_id: tenantId, title }).first('id')) !== undefined;
  }

  /** Whether the tenant has an agent (of any category) matching every given filter, as upstream's check before listing. */
  async exists(filter: Pick<AgentListFilter, 'tenantId' | 'id' | 'title'>): Promise<boolean> {
    const q = this.db('agents').where({ tenant_id: filter.tenantId });
    if (filter.id !== undefined) q.andWhere({ id: filter.id });
    if (filter.title !== undefined) q.andWhere({ title: filter.title });
    return (await q.first('id')) !== undefined;
  }

  async list(filter: AgentListFilter): Promise<AgentRow[]> {
    const q = this.db('agents').where({ tenant_id: filter.tenantId, canvas_category: filter.category });
    if (filter.id !== undefined) q.andWhere({ id: filter.id });
    if (filter.title !== undefined) q.andWhere({ title: filter.title });
    q.orderBy(filter.orderby, filter.desc ? 'desc' : 'asc').orderBy('id', 'asc');
    // peewee's paginate: a page below 1 is the first page; a negative size means no limit.
    if (filter.pageSize >= 0) q.limit(filter.pageSize).offset(Math.max(filter.page - 1, 0) * filter.pageSize);
    return (await q).map(fromStored);
  }

  async insert(row: AgentRow): Promise<void> {
    await this.db('agents').insert(toStored(row));
  }

  async update(tenantId: string, id: string, patch: Partial<AgentRow>): Promise<void> {
    await this.db('agents').where({ tenant_id: tenantId, id }).update(toStored(patch));
  }

  /** Removes the agent with its snapshots and its sessions. */
  async delete(tenantId: string, id: string): Promise<void> {
    if ((await this.db('agents').where({ tenant_id: tenantId, id }).delete()) === 0) return;
    await this.db('agent_versions').where({ agent_id: id }).delete();
    await this.db('agent_sessions').where({ agent_id: id, tenant_id: tenantId }).delete();
  }

  /** Records a snapshot and drops the oldest beyond `KEPT_VERSIONS`. */
  async addVersion(version: AgentVersionRow): Promise<void> {
    await this.db('agent_versions').insert(toStored(version));
    const stale = await this.db('agent_versions').where({ agent_id: version.agent_id }).orderBy('create_time', 'desc').orderBy('id', 'desc').offset(KEPT_VERSIONS).limit(1000).pluck('id');
    if (stale.length) await this.db('agent_versions').whereIn('id', stale).delete();
  }
}
