import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, migrate, openDb, type Knex } from '@rag/platform';
import { migrations } from './migrations.js';
import { DocumentRepository, RunState, type DocumentRow } from './document.repository.js';

let db: Knex;
let repo: DocumentRepository;

const doc = (id: string, datasetId: string, tenantId: string): DocumentRow => ({
  id,
  tenant_id: tenantId,
  dataset_id: datasetId,
  name: `${id}.txt`,
  location: `${id}.txt`,
  size: 1,
  type: 'doc',
  suffix: 'txt',
  source_type: 'local',
  chunk_method: 'naive',
  pipeline_id: null,
  parser_config: {},
  meta_fields: {},
  created_by: tenantId,
  thumbnail: null,
  chunk_count: 0,
  token_count: 0,
  progress: 0,
  progress_msg: '',
  process_begin_at: null,
  process_duration: 0,
  run: RunState.UNSTART,
  status: '1',
  current_task_id: null,
  create_time: 1,
  update_time: 1,
});

const A = { id: 'dsa', tenant_id: 'ta' };
const A2 = { id: 'dsa2', tenant_id: 'ta' };
const B = { id: 'dsb', tenant_id: 'tb' };

before(async () => {
  db = openDb({ url: undefined, dataDir: ':memory:', name: 'document' });
  await migrate(db, 'document-svc', migrations, createLogger('test', 'silent'));
  repo = new DocumentRepository(db);
  await repo.insertMany([doc('a1', A.id, A.tenant_id), doc('a2', A2.id, A.tenant_id), doc('b1', B.id, B.tenant_id)]);
});
after(async () => db?.destroy());

test('get returns only a document of the dataset (and tenant) in scope', async () => {
  assert.equal((await repo.get(A, 'a1'))?.id, 'a1');
  assert.equal(await repo.get(B, 'a1'), undefined, "another tenant's document is not found");
  assert.equal(await repo.get(A2, 'a1'), undefined, "another dataset's document is not found, even of the same tenant");
  assert.equal(await repo.get({ id: A.id, tenant_id: B.tenant_id }, 'a1'), undefined, 'the tenant must match the dataset too');
});

test('getMany and idsOfDataset leave out ids outside the scope', async () => {
  assert.deepEqual((await repo.getMany(B, ['a1', 'a2', 'b1', 'nope'])).map((d) => d.id), ['b1']);
  assert.deepEqual((await repo.getManyInDatasets([A, A2], ['a1', 'a2', 'b1'])).map((d) => d.id).sort(), ['a1', 'a2']);
  assert.deepEqual(await repo.getManyInDatasets([], ['a1']), []);
  assert.deepEqual(await repo.idsOfDataset(A), ['a1']);
  assert.deepEqual(await repo.idsOfDataset({ id: A.id, tenant_id: 'tb' }), []);
});
