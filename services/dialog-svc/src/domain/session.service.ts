import { EventTypes, RagError, pythonRepr, type CallerContext } from '@rag/contracts';
import { uuid1, type Knex } from '@rag/platform';
import type { ChatRepository, ChatRow } from '../data/chat.repository.js';
import { SessionRepository, type SessionRow } from '../data/session.repository.js';
import { stringColumn } from './chat-columns.js';
import { bulkOutcome, firstOf, listParams, registered, type PartialSuccess, type Query } from './requests.js';
import type { EventPort } from './ports.js';
import { dedupeIds, pyError, pyIter, pyStr, pyTruthy } from './py.js';
import { createdSession, listedSession } from './session-view.js';

/** RAGFlow's conversation columns, mapped to this table's (`dialog_id` is `chat_id`, `message` is `messages`). */
const SESSION_COLUMNS: Record<string, keyof SessionRow> = {
  id: 'id',
  dialog_id: 'chat_id',
  name: 'name',
  message: 'messages',
  reference: 'reference',
  user_id: 'user_id',
  create_time: 'create_time',
  create_date: 'create_time',
  update_time: 'update_time',
  update_date: 'update_time',
};

const userIdColumn = (value: unknown) => (value === null ? null : stringColumn('user_id', value, 255));

/** The rules of chat sessions (§11): create, list, rename, delete. */
export class SessionService {
  readonly repo: SessionRepository;

  constructor(
    private readonly db: Knex,
    private readonly chats: ChatRepository,
    private readonly events: EventPort,
  ) {
    this.repo = new SessionRepository(db);
  }

  async create(ctx: CallerContext, chatId: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const chat = await this.chats.findLive(ctx.tenantId, chatId);
    if (!chat) throw new RagError('SESSION_CHAT_NOT_OWNED_ON_CREATE');
    const name = 'name' in body ? body.name : 'New session';
    if (!pyTruthy(name)) throw new RagError('SESSION_NAME_EMPTY');
    return createdSession(await this.open(chat, name, 'user_id' in body ? body.user_id : ''));
  }

  /**
   * Stores a new session of a chat whose first message is the chat's prologue (also what a
   * completion without a session id starts with), and announces it.
   */
  async open(chat: ChatRow, name: unknown, userId: unknown, at = Date.now()): Promise<SessionRow> {
    const prologue = chat.prompt_config.prologue;
    const row: SessionRow = {
      id: uuid1(),
      chat_id: chat.id,
      tenant_id: chat.tenant_id,
      name: stringColumn('name', name, 255),
      messages: [{ role: 'assistant', content: prologue === undefined || prologue === null ? null : typeof prologue === 'string' ? prologue : pyStr(prologue) }],
      // The opener's own (empty) reference entry keeps later answers paired with their references in listings.
      reference: [{ chunks: [], doc_aggs: [] }],
      user_id: userIdColumn(userId),
      create_time: at,
      update_time: at,
    };
    await this.db.transaction(async (trx) => {
      await this.repo.with(trx).insert(row);
      await this.events.add(trx, EventTypes.sessionCreated, chat.tenant_id, createdSession(row));
    });
    void this.events.flush().catch(() => undefined);
    return row;
  }

  async list(ctx: CallerContext, chatId: string, q: Query): Promise<Record<string, unknown>[]> {
    if (!(await this.chats.findLive(ctx.tenantId, chatId))) throw new RagError('SESSION_CHAT_NOT_OWNED_ON_LIST', { chat_id: chatId });
    const paging = listParams(q, 'Conversation', SESSION_COLUMNS);
    const rows = await this.repo.list({
      chatId,
      id: firstOf(q, 'id') || undefined,
      name: firstOf(q, 'name') || undefined,
      userId: firstOf(q, 'user_id') || undefined,
      ...paging,
    });
    return rows.map(listedSession);
  }

  async update(ctx: CallerContext, chatId: string, sessionId: string, body: Record<string, unknown>): Promise<void> {
    const session = await this.repo.findOwnedInChat(ctx.tenantId, chatId, sessionId);
    if (!session) throw new RagError('SESSION_NOT_EXIST');
    if (!(await this.chats.findLive(ctx.tenantId, chatId))) throw new RagError('SESSION_CHAT_NOT_OWNED_ON_UPDATE');
    if ('message' in body || 'messages' in body) throw new RagError('SESSION_MESSAGE_IMMUTABLE');
    if ('reference' in body) throw new RagError('SESSION_REFERENCE_IMMUTABLE');
    if ('name' in body && !pyTruthy(body.name)) throw new RagError('SESSION_NAME_EMPTY');
    const unknown = Object.keys(body).find((k) => !Object.hasOwn(SESSION_COLUMNS, k));
    if (unknown !== undefined) throw pyError('ValueError', `Unrecognized field name: "${unknown}" in ${pythonRepr({ ...body, dialog_id: chatId }, false)}.`);
    // Ids, the owning chat and the times belong to the service; a request may name them but not change them.
    const patch: Partial<SessionRow> = { update_time: Math.max(Date.now(), session.update_time + 1) };
    if ('name' in body) patch.name = stringColumn('name', body.name, 255);
    if ('user_id' in body) patch.user_id = userIdColumn(body.user_id);
    await this.repo.update(sessionId, patch);
  }

  /** Hard delete; no (or empty) `ids` means every session of the chat. */
  async delete(ctx: CallerContext, chatId: string, body: Record<string, unknown>): Promise<PartialSuccess | null> {
    if (!(await this.chats.findLive(ctx.tenantId, chatId))) throw new RagError('SESSION_CHAT_NOT_OWNED_ON_DELETE');
    const requested = pyTruthy(body.ids) ? pyIter(body.ids) : await this.repo.idsOfChat(chatId);
    const { unique, duplicates } = dedupeIds(requested);
    const present = await this.repo.idsInChat(chatId, unique.filter((i): i is string => typeof i === 'string'));
    const errors: string[] = [];
    const deleted: string[] = [];
    for (const id of unique) {
      if (typeof id === 'string' && present.has(id)) deleted.push(id);
      else errors.push(registered('SESSION_NOT_IN_CHAT', { id: pyStr(id) }));
    }
    if (deleted.length) {
      await this.db.transaction(async (trx) => {
        await this.repo.with(trx).deleteMany(deleted);
        await this.events.add(trx, EventTypes.sessionDeleted, ctx.tenantId, { chat_id: chatId, ids: deleted, tenant_id: ctx.tenantId });
      });
      void this.events.flush().catch(() => undefined);
    }
    return bulkOutcome(deleted.length, errors, duplicates.map((d) => registered('SESSION_DUPLICATE_IDS', { id: pyStr(d) })));
  }
}
