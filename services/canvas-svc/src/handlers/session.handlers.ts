import { Subjects } from '@rag/contracts';
import { reply, type Handlers } from '@rag/platform';
import type { AgentSessionService } from '../domain/agent-session.service.js';

/** Sessions of an agent (§14.2). */
export function sessionHandlers(sessions: AgentSessionService): Handlers {
  return {
    [Subjects.canvas.createSession]: async (req, ctx) => reply(await sessions.create(ctx, req.params?.agent_id ?? '', req.body ?? {})),
    [Subjects.canvas.listSessions]: async (req, ctx) => reply(await sessions.list(ctx, req.params?.agent_id ?? '', req.body ?? {})),
    [Subjects.canvas.deleteSessions]: async (req, ctx) => reply(await sessions.delete(ctx, req.params?.agent_id ?? '', req.body ?? {})),
  };
}
