import type { ChatRepository, ChatRow } from '../data/chat.repository.js';
import type { SessionRepository } from '../data/session.repository.js';
import type { SessionService } from '../domain/session.service.js';
import type { ChatSettings } from './generation.js';
import type { CompletionStore, SessionRecord } from './ports.js';

/** The chat row as a completion reads it. */
export function chatSettings(row: ChatRow): ChatSettings {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    kb_ids: row.dataset_ids ?? [],
    llm_id: row.llm_id,
    llm_setting: row.llm_setting ?? {},
    prompt_config: (row.prompt_config ?? {}) as ChatSettings['prompt_config'],
    similarity_threshold: Number(row.similarity_threshold),
    vector_similarity_weight: Number(row.vector_similarity_weight),
    top_n: Number(row.top_n),
    top_k: Number(row.top_k),
    rerank_id: row.rerank_id ?? '',
  };
}

/** Completions over dialog-svc's own repositories. */
export class RepositoryCompletionStore implements CompletionStore {
  constructor(
    private readonly chats: ChatRepository,
    private readonly sessions: SessionRepository,
    private readonly sessionService: SessionService,
  ) {}

  private readonly rows = new Map<string, ChatRow>();

  async chat(tenantId: string, chatId: string): Promise<ChatSettings | null> {
    const row = await this.chats.findLive(tenantId, chatId);
    if (!row) return null;
    this.rows.set(row.id, row);
    return chatSettings(row);
  }

  async session(chatId: string, sessionId: string): Promise<SessionRecord | null> {
    const s = await this.sessions.findInChat(chatId, sessionId);
    return s ? { id: s.id, chat_id: s.chat_id, messages: s.messages.map((m) => ({ ...m, content: m.content ?? '' })) } : null;
  }

  async createSession(chat: ChatSettings, name: string, userId: string): Promise<SessionRecord> {
    const row = this.rows.get(chat.id) ?? (await this.chats.findLive(chat.tenant_id, chat.id));
    if (!row) throw new Error(`chat ${chat.id} vanished`);
    const s = await this.sessionService.open(row, name, userId);
    return { id: s.id, chat_id: s.chat_id, messages: s.messages.map((m) => ({ ...m, content: m.content ?? '' })) };
  }

  async appendTurn(sessionId: string, user: SessionRecord['messages'][number], assistant: SessionRecord['messages'][number], reference: object): Promise<void> {
    await this.sessions.appendMessages(sessionId, [{ ...user }, { ...assistant }], { chunks: [], doc_aggs: [], ...(reference as Record<string, unknown>) });
  }
}
