import type { EventData, EventType } from '@rag/contracts';
import type { AgentRepository } from '../data/agent.repository.js';
import type { AgentSessionRepository } from '../data/session.repository.js';

/** The repositories the agent rules work with (each scoped to a tenant by its callers' arguments). */
export interface CanvasRepositories {
  agents: AgentRepository;
  sessions: AgentSessionRepository;
}

/** The repositories inside one transaction, plus the outbox of that transaction. */
export interface UnitOfWork extends CanvasRepositories {
  /** Records an event; it is published once the transaction committed. */
  event<T extends EventType>(type: T, tenantId: string, data: EventData<T>): Promise<void>;
}

export interface CanvasStore extends CanvasRepositories {
  transaction<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T>;
}
