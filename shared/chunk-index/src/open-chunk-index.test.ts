import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openChunkIndex } from './open-chunk-index.js';
import { ElasticsearchChunkIndex } from './elasticsearch/es-chunk-index.js';
import { SqliteChunkIndex } from './sqlite/sqlite-chunk-index.js';

test('openChunkIndex: the embedded SQLite file by default, Elasticsearch with ES_URL', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rag-open-index-'));
  try {
    const local = openChunkIndex({ DATA_DIR: dir });
    assert.ok(local instanceof SqliteChunkIndex);
    assert.ok(existsSync(path.join(dir, 'index', 'chunks.sqlite')));
    await local.close();
    const es = openChunkIndex({ DATA_DIR: dir, ES_URL: 'http://127.0.0.1:9,http://127.0.0.2:9', ES_INDEX_PREFIX: 'rag_' });
    assert.ok(es instanceof ElasticsearchChunkIndex);
    assert.equal((es as ElasticsearchChunkIndex).indexName('T1'), 'rag_t1');
    await es.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
