import { EventConsumers, EventTypes, Subjects, eventSubject } from '@rag/contracts';
import { STAGING_BUCKET, createBlobStore } from '@rag/blob-store';
import { openChunkIndex } from '@rag/chunk-index';
import { Outbox, consumeEvents, modelNetworkGuard, type ServiceDefinition } from '@rag/platform';
import { documentConfig } from './config.js';
import { migrations } from './data/migrations.js';
import { ChunkService } from './domain/chunk.service.js';
import { DocumentService } from './domain/document.service.js';
import { MetadataService } from './domain/metadata.service.js';
import { ParseService } from './domain/parse.service.js';
import type { ChunkCleaner, DatasetPort } from './domain/ports.js';
import { RetrievalService } from './domain/retrieval.service.js';
import { StagingSweeper } from './domain/staging-sweeper.js';
import { chunkHandlers } from './handlers/chunk.handlers.js';
import { documentHandlers } from './handlers/document.handlers.js';
import { BusModelPort } from './models-port.js';
import { JetStreamParseQueue, ensureParseQueue } from './queue/parse-queue.js';
import { watchExhaustedTasks } from './queue/exhausted-tasks.js';

const OUTBOX_TABLE = 'document_outbox';

export { documentConfig };
export { documentIdFor } from './domain/document.service.js';

/** document-svc: documents, parse control, chunks, retrieval and the Dify endpoint. */
export const documentService: ServiceDefinition<typeof documentConfig> = {
  name: 'document-svc',
  version: '0.1.0',
  description: 'Documents, parsing control, chunks and retrieval',
  config: documentConfig,
  migrations: [...migrations, Outbox.migration(OUTBOX_TABLE)],
  async start({ db, bus, logger, config }) {
    const blobs = createBlobStore(config);
    const index = openChunkIndex(config);
    const outbox = new Outbox(db, bus, OUTBOX_TABLE, 'document-svc', logger);
    outbox.start();
    await ensureParseQueue(bus, config.PARSE_ACK_WAIT_MS);
    const queue = new JetStreamParseQueue(bus);
    const models = new BusModelPort(bus, { timeoutMs: config.MODEL_TIMEOUT_MS, guard: modelNetworkGuard(config) });
    const datasets: DatasetPort = {
      accessible: async (ctx, ids) => (ids.length ? bus.call(Subjects.dataset.get, { body: { ids } }, ctx) : []),
    };
    const cleaner: ChunkCleaner = {
      deleteDocumentChunks: async (tenantId, datasetId, documentId) => void (await index.deleteByDocument(tenantId, datasetId, documentId)),
      setAvailability: async (tenantId, _datasetId, documentId, available) => void (await index.setAvailability(tenantId, documentId, available)),
      cancelTask: async (doc) => (doc.current_task_id ? queue.cancel(doc.current_task_id, doc.id) : undefined),
    };
    const documents = new DocumentService(db, datasets, blobs, outbox, cleaner, { maxFilesPerTenant: config.MAX_FILE_NUM_PER_USER, stagingMaxAgeMs: config.UPLOAD_STAGING_MAX_AGE_MS });
    const parsing = new ParseService(db, datasets, outbox, queue, cleaner);
    const chunks = new ChunkService(db, datasets, index, models, outbox);
    const retrieval = new RetrievalService(db, datasets, index, models);
    const metadata = new MetadataService(db, datasets);

    // A deleted dataset takes its documents, files, chunks and tasks with it.
    const datasetDeletions = await consumeEvents(bus, logger, {
      durable: EventConsumers.documentDatasetDeleted,
      filter: eventSubject(EventTypes.datasetDeleted),
      handle: async (event) => {
        const { ids, tenant_id } = event.data as { ids: string[]; tenant_id: string };
        for (const datasetId of ids) {
          await documents.removeDocuments(await documents.repo.allOfDeletedDataset(datasetId));
          await index.deleteByDataset(tenant_id ?? event.tenant_id, datasetId);
          await blobs.deletePrefix(datasetId, '');
          await blobs.deletePrefix(STAGING_BUCKET, `${datasetId}/`);
        }
      },
    });
    const exhausted = await watchExhaustedTasks(bus, logger, parsing);
    const sweeper = new StagingSweeper(blobs, documents.repo, config.UPLOAD_STAGING_MAX_AGE_MS);
    let sweeping: Promise<unknown> = Promise.resolve();
    let busy = false;
    const sweepTimer = setInterval(() => {
      if (busy) return; // a slow sweep is not overlapped by the next one
      busy = true;
      sweeping = sweeper
        .sweep()
        .then((r) => (r.staged ? logger.info(r, 'removed unclaimed staged uploads') : undefined))
        .catch((err) => logger.warn({ err }, 'staged upload sweep failed'))
        .finally(() => (busy = false));
    }, config.UPLOAD_STAGING_SWEEP_MS);
    sweepTimer.unref();

    return {
      handlers: { ...documentHandlers(documents, parsing, metadata), ...chunkHandlers(chunks, retrieval) },
      stop: async () => {
        clearInterval(sweepTimer);
        await sweeping;
        await exhausted.stop();
        await datasetDeletions.stop();
        await outbox.stop();
        await index.close();
      },
    };
  },
};
