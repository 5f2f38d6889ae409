import type { ChatSettings, Reference } from './generation.js';

export interface StoredMessage {
  role: string;
  content: string;
  id?: string;
  created_at?: number;
  prompt?: string;
}

export interface SessionRecord {
  id: string;
  chat_id: string;
  messages: StoredMessage[];
}

/** What completions need from the chat and session tables (implemented over dialog-svc's repositories). */
export interface CompletionStore {
  /** A live chat owned by the tenant, or null. */
  chat(tenantId: string, chatId: string): Promise<ChatSettings | null>;
  session(chatId: string, sessionId: string): Promise<SessionRecord | null>;
  /** A new session whose first message is the chat's opener. */
  createSession(chat: ChatSettings, name: string, userId: string): Promise<SessionRecord>;
  /** Appends one whole turn (user + assistant + reference) atomically. */
  appendTurn(sessionId: string, user: StoredMessage, assistant: StoredMessage, reference: Reference | Record<string, never>): Promise<void>;
}
