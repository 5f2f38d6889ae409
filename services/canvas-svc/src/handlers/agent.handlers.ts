import { Subjects } from '@rag/contracts';
import { reply, type Handlers } from '@rag/platform';
import type { AgentService } from '../domain/agent.service.js';

/**
 * Agents (§14.1). Bodies arrive as the lenient dicts RAGFlow's handlers read; the domain answers
 * wrong types the way RAGFlow does.
 */
export function agentHandlers(agents: AgentService): Handlers {
  return {
    [Subjects.canvas.createAgent]: async (req, ctx) => reply(await agents.create(ctx, req.body ?? {})),
    [Subjects.canvas.listAgents]: async (req, ctx) => reply(await agents.list(ctx, req.body ?? {})),
    [Subjects.canvas.updateAgent]: async (req, ctx) => reply(await agents.update(ctx, req.params?.agent_id ?? '', req.body ?? {})),
    [Subjects.canvas.deleteAgent]: async (req, ctx) => reply(await agents.delete(ctx, req.params?.agent_id ?? '')),
  };
}
