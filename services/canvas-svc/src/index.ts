import { ServiceNames } from '@rag/contracts';
import { Outbox, type ServiceDefinition } from '@rag/platform';
import { canvasConfig } from './config.js';
import { migrations } from './data/migrations.js';
import { canvasStore } from './data/store.js';
import { AgentSessionService } from './domain/agent-session.service.js';
import { AgentService } from './domain/agent.service.js';
import { agentHandlers } from './handlers/agent.handlers.js';
import { sessionHandlers } from './handlers/session.handlers.js';

const OUTBOX_TABLE = 'canvas_outbox';

export { AgentRepository, type AgentRow } from './data/agent.repository.js';
export { AgentSessionRepository, type AgentSessionRow } from './data/session.repository.js';

/** canvas-svc: owns the agents, agent_versions and agent_sessions tables; answers `rag.v1.canvas.*`; publishes agent events. */
export const canvasService: ServiceDefinition<typeof canvasConfig> = {
  name: ServiceNames.canvas,
  version: '0.1.0',
  description: 'Agents (canvas workflows) and their sessions',
  config: canvasConfig,
  migrations: [...migrations, Outbox.migration(OUTBOX_TABLE)],
  async start({ db, bus, logger }) {
    const outbox = new Outbox(db, bus, OUTBOX_TABLE, ServiceNames.canvas, logger);
    outbox.start();
    const store = canvasStore(db, outbox);
    return {
      handlers: { ...agentHandlers(new AgentService(store)), ...sessionHandlers(new AgentSessionService(store)) },
      stop: () => outbox.stop(),
    };
  },
};
