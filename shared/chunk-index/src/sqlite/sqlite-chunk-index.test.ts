import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeChunk, registerChunkIndexContract } from '../chunk-index.contract.js';
import { SqliteChunkIndex } from './sqlite-chunk-index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'chunk-index-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => path.join(dir, `index-${n++}.sqlite`);

registerChunkIndexContract('SqliteChunkIndex', { open: async () => new SqliteChunkIndex({ file: fresh() }) });

const unit = (...xs: number[]): Float32Array => {
  const len = Math.hypot(...xs);
  return new Float32Array(xs.map((x) => x / len));
};

test('two connections to one file (document-svc reading, a parse-worker writing): vector copies follow the writer', async () => {
  const file = fresh();
  const reader = new SqliteChunkIndex({ file });
  const writer = new SqliteChunkIndex({ file });
  try {
    const q = { tenantIds: ['t'], datasetIds: ['ds'], text: '', vector: unit(1, 0, 0, 0), topK: 10, similarityThreshold: 0.5, vectorWeight: 1, page: 1, pageSize: 10 };
    const a = makeChunk({ tenant_id: 't', dataset_id: 'ds', document_id: 'd1', content: 'a', vector: unit(1, 0, 0, 0) });
    await writer.upsert([a]);
    assert.deepEqual((await reader.search(q)).hits.map((h) => h.id), [a.id], 'first search loads the dataset');
    const b = makeChunk({ tenant_id: 't', dataset_id: 'ds', document_id: 'd2', content: 'b', vector: unit(1, 0.1, 0, 0) });
    await writer.upsert([b]);
    assert.equal((await reader.search(q)).total, 2, 'a chunk written elsewhere is found');
    await writer.update('t', a.id, { vector: unit(0, 1, 0, 0) });
    assert.deepEqual((await reader.search(q)).hits.map((h) => h.id), [b.id], 'a vector changed elsewhere is seen');
    await writer.setAvailability('t', 'd2', false);
    assert.equal((await reader.search(q)).total, 0, 'availability changed elsewhere is seen');
    await writer.setAvailability('t', 'd2', true);
    await writer.deleteByDataset('t', 'ds');
    assert.equal((await reader.search(q)).total, 0, 'a dataset deleted elsewhere is gone');
  } finally {
    await reader.close();
    await writer.close();
  }
});

test('a vector copy older than the trimmed change log reloads instead of missing writes', async () => {
  const file = fresh();
  const reader = new SqliteChunkIndex({ file });
  const writer = new SqliteChunkIndex({ file, writeBatchSize: 1 });
  try {
    const q = { tenantIds: ['t'], datasetIds: ['ds'], text: '', vector: unit(1, 0, 0, 0), topK: 5000, similarityThreshold: 0, vectorWeight: 1, page: 1, pageSize: 1 };
    await writer.upsert([makeChunk({ tenant_id: 't', dataset_id: 'ds', document_id: 'd0', content: 'seed', vector: unit(1, 0, 0, 0) })]);
    assert.equal((await reader.search(q)).total, 1);
    writer.db.prepare(`INSERT INTO chunk_index_meta (key, value) VALUES ('changes_floor', '1000000') ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run();
    // Rows written without a change-log entry: only a full reload can see them.
    writer.db.prepare(`DELETE FROM chunk_changes`).run();
    await writer.upsert([makeChunk({ tenant_id: 't', dataset_id: 'ds', document_id: 'd1', content: 'more', vector: unit(1, 1, 0, 0) })]);
    writer.db.prepare(`DELETE FROM chunk_changes`).run();
    assert.equal((await reader.search(q)).total, 2);
  } finally {
    await reader.close();
    await writer.close();
  }
});

test('batches larger than one transaction and 300+ chunk documents delete completely', async () => {
  const ix = new SqliteChunkIndex({ file: fresh(), writeBatchSize: 64 });
  try {
    const chunks = Array.from({ length: 300 }, (_, i) => makeChunk({ tenant_id: 't', dataset_id: 'ds', document_id: 'd', content: `piece ${i}`, page_order: i, vector: unit(1, i, 0, 0) }));
    await ix.upsert(chunks);
    assert.equal(await ix.countByDocument('t', 'ds', 'd'), 300);
    assert.equal(await ix.deleteByIds('t', 'ds', 'd', chunks.slice(0, 100).map((c) => c.id)), 100);
    assert.equal(await ix.deleteByDocument('t', 'ds', 'd'), 200);
    assert.equal(await ix.countByDocument('t', 'ds', 'd'), 0);
  } finally {
    await ix.close();
  }
});

test('several processes write one file at once while another searches: no busy errors, nothing lost', async () => {
  const file = fresh();
  const reader = new SqliteChunkIndex({ file });
  const fixture = fileURLToPath(new URL('./concurrent-writer.fixture.ts', import.meta.url));
  const run = (writer: string) =>
    new Promise<number>((resolve, reject) => {
      const child = fork(fixture, [file, writer, '1000'], { execArgv: process.execArgv, stdio: 'inherit' });
      child.on('error', reject);
      child.on('exit', (code) => resolve(code ?? -1));
    });
  try {
    const writers = Promise.all(['a', 'b', 'c'].map(run));
    let searches = 0;
    let done = false;
    void writers.finally(() => (done = true));
    while (!done) {
      await reader.search({ tenantIds: ['t'], datasetIds: ['ds'], text: 'shared chunk', vector: new Float32Array([1, 1, 1, 1]), topK: 100, similarityThreshold: 0, vectorWeight: 0.5, page: 1, pageSize: 10 });
      searches++;
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.deepEqual(await writers, [0, 0, 0], 'every writer exits cleanly');
    assert.ok(searches > 0);
    let total = 0;
    for (const w of ['a', 'b', 'c']) for (let d = 0; d < 7; d++) total += await reader.countByDocument('t', 'ds', `${w}-doc${d}`);
    assert.equal(total, 3 * (1000 - 2), 'each writer deleted one chunk per 500');
    const all = await reader.search({ tenantIds: ['t'], datasetIds: ['ds'], text: '', vector: new Float32Array([1, 1, 1, 1]), topK: 10_000, similarityThreshold: -1, vectorWeight: 1, page: 1, pageSize: 1 });
    assert.equal(all.total, 3 * 998, "the reader's vector copy caught up with every writer");
  } finally {
    await reader.close();
  }
});
