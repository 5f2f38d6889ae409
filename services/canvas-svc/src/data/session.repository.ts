import { parseJsonColumn, type Knex } from '@rag/platform';

/** One message of an agent session. */
export interface AgentMessage {
  role: string;
  content: unknown;
  [key: string]: unknown;
}

/** A stored agent session (RAGFlow's `api_4_conversation` with `source = "agent"`; `dialog_id` is `agent_id`). */
export interface AgentSessionRow {
  id: string;
  agent_id: string;
  tenant_id: string;
  user_id: string;
  messages: AgentMessage[];
  reference: unknown[];
  tokens: number;
  source: string;
  /** The session's own copy of the agent's DSL; edits of the agent never reach it. */
  dsl: unknown;
  duration: number;
  round: number;
  thumb_up: number;
  errors: string | null;
  create_time: number;
  update_time: number;
}

export type AgentSessionColumn = Exclude<keyof AgentSessionRow, 'tenant_id'>;

export interface AgentSessionListFilter {
  agentId: string;
  id?: string | undefined;
  userId?: string | undefined;
  page: number;
  pageSize: number;
  orderby: AgentSessionColumn;
  desc: boolean;
}

type Stored = Record<string, unknown>;

const fromStored = (row: Stored): AgentSessionRow => ({
  ...(row as unknown as AgentSessionRow),
  messages: parseJsonColumn(row.messages, []),
  reference: parseJsonColumn(row.reference, []),
  dsl: parseJsonColumn(row.dsl, {}),
  tokens: Number(row.tokens),
  duration: Number(row.duration),
  round: Number(row.round),
  thumb_up: Number(row.thumb_up),
  create_time: Number(row.create_time),
  update_time: Number(row.update_time),
});

/** Sessions of agents; the caller checks the agent belongs to the tenant first. */
export class AgentSessionRepository {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  with(trx: Knex.Transaction): AgentSessionRepository {
    return new AgentSessionRepository(trx);
  }

  async insert(row: AgentSessionRow): Promise<void> {
    await this.db('agent_sessions').insert({ ...row, messages: JSON.stringify(row.messages), reference: JSON.stringify(row.reference), dsl: JSON.stringify(row.dsl) });
  }

  async list(filter: AgentSessionListFilter): Promise<AgentSessionRow[]> {
    const q = this.db('agent_sessions').where({ agent_id: filter.agentId });
    if (filter.id !== undefined) q.andWhere({ id: filter.id });
    if (filter.userId !== undefined) q.andWhere({ user_id: filter.userId });
    q.orderBy(filter.orderby, filter.desc ? 'desc' : 'asc').orderBy('id', 'asc');
    if (filter.pageSize >= 0) q.limit(filter.pageSize).offset(Math.max(filter.page - 1, 0) * filter.pageSize);
    return (await q).map(fromStored);
  }

  async idsOfAgent(agentId: string): Promise<string[]> {
    return this.db('agent_sessions').where({ agent_id: agentId }).orderBy('create_time', 'asc').pluck('id');
  }

  /** Which of `ids` are sessions of the agent. */
  async idsInAgent(agentId: string, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return new Set(await this.db('agent_sessions').where({ agent_id: agentId }).whereIn('id', ids).pluck('id'));
  }

  async deleteMany(agentId: string, ids: string[]): Promise<void> {
    if (ids.length) await this.db('agent_sessions').where({ agent_id: agentId }).whereIn('id', ids).delete();
  }
}
