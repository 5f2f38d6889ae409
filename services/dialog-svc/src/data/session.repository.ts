import { isMysql, parseJsonColumn, type Knex } from '@rag/platform';

/** One message of a session, as RAGFlow stores it (§11). */
export interface SessionMessage {
  role: string;
  /** Text; the prologue of a chat whose opener was set to null is null. */
  content: string | null;
  id?: string;
  /** Epoch seconds (float), set on answers. */
  created_at?: number;
  /** The prompt an answer was generated with; stored, never listed. */
  prompt?: string;
  [key: string]: unknown;
}

/** The reference of one assistant turn: the chunks it was built from and their documents. */
export interface SessionReference {
  chunks: Record<string, unknown>[];
  doc_aggs: Record<string, unknown>[];
  total?: number;
  [key: string]: unknown;
}

/** A stored session (RAGFlow's conversation row; its `dialog_id` is `chat_id` here). */
export interface SessionRow {
  id: string;
  chat_id: string;
  tenant_id: string;
  name: string;
  messages: SessionMessage[];
  reference: SessionReference[];
  user_id: string | null;
  create_time: number;
  update_time: number;
}

type Stored = Record<string, unknown>;

function fromStored(row: Stored): SessionRow {
  return {
    ...(row as unknown as SessionRow),
    messages: parseJsonColumn(row.messages, []),
    reference: parseJsonColumn(row.reference, []),
    create_time: Number(row.create_time),
    update_time: Number(row.update_time),
  };
}

function toStored(patch: Partial<SessionRow>): Stored {
  const out: Stored = { ...patch };
  if (patch.messages !== undefined) out.messages = JSON.stringify(patch.messages);
  if (patch.reference !== undefined) out.reference = JSON.stringify(patch.reference);
  return out;
}

export interface SessionListFilter {
  chatId: string;
  id?: string | undefined;
  name?: string | undefined;
  userId?: string | undefined;
  /** A column of this table. */
  orderby: string;
  desc: boolean;
  page: number;
  pageSize: number;
}

/** The only place that speaks SQL for sessions. */
export class SessionRepository {
  constructor(private readonly db: Knex) {}

  with(trx: Knex): SessionRepository {
    return new SessionRepository(trx);
  }

  async insert(row: SessionRow): Promise<void> {
    await this.db('chat_sessions').insert(toStored(row));
  }

  async get(id: string): Promise<SessionRow | undefined> {
    const row = await this.db('chat_sessions').where({ id }).first();
    return row ? fromStored(row) : undefined;
  }

  /** A session of the given chat (undefined when the id belongs to another chat). */
  async findInChat(chatId: string, id: string): Promise<SessionRow | undefined> {
    const row = await this.db('chat_sessions').where({ id, chat_id: chatId }).first();
    return row ? fromStored(row) : undefined;
  }

  /**
   * A session of the given chat held by the caller's tenant: a session of another tenant's chat is
   * not found, so its id answers exactly like an unknown one (no probing by chat id).
   */
  async findOwnedInChat(tenantId: string, chatId: string, id: string): Promise<SessionRow | undefined> {
    const row = await this.db('chat_sessions').where({ id, chat_id: chatId, tenant_id: tenantId }).first();
    return row ? fromStored(row) : undefined;
  }

  async idsOfChat(chatId: string): Promise<string[]> {
    return (await this.db('chat_sessions').where({ chat_id: chatId }).orderBy('create_time').select('id')).map((r: { id: string }) => r.id);
  }

  /** Which of the ids are sessions of the chat. */
  async idsInChat(chatId: string, ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db('chat_sessions').where({ chat_id: chatId }).whereIn('id', ids.slice(i, i + 500)).select('id');
      for (const r of rows as { id: string }[]) found.add(r.id);
    }
    return found;
  }

  async list(f: SessionListFilter): Promise<SessionRow[]> {
    if (f.pageSize <= 0) return [];
    const q = this.db('chat_sessions').where({ chat_id: f.chatId });
    if (f.id) q.andWhere('id', f.id);
    if (f.name) q.andWhereRaw('lower(name) = ?', [f.name.toLowerCase()]);
    if (f.userId) q.andWhere('user_id', f.userId);
    const rows = await q
      .orderBy([
        { column: f.orderby, order: f.desc ? 'desc' : 'asc' },
        { column: 'id', order: f.desc ? 'desc' : 'asc' },
      ])
      .limit(f.pageSize)
      .offset((Math.max(f.page, 1) - 1) * f.pageSize);
    return rows.map(fromStored);
  }

  async update(id: string, patch: Partial<SessionRow>): Promise<void> {
    await this.db('chat_sessions').where({ id }).update(toStored(patch));
  }

  async deleteMany(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) await this.db('chat_sessions').whereIn('id', ids.slice(i, i + 500)).delete();
  }

  /**
   * Appends messages (and, for an answered turn, its reference entry) to a session in one
   * transaction, so concurrent turns of the same session never overwrite each other. Returns the
   * session as stored afterwards, or undefined when it no longer exists.
   */
  async appendMessages(id: string, messages: SessionMessage[], reference?: SessionReference): Promise<SessionRow | undefined> {
    return this.modify(id, (s) => ({
      messages: [...s.messages, ...messages],
      ...(reference ? { reference: [...s.reference, reference] } : {}),
    }));
  }

  /**
   * Rewrites a session's conversation under a row lock: `change` receives the stored session and
   * returns the new messages and/or references (e.g. the final text of a streamed answer).
   */
  async modify(id: string, change: (current: SessionRow) => Partial<Pick<SessionRow, 'messages' | 'reference' | 'name'>>): Promise<SessionRow | undefined> {
    const run = async (trx: Knex) => {
      const q = trx('chat_sessions').where({ id });
      const row = await (isMysql(trx) ? q.forUpdate() : q).first();
      if (!row) return undefined;
      const current = fromStored(row);
      const patch = { ...change(current), update_time: Math.max(Date.now(), current.update_time + 1) };
      await trx('chat_sessions').where({ id }).update(toStored(patch));
      return { ...current, ...patch };
    };
    return this.db.isTransaction ? run(this.db) : this.db.transaction(run);
  }
}
