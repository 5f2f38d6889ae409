import { Subjects, type BusRequest } from '@rag/contracts';
import { reply, type Handler } from '@rag/platform';
import type { ChatService } from '../domain/chat.service.js';
import type { Query } from '../domain/requests.js';

type Body = Record<string, unknown>;
type P = { chat_id: string };

/**
 * Chat assistants (§10). Bodies arrive as the lenient dicts RAGFlow's handlers read; the domain
 * answers wrong types the way RAGFlow does, so nothing is schema-checked here.
 */
export function chatHandlers(chats: ChatService): Record<string, Handler<any, any, any>> {
  return {
    [Subjects.dialog.createChat]: async (req: BusRequest<Body>, ctx) => chats.create(ctx, req.body ?? {}),
    [Subjects.dialog.listChats]: async (req: BusRequest<Query>, ctx) => chats.list(ctx, req.body ?? {}),
    [Subjects.dialog.updateChat]: async (req: BusRequest<Body, P>, ctx) => {
      await chats.update(ctx, req.params?.chat_id ?? '', req.body ?? {});
      return reply(null);
    },
    [Subjects.dialog.deleteChats]: async (req: BusRequest<Body>, ctx) => reply(await chats.delete(ctx, req.body ?? {})),
  };
}
