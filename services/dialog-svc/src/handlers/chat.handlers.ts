import { Subjects } from '@rag/contracts';
import { reply, type Handlers } from '@rag/platform';
import type { ChatService } from '../domain/chat.service.js';

/**
 * Chat assistants (§10). Bodies arrive as the lenient dicts RAGFlow's handlers read; the domain
 * answers wrong types the way RAGFlow does, so nothing is schema-checked here.
 */
export function chatHandlers(chats: ChatService): Handlers {
  return {
    [Subjects.dialog.createChat]: async (req, ctx) => chats.create(ctx, req.body ?? {}),
    [Subjects.dialog.listChats]: async (req, ctx) => chats.list(ctx, req.body ?? {}),
    [Subjects.dialog.updateChat]: async (req, ctx) => {
      await chats.update(ctx, req.params?.chat_id ?? '', req.body ?? {});
      return reply(null);
    },
    [Subjects.dialog.deleteChats]: async (req, ctx) => reply(await chats.delete(ctx, req.body ?? {})),
  };
}
