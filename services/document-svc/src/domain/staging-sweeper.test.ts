import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalBlobStore, STAGING_BUCKET, newStagingKey } from '@rag/blob-store';
import { createLogger, migrate, openDb, type Knex } from '@rag/platform';
import { migrations } from '../data/migrations.js';
import { DocumentRepository, RunState } from '../data/document.repository.js';
import { documentIdFor } from './document.service.js';
import { StagingSweeper } from './staging-sweeper.js';

const DATASET = 'd'.repeat(32);
const HOUR = 3600_000;
let dir: string;
let db: Knex;
let blobs: LocalBlobStore;
let repo: DocumentRepository;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sweeper-'));
  blobs = new LocalBlobStore(dir);
  db = openDb({ url: undefined, dataDir: ':memory:', name: 'document' });
  await migrate(db, 'document-svc', migrations, createLogger('test', 'silent'));
  repo = new DocumentRepository(db);
});
after(async () => {
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

test('old unclaimed staged files go, with a copy never committed; committed documents and young files stay', async () => {
  const crashed = newStagingKey(DATASET); // copied, then the process died before the commit
  const committed = newStagingKey(DATASET); // committed, then the process died before removing the staged file
  const young = newStagingKey(DATASET); // an upload in progress
  for (const key of [crashed, committed, young]) await blobs.put(STAGING_BUCKET, key, Buffer.from(key));
  await blobs.put(STAGING_BUCKET, 'not-a-staging-key', Buffer.from('junk'));
  await blobs.put(DATASET, documentIdFor(crashed), Buffer.from('orphan'));
  await blobs.put(DATASET, documentIdFor(committed), Buffer.from('kept'));
  const id = documentIdFor(committed);
  await repo.insertMany([
    { id, tenant_id: 't', dataset_id: DATASET, name: 'a.txt', location: 'a.txt', size: 4, type: 'doc', suffix: 'txt', source_type: 'local', chunk_method: 'naive', pipeline_id: null, parser_config: {}, meta_fields: {}, created_by: 't', thumbnail: null, chunk_count: 0, token_count: 0, progress: 0, progress_msg: '', process_begin_at: null, process_duration: 0, run: RunState.UNSTART, status: '1', current_task_id: null, create_time: 1, update_time: 1 },
  ]);
  const sweeper = new StagingSweeper(blobs, repo, HOUR);
  assert.deepEqual(await sweeper.sweep(Date.now()), { staged: 0, orphans: 0 }, 'nothing is old yet');
  // Make all but the young one old.
  const { utimes } = await import('node:fs/promises');
  const old = new Date(Date.now() - 2 * HOUR);
  for (const key of [crashed, committed, 'not-a-staging-key']) await utimes(path.join(dir, STAGING_BUCKET, ...key.split('/')), old, old);
  assert.deepEqual(await sweeper.sweep(), { staged: 3, orphans: 1 });
  assert.deepEqual((await blobs.list(STAGING_BUCKET, '')).map((e) => e.key), [young]);
  assert.equal(await blobs.exists(DATASET, documentIdFor(crashed)), false, 'the uncommitted copy is removed');
  assert.equal((await blobs.get(DATASET, id))?.toString(), 'kept', "a committed document's file stays");
});
