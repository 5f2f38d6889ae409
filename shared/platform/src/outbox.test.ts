import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventTypes, Streams, eventSubject } from '@rag/contracts';
import { startNatsServer, type NatsServer } from '../../../test/support/nats-server.js';
import { Bus } from './bus.js';
import { migrate, openDb, type Knex } from './db.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { Outbox } from './outbox.js';

const logger = createLogger('test', 'silent');
let nats: NatsServer;
let bus: Bus;
let db: Knex;
let dir: string;
let outbox: Outbox;

before(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(path.join(os.tmpdir(), 'rag-outbox-'));
  db = openDb({ url: '', dataDir: dir, name: 'outbox' });
  await migrate(db, 'thing-svc', [{ name: '001_things', up: async (k) => k.schema.createTable('things', (t) => void t.string('id', 32).primary()) }, Outbox.migration('thing_outbox')], logger);
  bus = await Bus.connect({ url: nats.url, name: 'thing-svc', requestTimeoutMs: 1000, logger, metrics: createMetrics('thing-svc') });
  await bus.ensureEventsStream();
  outbox = new Outbox(db, bus, 'thing_outbox', 'thing-svc', logger);
});

after(async () => {
  await db.destroy();
  await bus.drain();
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('an event whose data does not match its contract is refused inside the transaction, so the change rolls back', async () => {
  await assert.rejects(
    db.transaction(async (trx) => {
      await trx('things').insert({ id: 'd1' });
      await outbox.add(trx, EventTypes.datasetDeleted, 't1', { ids: 'd1', tenant_id: 't1' } as never);
    }),
    /refusing to record a dataset\.deleted event: Field: <ids> - Message: <Input should be a valid list>/,
  );
  assert.equal((await db('things').count({ n: '*' }))[0]!.n, 0, 'the change rolled back with its event');
  assert.equal((await db('thing_outbox').count({ n: '*' }))[0]!.n, 0);

  await db.transaction(async (trx) => {
    await trx('things').insert({ id: 'd2' });
    await outbox.add(trx, EventTypes.datasetDeleted, 't1', { ids: ['d2'], tenant_id: 't1' });
  });
  await outbox.flush();
  const stored = await (await bus.jsm()).streams.getMessage(Streams.events.name, { last_by_subj: eventSubject(EventTypes.datasetDeleted) });
  assert.deepEqual(stored.json<{ data: unknown }>().data, { ids: ['d2'], tenant_id: 't1' });
});
