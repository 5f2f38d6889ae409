import { ServiceNames, Subjects, type Dataset, type TenantProfile } from '@rag/contracts';
import { Outbox, type ServiceDefinition } from '@rag/platform';
import { migrations } from './data/migrations.js';
import { ChatService } from './domain/chat.service.js';
import type { DatasetPort, TenantPort } from './domain/ports.js';
import { SessionService } from './domain/session.service.js';
import { chatHandlers } from './handlers/chat.handlers.js';
import { sessionHandlers } from './handlers/session.handlers.js';

const OUTBOX_TABLE = 'dialog_outbox';

export { ChatRepository, type ChatRow } from './data/chat.repository.js';
export { SessionRepository, type SessionMessage, type SessionReference, type SessionRow } from './data/session.repository.js';

/** dialog-svc: owns the chats and chat_sessions tables; answers `rag.v1.dialog.*`; publishes chat and session events. */
export const dialogService: ServiceDefinition<Record<string, never>> = {
  name: ServiceNames.dialog,
  version: '0.1.0',
  description: 'Chat assistants and their sessions',
  config: {},
  migrations: [...migrations, Outbox.migration(OUTBOX_TABLE)],
  async start({ db, bus, logger }) {
    const outbox = new Outbox(db, bus, OUTBOX_TABLE, ServiceNames.dialog, logger);
    outbox.start();
    const datasets: DatasetPort = {
      accessible: async (ctx, ids) => (ids.length ? bus.call<Dataset[]>(Subjects.dataset.get, { body: { ids } }, ctx) : []),
    };
    const tenants: TenantPort = {
      profile: async (ctx) => {
        const r = await bus.request<TenantProfile>(Subjects.account.tenantModels, { body: { tenant_id: ctx.tenantId } }, ctx);
        return r.code === 0 && r.data ? r.data : null;
      },
    };
    const chats = new ChatService(db, datasets, tenants, outbox);
    const sessions = new SessionService(db, chats.repo, outbox);
    return {
      handlers: { ...chatHandlers(chats), ...sessionHandlers(sessions) },
      stop: () => outbox.stop(),
    };
  },
};
