import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTempDatabase, type TempDatabase } from '../../../test/support/mariadb.js';
import { migrate, openDb, type Migration } from './db.js';
import { createLogger } from './logger.js';

const logger = createLogger('test', 'silent');
const migrations: Migration[] = [
  { name: '001_things', up: async (db) => db.schema.createTable('things', (t) => { t.string('id', 32).primary(); t.text('doc', 'longtext'); }) },
  { name: '002_more', up: async (db) => db.schema.alterTable('things', (t) => { t.integer('n').defaultTo(0); }) },
];
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

test('several replicas migrating one MariaDB database at once all succeed, once', async () => {
  const tmp: TempDatabase = await createTempDatabase('rag_mig');
  cleanups.push(() => tmp.drop());
  const dbs = [0, 1, 2, 3, 4, 5].map(() => openDb({ url: tmp.url, dataDir: '', name: 'x' }));
  try {
    await Promise.all(dbs.map((db) => migrate(db, 'thing-svc', migrations, logger)));
    const rows = await dbs[0]!('migrations_thing_svc').select('name');
    assert.deepEqual(rows.map((r: { name: string }) => r.name).sort(), ['001_things', '002_more']);
    await dbs[1]!('things').insert({ id: 'a', doc: 'x'.repeat(100_000), n: 1 });
    assert.equal((await dbs[2]!('things').first()).doc.length, 100_000, 'LONGTEXT holds large JSON');
  } finally {
    await Promise.all(dbs.map((db) => db.destroy()));
  }
});

test('SQLite: each service gets its own WAL file; migrations are idempotent', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rag-db-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const db = openDb({ url: undefined, dataDir: dir, name: 'thing' });
  try {
    await migrate(db, 'thing-svc', migrations, logger);
    await migrate(db, 'thing-svc', migrations, logger);
    const mode = await db.raw('pragma journal_mode');
    assert.equal(mode[0].journal_mode, 'wal');
    await db('things').insert({ id: 'a', n: 2 });
    assert.equal((await db('things').first()).n, 2);
  } finally {
    await db.destroy();
  }
});

test('a non-MySQL DATABASE_URL is refused with a clear message', () => {
  assert.throws(() => openDb({ url: 'postgres://x', dataDir: '', name: 'x' }), /DATABASE_URL must start with mysql:\/\//);
});
