import type { Database } from 'better-sqlite3';

export const SCHEMA_VERSION = 1;

/** Columns of the full-text table, in bm25() weight order. `scope` narrows a query to datasets/documents. */
export const FTS_COLUMNS = ['content', 'important_keywords', 'questions', 'title_tokens', 'scope'] as const;

/**
 * chunks         one row per chunk; `pk` is the rowid shared with the FTS and vector tables.
 * chunks_fts     contentless FTS5 (the text lives in `chunks`), deletable rows, Porter stemming.
 * chunks_vocab   per-term row counts of chunks_fts (document frequency), to prune query terms.
 * chunk_vectors  Float32 little-endian BLOBs, apart from the rows so listing never reads them.
 * chunk_changes  append-only log of touched (tenant, dataset, document): every process's vector
 *                cache replays it to stay current when another process wrote.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS chunks (
  pk INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  dataset_id TEXT NOT NULL,
  document_id TEXT NOT NULL,
  document_name TEXT NOT NULL,
  content TEXT NOT NULL,
  content_tokens TEXT,
  title_tokens TEXT NOT NULL,
  important_keywords TEXT NOT NULL,
  questions TEXT NOT NULL,
  positions TEXT NOT NULL,
  image_id TEXT NOT NULL,
  available INTEGER NOT NULL,
  embedding_model TEXT NOT NULL,
  create_time TEXT NOT NULL,
  create_timestamp REAL NOT NULL,
  page_order REAL NOT NULL,
  doc_type TEXT NOT NULL,
  pagerank REAL,
  extra TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS chunks_tenant_id ON chunks (tenant_id, id);
CREATE INDEX IF NOT EXISTS chunks_document_order ON chunks (tenant_id, dataset_id, document_id, page_order, create_timestamp);
CREATE INDEX IF NOT EXISTS chunks_tenant_document ON chunks (tenant_id, document_id);
CREATE TABLE IF NOT EXISTS chunk_vectors (
  pk INTEGER PRIMARY KEY,
  dims INTEGER NOT NULL,
  vec BLOB NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5 (
  ${FTS_COLUMNS.join(', ')},
  content = '',
  contentless_delete = 1,
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab (chunks_fts, row);
CREATE TABLE IF NOT EXISTS chunk_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL,
  dataset_id TEXT NOT NULL,
  document_id TEXT
);
CREATE INDEX IF NOT EXISTS chunk_changes_dataset ON chunk_changes (tenant_id, dataset_id, seq);
CREATE TABLE IF NOT EXISTS chunk_index_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

export function applyPragmas(db: Database, busyTimeoutMs: number): void {
  // busy_timeout first: switching to WAL needs a lock another process may hold.
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
}

/** Creates the tables; safe when several processes open the same file at once. */
export function createSchema(db: Database): void {
  db.transaction(() => {
    db.exec(DDL);
    const row = db.prepare(`SELECT value FROM chunk_index_meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
    if (!row) db.prepare(`INSERT INTO chunk_index_meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
    else if (Number(row.value) > SCHEMA_VERSION) {
      throw new Error(`chunk index file has schema version ${row.value}; this build knows up to ${SCHEMA_VERSION}`);
    }
  }).immediate();
}
