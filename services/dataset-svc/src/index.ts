import { EventConsumers, Subjects, eventEntityFilter } from '@rag/contracts';
import { Inbox, Outbox, consumeEvents, type ServiceDefinition } from '@rag/platform';
import { applyDocumentEvent } from './domain/counters.js';
import { migrations } from './data/migrations.js';
import { DatasetService, type TenantLookup } from './domain/dataset.service.js';
import { datasetHandlers } from './handlers/dataset.handlers.js';

const OUTBOX_TABLE = 'dataset_outbox';
const INBOX_TABLE = 'dataset_inbox';

/** dataset-svc: owns the datasets table; answers `rag.v1.dataset.*`; publishes dataset events. */
export const datasetService: ServiceDefinition<Record<string, never>> = {
  name: 'dataset-svc',
  version: '0.1.0',
  description: 'Datasets (knowledge bases): create, list, update, delete',
  config: {},
  migrations: [...migrations, Outbox.migration(OUTBOX_TABLE), Inbox.migration(INBOX_TABLE)],
  async start({ db, bus, logger }) {
    const outbox = new Outbox(db, bus, OUTBOX_TABLE, 'dataset-svc', logger);
    outbox.start();
    const tenants: TenantLookup = async (tenantId, ctx) => {
      const r = await bus.request(Subjects.account.tenantModels, { body: {} }, { ...ctx, tenantId });
      return r.code === 0 && r.data ? r.data : null;
    };
    const inbox = new Inbox(INBOX_TABLE);
    const counters = await consumeEvents(bus, logger, {
      durable: EventConsumers.datasetCounters,
      filter: eventEntityFilter('document'),
      handle: (event) => applyDocumentEvent(db, inbox, event),
    });
    return {
      handlers: datasetHandlers(new DatasetService(db, outbox, tenants)),
      stop: async () => {
        await counters.stop();
        await outbox.stop();
      },
    };
  },
};
