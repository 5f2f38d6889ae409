import type { Knex, Outbox } from '@rag/platform';
import type { CanvasStore } from '../domain/ports.js';
import { AgentRepository } from './agent.repository.js';
import { AgentSessionRepository } from './session.repository.js';

/** The store of canvas-svc over knex: its repositories, and transactions that carry outbox events. */
export function canvasStore(db: Knex, outbox: Outbox): CanvasStore {
  const agents = new AgentRepository(db);
  const sessions = new AgentSessionRepository(db);
  return {
    agents,
    sessions,
    async transaction(work) {
      const result = await db.transaction((trx) => work({ agents: agents.with(trx), sessions: sessions.with(trx), event: (type, tenantId, data) => outbox.add(trx, type, tenantId, data) }));
      void outbox.flush().catch(() => undefined);
      return result;
    },
  };
}
