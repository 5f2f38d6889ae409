import { parseJsonColumn, type Knex } from '@rag/platform';

/**
 * A stored chat assistant (RAGFlow's dialog row, §10.1) in this project's words: `avatar` is
 * RAGFlow's `icon`, `dataset_ids` its `kb_ids`. Everything else keeps RAGFlow's column name.
 */
export interface ChatRow {
  id: string;
  tenant_id: string;
  name: string;
  description: string | null;
  avatar: string | null;
  language: string | null;
  /** The chat model reference (`<model>@<factory>` or a bare model name). */
  llm_id: string;
  /** Generation settings: temperature, top_p, presence/frequency penalty, max_tokens, model_type… */
  llm_setting: Record<string, unknown>;
  prompt_type: string;
  /** system, prologue, parameters [{key, optional}], empty_response, quote, tts, refine_multiturn, … */
  prompt_config: Record<string, unknown>;
  meta_data_filter: unknown;
  similarity_threshold: number;
  /** Stored as given by `prompt.keywords_similarity_weight` (the upstream asymmetry, §10.1). */
  vector_similarity_weight: number;
  top_n: number;
  top_k: number;
  do_refer: string;
  rerank_id: string;
  dataset_ids: string[];
  /** `1` live, `0` deleted (chats are deleted softly). */
  status: string;
  create_time: number;
  update_time: number;
}

const JSON_COLUMNS = ['llm_setting', 'prompt_config', 'meta_data_filter', 'dataset_ids'] as const;

type Stored = Record<string, unknown>;

function fromStored(row: Stored): ChatRow {
  return {
    ...(row as unknown as ChatRow),
    llm_setting: parseJsonColumn(row.llm_setting, {}),
    prompt_config: parseJsonColumn(row.prompt_config, {}),
    meta_data_filter: row.meta_data_filter === null ? null : parseJsonColumn(row.meta_data_filter, {}),
    dataset_ids: parseJsonColumn(row.dataset_ids, []),
    similarity_threshold: Number(row.similarity_threshold),
    vector_similarity_weight: Number(row.vector_similarity_weight),
    top_n: Number(row.top_n),
    top_k: Number(row.top_k),
    create_time: Number(row.create_time),
    update_time: Number(row.update_time),
  };
}

function toStored(patch: Partial<ChatRow>): Stored {
  const out: Stored = { ...patch };
  for (const k of JSON_COLUMNS) {
    if (k in patch) out[k] = patch[k] === null ? null : JSON.stringify(patch[k]);
  }
  return out;
}

export interface ChatListFilter {
  tenantId: string;
  id?: string | undefined;
  name?: string | undefined;
  /** A column of this table. */
  orderby: string;
  desc: boolean;
  page: number;
  pageSize: number;
}

/** The only place that speaks SQL for chats. Names compare case-insensitively, as on MySQL. */
export class ChatRepository {
  constructor(private readonly db: Knex) {}

  with(trx: Knex): ChatRepository {
    return new ChatRepository(trx);
  }

  async insert(row: ChatRow): Promise<void> {
    await this.db('chats').insert(toStored(row));
  }

  /** A live chat of the tenant. */
  async findLive(tenantId: string, id: string): Promise<ChatRow | undefined> {
    const row = await this.db('chats').where({ id, tenant_id: tenantId, status: '1' }).first();
    return row ? fromStored(row) : undefined;
  }

  async liveNameTaken(tenantId: string, name: string): Promise<boolean> {
    return !!(await this.db('chats').where({ tenant_id: tenantId, status: '1' }).andWhereRaw('lower(name) = ?', [name.toLowerCase()]).first('id'));
  }

  async liveIds(tenantId: string): Promise<string[]> {
    return (await this.db('chats').where({ tenant_id: tenantId, status: '1' }).orderBy('create_time').select('id')).map((r: { id: string }) => r.id);
  }

  /** Which of the ids are live chats of the tenant. */
  async liveAmong(tenantId: string, ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db('chats').where({ tenant_id: tenantId, status: '1' }).whereIn('id', ids.slice(i, i + 500)).select('id');
      for (const r of rows as { id: string }[]) found.add(r.id);
    }
    return found;
  }

  private filtered(f: Pick<ChatListFilter, 'tenantId' | 'id' | 'name'>): Knex.QueryBuilder {
    const q = this.db('chats').where({ tenant_id: f.tenantId, status: '1' });
    if (f.id) q.andWhere('id', f.id);
    if (f.name) q.andWhereRaw('lower(name) = ?', [f.name.toLowerCase()]);
    return q;
  }

  async exists(f: Pick<ChatListFilter, 'tenantId' | 'id' | 'name'>): Promise<boolean> {
    return !!(await this.filtered(f).first('id'));
  }

  async list(f: ChatListFilter): Promise<ChatRow[]> {
    if (f.pageSize <= 0) return [];
    const rows = await this.filtered(f)
      .orderBy([
        { column: f.orderby, order: f.desc ? 'desc' : 'asc' },
        { column: 'id', order: f.desc ? 'desc' : 'asc' },
      ])
      .limit(f.pageSize)
      .offset((Math.max(f.page, 1) - 1) * f.pageSize);
    return rows.map(fromStored);
  }

  async update(id: string, patch: Partial<ChatRow>): Promise<void> {
    await this.db('chats').where({ id }).update(toStored(patch));
  }

  /** Soft delete: the row stays with status `0`. */
  async markDeleted(ids: string[], at: number): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) await this.db('chats').whereIn('id', ids.slice(i, i + 500)).update({ status: '0', update_time: at });
  }
}
