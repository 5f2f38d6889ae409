import { Subjects, type BusRequest } from '@rag/contracts';
import { reply, type Handler } from '@rag/platform';
import type { Query } from '../domain/requests.js';
import type { SessionService } from '../domain/session.service.js';

type Body = Record<string, unknown>;
type P = { chat_id: string; session_id?: string };

/** Sessions of a chat (§11). */
export function sessionHandlers(sessions: SessionService): Record<string, Handler<any, any, any>> {
  return {
    [Subjects.dialog.createSession]: async (req: BusRequest<Body, P>, ctx) => sessions.create(ctx, req.params?.chat_id ?? '', req.body ?? {}),
    [Subjects.dialog.listSessions]: async (req: BusRequest<Query, P>, ctx) => sessions.list(ctx, req.params?.chat_id ?? '', req.body ?? {}),
    [Subjects.dialog.updateSession]: async (req: BusRequest<Body, P>, ctx) => {
      await sessions.update(ctx, req.params?.chat_id ?? '', req.params?.session_id ?? '', req.body ?? {});
      return reply(null);
    },
    [Subjects.dialog.deleteSessions]: async (req: BusRequest<Body, P>, ctx) => reply(await sessions.delete(ctx, req.params?.chat_id ?? '', req.body ?? {})),
  };
}
