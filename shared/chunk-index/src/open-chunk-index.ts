import path from 'node:path';
import { Client } from '@elastic/elasticsearch';
import type { ChunkIndex } from './chunk-index.js';
import { ElasticsearchChunkIndex } from './elasticsearch/es-chunk-index.js';
import { SqliteChunkIndex } from './sqlite/sqlite-chunk-index.js';

export interface ChunkIndexSettings {
  /** Elasticsearch URL(s), comma-separated; unset = the embedded SQLite index. */
  ES_URL?: string | undefined;
  ES_INDEX_PREFIX?: string | undefined;
  /** The embedded index lives at DATA_DIR/index/chunks.sqlite, shared by the processes of one machine. */
  DATA_DIR: string;
}

/** The chunk index a process is configured for: Elasticsearch at scale, else the embedded SQLite file. */
export function openChunkIndex(settings: ChunkIndexSettings): ChunkIndex {
  if (settings.ES_URL) {
    const nodes = settings.ES_URL.split(',').map((s) => s.trim()).filter(Boolean);
    return new ElasticsearchChunkIndex({ client: new Client({ nodes }), indexPrefix: settings.ES_INDEX_PREFIX ?? 'ragflow_' });
  }
  return new SqliteChunkIndex({ file: path.resolve(settings.DATA_DIR, 'index', 'chunks.sqlite') });
}
