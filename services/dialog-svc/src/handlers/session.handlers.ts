import { Subjects } from '@rag/contracts';
import { reply, type Handlers } from '@rag/platform';
import type { SessionService } from '../domain/session.service.js';

/** Sessions of a chat (§11). */
export function sessionHandlers(sessions: SessionService): Handlers {
  return {
    [Subjects.dialog.createSession]: async (req, ctx) => sessions.create(ctx, req.params?.chat_id ?? '', req.body ?? {}),
    [Subjects.dialog.listSessions]: async (req, ctx) => sessions.list(ctx, req.params?.chat_id ?? '', req.body ?? {}),
    [Subjects.dialog.updateSession]: async (req, ctx) => {
      await sessions.update(ctx, req.params?.chat_id ?? '', req.params?.session_id ?? '', req.body ?? {});
      return reply(null);
    },
    [Subjects.dialog.deleteSessions]: async (req, ctx) => reply(await sessions.delete(ctx, req.params?.chat_id ?? '', req.body ?? {})),
  };
}
