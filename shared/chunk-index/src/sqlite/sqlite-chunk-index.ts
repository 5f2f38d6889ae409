import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import type {
  ChunkIndex,
  ChunkPatch,
  ChunkRecord,
  ListByDocumentQuery,
  ListByDocumentResult,
  ListedChunk,
  SearchHit,
  SearchQuery,
  SearchResult,
} from '../chunk-index.js';
import { applyPatch } from '../chunk-patch.js';
import { normalized, pageOf, rankCandidates, type Candidate } from '../scoring.js';
import { highlight } from '../text/highlight.js';
import { queryTerms, type QueryTerm } from '../text/tokenize.js';
import { fromRow, ftsValues, ROW_COLUMNS, toRowValues, vectorBlob, type ChunkRow, type ChunkRowValues } from './chunk-rows.js';
import { datasetScope, documentScope, scopedMatch, textMatch } from './fts-query.js';
import { applyPragmas, createSchema, FTS_COLUMNS } from './schema.js';
import { pruneTerms } from './term-pruning.js';
import { VectorCache } from './vector-cache.js';

/** bm25() weight of each text column (the `scope` column always weighs 0). */
export interface ColumnWeights {
  content: number;
  important_keywords: number;
  questions: number;
  title_tokens: number;
}

/** Tuned on NFCorpus and ArguAna with src/bench/beir.ts (see the package README for the runs). */
export const DEFAULT_COLUMN_WEIGHTS: ColumnWeights = { content: 1, important_keywords: 2, questions: 2, title_tokens: 3 };

export interface SqliteChunkIndexOptions {
  /** Path of the index file (created with its folder when missing), or `:memory:`. */
  file: string;
  /** How long a statement waits for another process's write lock. Default 5000 ms. */
  busyTimeoutMs?: number;
  weights?: Partial<ColumnWeights>;
  /** Rows per write transaction, so other processes' writers wait briefly. Default 500. */
  writeBatchSize?: number;
  /** Most query phrases bm25() ranks (long queries keep their most valuable words; term-pruning.ts). Default 64. */
  maxQueryTerms?: number;
}

/** Change-log rows kept for other processes' caches; older ones are trimmed (a cache that old reloads). */
const CHANGES_KEPT = 100_000;
const TRIM_EVERY_WRITES = 1_000;

interface Statements {
  findPk: Statement<[string, string], { pk: number; dataset_id: string; document_id: string } | undefined>;
  insertRow: Statement<[ChunkRowValues]>;
  updateRow: Statement<[ChunkRowValues & { pk: number }]>;
  getRow: Statement<[string, string], ChunkRow | undefined>;
  rowsByPk: Statement<[string], ChunkRow>;
  deleteRow: Statement<[number]>;
  ftsInsert: Statement<[Record<string, string | number>]>;
  ftsDelete: Statement<[number]>;
  vecUpsert: Statement<[number, number, Buffer]>;
  vecDelete: Statement<[number]>;
  logChange: Statement<[string, string, string | null]>;
  pksByIds: Statement<[string, string, string, string], { pk: number }>;
  pksByDocument: Statement<[string, string, string, number], { pk: number }>;
  pksByDataset: Statement<[string, string, number], { pk: number }>;
  documentDatasets: Statement<[string, string], { dataset_id: string }>;
  setAvailable: Statement<[number, string, string]>;
  countDocument: Statement<[string, string, string], { n: number }>;
  listDocument: Statement<[string, string, string, number, number], ChunkRow>;
  matchDocument: Statement<[Record<string, string | number>], ChunkRow>;
  countMatchDocument: Statement<[Record<string, string | number>], { n: number }>;
  searchText: Statement<[Record<string, string | number>], { pk: number; id: string; rank: number }>;
  searchTextInDocuments: Statement<[Record<string, string | number>], { pk: number; id: string; rank: number }>;
  termRows: Statement<[string], { doc: number } | undefined>;
  totalRows: Statement<[], { n: number }>;
  trimChanges: Statement<[number]>;
  setFloor: Statement<[string]>;
}

function uniq(values: string[] | undefined): string[] {
  return [...new Set((values ?? []).filter((v) => typeof v === 'string' && v !== ''))];
}

/**
 * The embedded chunk index: one SQLite file (WAL) with a contentless FTS5 table ranked by bm25()
 * and Float32 vectors searched by brute-force cosine over an in-memory copy. Several processes may
 * share the file: writes are short IMMEDIATE transactions, reads run in one snapshot, and each
 * process's vector copy follows the others' writes through the `chunk_changes` log.
 */
export class SqliteChunkIndex implements ChunkIndex {
  readonly db: Database;
  private readonly s: Statements;
  private readonly vectors: VectorCache;
  private readonly batchSize: number;
  private readonly maxQueryTerms: number;
  private writesSinceTrim = 0;

  constructor(options: SqliteChunkIndexOptions) {
    if (options.file !== ':memory:') mkdirSync(path.dirname(path.resolve(options.file)), { recursive: true });
    this.db = new BetterSqlite3(options.file);
    applyPragmas(this.db, options.busyTimeoutMs ?? 5000);
    createSchema(this.db);
    this.batchSize = Math.max(1, options.writeBatchSize ?? 500);
    this.maxQueryTerms = Math.max(1, options.maxQueryTerms ?? 64);
    const w = { ...DEFAULT_COLUMN_WEIGHTS, ...options.weights };
    for (const [k, v] of Object.entries(w)) if (!Number.isFinite(v) || v < 0) throw new RangeError(`weight ${k} must be a finite number >= 0`);
    this.s = this.prepare(w);
    this.vectors = new VectorCache(this.db);
  }

  private prepare(w: ColumnWeights): Statements {
    const db = this.db;
    const cols = ROW_COLUMNS.join(', ');
    const params = ROW_COLUMNS.map((c) => `@${c}`).join(', ');
    const sets = ROW_COLUMNS.map((c) => `${c} = @${c}`).join(', ');
    const withVector = `SELECT c.*, v.dims, v.vec FROM chunks c LEFT JOIN chunk_vectors v ON v.pk = c.pk`;
    const bm25 = `bm25(chunks_fts, ${w.content}, ${w.important_keywords}, ${w.questions}, ${w.title_tokens}, 0)`;
    // CROSS JOIN keeps the FTS table as the outer loop: the MATCH runs once, not once per chunk row.
    const textSearch = (docFilter: string) => `
      SELECT c.pk AS pk, c.id AS id, ${bm25} AS rank
      FROM chunks_fts CROSS JOIN chunks c ON c.pk = chunks_fts.rowid
      WHERE chunks_fts MATCH @match AND c.available = 1
        AND c.tenant_id IN (SELECT value FROM json_each(@tenants))
        AND c.dataset_id IN (SELECT value FROM json_each(@datasets)) ${docFilter}
      ORDER BY rank LIMIT @k`;
    const matchInDocument = `
      FROM chunks_fts CROSS JOIN chunks c ON c.pk = chunks_fts.rowid
      WHERE chunks_fts MATCH @match AND c.tenant_id = @tenant AND c.dataset_id = @dataset AND c.document_id = @document`;
    return {
      findPk: db.prepare(`SELECT pk, dataset_id, document_id FROM chunks WHERE tenant_id = ? AND id = ?`),
      insertRow: db.prepare(`INSERT INTO chunks (${cols}) VALUES (${params})`),
      updateRow: db.prepare(`UPDATE chunks SET ${sets} WHERE pk = @pk`),
      getRow: db.prepare(`${withVector} WHERE c.tenant_id = ? AND c.id = ?`),
      rowsByPk: db.prepare(`${withVector} WHERE c.pk IN (SELECT value FROM json_each(?))`),
      deleteRow: db.prepare(`DELETE FROM chunks WHERE pk = ?`),
      ftsInsert: db.prepare(
        `INSERT INTO chunks_fts (rowid, ${FTS_COLUMNS.join(', ')}) VALUES (@pk, ${FTS_COLUMNS.map((c) => `@${c}`).join(', ')})`,
      ),
      ftsDelete: db.prepare(`DELETE FROM chunks_fts WHERE rowid = ?`),
      vecUpsert: db.prepare(`INSERT OR REPLACE INTO chunk_vectors (pk, dims, vec) VALUES (?, ?, ?)`),
      vecDelete: db.prepare(`DELETE FROM chunk_vectors WHERE pk = ?`),
      logChange: db.prepare(`INSERT INTO chunk_changes (tenant_id, dataset_id, document_id) VALUES (?, ?, ?)`),
      pksByIds: db.prepare(
        `SELECT pk FROM chunks WHERE tenant_id = ? AND dataset_id = ? AND document_id = ? AND id IN (SELECT value FROM json_each(?))`,
      ),
      pksByDocument: db.prepare(`SELECT pk FROM chunks WHERE tenant_id = ? AND dataset_id = ? AND document_id = ? LIMIT ?`),
      pksByDataset: db.prepare(`SELECT pk FROM chunks WHERE tenant_id = ? AND dataset_id = ? LIMIT ?`),
      documentDatasets: db.prepare(`SELECT DISTINCT dataset_id FROM chunks WHERE tenant_id = ? AND document_id = ?`),
      setAvailable: db.prepare(`UPDATE chunks SET available = ? WHERE tenant_id = ? AND document_id = ?`),
      countDocument: db.prepare(`SELECT count(*) AS n FROM chunks WHERE tenant_id = ? AND dataset_id = ? AND document_id = ?`),
      listDocument: db.prepare(
        `${withVector} WHERE c.tenant_id = ? AND c.dataset_id = ? AND c.document_id = ?
         ORDER BY c.page_order, c.create_timestamp, c.id LIMIT ? OFFSET ?`,
      ),
      matchDocument: db.prepare(
        `SELECT c.*, v.dims, v.vec ${matchInDocument.replace('CROSS JOIN chunks c ON c.pk = chunks_fts.rowid', 'CROSS JOIN chunks c ON c.pk = chunks_fts.rowid LEFT JOIN chunk_vectors v ON v.pk = c.pk')}
         ORDER BY c.page_order, c.create_timestamp, c.id LIMIT @limit OFFSET @offset`,
      ),
      countMatchDocument: db.prepare(`SELECT count(*) AS n ${matchInDocument}`),
      searchText: db.prepare(textSearch('')),
      searchTextInDocuments: db.prepare(textSearch('AND c.document_id IN (SELECT value FROM json_each(@documents))')),
      termRows: db.prepare(`SELECT doc FROM chunks_vocab WHERE term = ?`),
      totalRows: db.prepare(`SELECT count(*) AS n FROM chunks`),
      trimChanges: db.prepare(`DELETE FROM chunk_changes WHERE seq <= ?`),
      setFloor: db.prepare(`INSERT OR REPLACE INTO chunk_index_meta (key, value) VALUES ('changes_floor', ?)`),
    } as never;
  }

  async ensure(_tenantId: string): Promise<void> {
    // One file holds every tenant; the schema was created when the file was opened.
  }

  async upsert(chunks: ChunkRecord[]): Promise<void> {
    const rows = chunks.map((c) => ({ values: toRowValues(c), vector: c.vector }));
    for (let i = 0; i < rows.length; i += this.batchSize) {
      const batch = rows.slice(i, i + this.batchSize);
      this.write(() => {
        const touched = new Set<string>();
        for (const r of batch) this.writeRow(r.values, r.vector, touched);
        return touched;
      });
    }
  }

  async get(tenantId: string, chunkId: string): Promise<ChunkRecord | null> {
    const row = this.s.getRow.get(tenantId, chunkId);
    return row ? fromRow(row) : null;
  }

  async update(tenantId: string, chunkId: string, patch: ChunkPatch): Promise<boolean> {
    let found = false;
    this.write(() => {
      const touched = new Set<string>();
      const row = this.s.getRow.get(tenantId, chunkId);
      if (!row) return touched;
      found = true;
      const merged = applyPatch(fromRow(row), row.content_tokens !== null, patch);
      this.writeRow(toRowValues(merged), merged.vector, touched);
      return touched;
    });
    return found;
  }

  async deleteByIds(tenantId: string, datasetId: string, documentId: string, ids: string[]): Promise<number> {
    const wanted = uniq(ids);
    if (wanted.length === 0) return 0;
    let deleted = 0;
    for (let i = 0; i < wanted.length; i += this.batchSize) {
      const slice = JSON.stringify(wanted.slice(i, i + this.batchSize));
      this.write(() => {
        const pks = this.s.pksByIds.all(tenantId, datasetId, documentId, slice).map((r) => r.pk);
        this.deletePks(pks);
        deleted += pks.length;
        return new Set(pks.length ? [JSON.stringify([tenantId, datasetId, documentId])] : []);
      });
    }
    return deleted;
  }

  async deleteByDocument(tenantId: string, datasetId: string, documentId: string): Promise<number> {
    return this.deleteInBatches(
      () => this.s.pksByDocument.all(tenantId, datasetId, documentId, this.batchSize).map((r) => r.pk),
      JSON.stringify([tenantId, datasetId, documentId]),
    );
  }

  async deleteByDataset(tenantId: string, datasetId: string): Promise<number> {
    return this.deleteInBatches(
      () => this.s.pksByDataset.all(tenantId, datasetId, this.batchSize).map((r) => r.pk),
      JSON.stringify([tenantId, datasetId, null]),
    );
  }

  async setAvailability(tenantId: string, documentId: string, available: boolean): Promise<number> {
    let changed = 0;
    this.write(() => {
      const datasets = this.s.documentDatasets.all(tenantId, documentId).map((r) => r.dataset_id);
      changed = this.s.setAvailable.run(available ? 1 : 0, tenantId, documentId).changes;
      return new Set(datasets.map((d) => JSON.stringify([tenantId, d, documentId])));
    });
    return changed;
  }

  async countByDocument(tenantId: string, datasetId: string, documentId: string): Promise<number> {
    return this.s.countDocument.get(tenantId, datasetId, documentId)?.n ?? 0;
  }

  async listByDocument(q: ListByDocumentQuery): Promise<ListByDocumentResult> {
    const pageSize = Math.max(0, Math.floor(q.pageSize));
    const offset = Math.max(0, Math.floor(q.page) - 1) * pageSize;
    const keywords = (q.keywords ?? '').trim();
    if (!keywords) {
      return this.db.transaction(() => ({
        total: this.s.countDocument.get(q.tenantId, q.datasetId, q.documentId)?.n ?? 0,
        chunks: q.page >= 1 ? this.s.listDocument.all(q.tenantId, q.datasetId, q.documentId, pageSize, offset).map(fromRow) : [],
      }))();
    }
    const terms = queryTerms(keywords);
    const text = textMatch(terms);
    if (!text) return { total: 0, chunks: [] };
    const params = {
      match: scopedMatch(text, [documentScope(q.documentId)]),
      tenant: q.tenantId,
      dataset: q.datasetId,
      document: q.documentId,
    };
    return this.db.transaction(() => {
      const total = this.s.countMatchDocument.get(params)?.n ?? 0;
      const rows = q.page >= 1 ? this.s.matchDocument.all({ ...params, limit: pageSize, offset }) : [];
      const chunks: ListedChunk[] = rows.map((r) => {
        const c: ListedChunk = fromRow(r);
        if (q.highlight) c.highlight = highlight(c.content, terms);
        return c;
      });
      return { total, chunks };
    })();
  }

  async search(q: SearchQuery): Promise<SearchResult> {
    const tenantIds = uniq(q.tenantIds);
    const datasetIds = uniq(q.datasetIds);
    const documentIds = uniq(q.documentIds);
    if (tenantIds.length === 0 || datasetIds.length === 0) return { total: 0, hits: [] };
    const topK = Math.max(0, Math.floor(q.topK));
    const terms = queryTerms(q.text ?? '', q.terms ?? []);
    const vector = q.vector && q.vector.length > 0 ? q.vector : undefined;

    return this.db.transaction((): SearchResult => {
      const candidates = new Map<number, Candidate<number>>();
      const text = terms.length > 0 && topK > 0 ? textMatch(this.pruneTerms(terms)) : null;
      if (text) {
        const scopes = documentIds.length ? documentIds.map(documentScope) : datasetIds.map(datasetScope);
        const params = {
          match: scopedMatch(text, scopes),
          tenants: JSON.stringify(tenantIds),
          datasets: JSON.stringify(datasetIds),
          documents: JSON.stringify(documentIds),
          k: topK,
        };
        const rows = documentIds.length ? this.s.searchTextInDocuments.all(params) : this.s.searchText.all(params);
        for (const r of rows) candidates.set(r.pk, { key: r.pk, bm25: -r.rank, cosine: 0, order: r.id });
      }
      if (vector && topK > 0) {
        this.vectors.sync(tenantIds, datasetIds);
        const unit = normalized(vector);
        for (const c of candidates.values()) c.cosine = this.vectors.cosineOf(tenantIds, datasetIds, c.key, unit);
        const near = this.vectors.nearest(tenantIds, datasetIds, vector, topK, documentIds.length ? new Set(documentIds) : undefined);
        for (const h of near) {
          if (!candidates.has(h.pk)) candidates.set(h.pk, { key: h.pk, cosine: h.cosine, order: h.id });
        }
      }
      const ranked = rankCandidates(candidates.values(), q);
      const page = pageOf(ranked, q.page, q.pageSize);
      const rows = new Map(this.s.rowsByPk.all(JSON.stringify(page.map((p) => p.key))).map((r) => [r.pk, r]));
      const hits: SearchHit[] = [];
      for (const p of page) {
        const row = rows.get(p.key);
        if (!row) continue;
        const hit: SearchHit = {
          ...fromRow(row),
          similarity: p.similarity,
          vector_similarity: p.vector_similarity,
          term_similarity: p.term_similarity,
        };
        if (q.highlight) hit.highlight = highlight(hit.content, terms);
        hits.push(hit);
      }
      return { total: ranked.length, hits };
    })();
  }

  private pruneTerms(terms: QueryTerm[]): QueryTerm[] {
    const total = this.s.totalRows.get()?.n ?? 0;
    return pruneTerms(terms, (stem) => this.s.termRows.get(stem)?.doc ?? 0, total, this.maxQueryTerms);
  }

  async close(): Promise<void> {
    this.vectors.clear();
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` in an IMMEDIATE transaction and logs the (tenant, dataset, document) keys it touched. */
  private write(fn: () => Set<string>): void {
    this.db.transaction(() => {
      const touched = fn();
      for (const key of touched) {
        const [t, d, doc] = JSON.parse(key) as [string, string, string | null];
        this.s.logChange.run(t, d, doc);
      }
      this.writesSinceTrim += touched.size;
    }).immediate();
    if (this.writesSinceTrim >= TRIM_EVERY_WRITES) this.trimChanges();
  }

  private trimChanges(): void {
    this.writesSinceTrim = 0;
    this.db.transaction(() => {
      const seq = (this.db.prepare(`SELECT max(seq) AS seq FROM chunk_changes`).get() as { seq: number | null }).seq ?? 0;
      const floor = seq - CHANGES_KEPT;
      if (floor <= 0) return;
      this.s.trimChanges.run(floor);
      this.s.setFloor.run(String(floor));
    }).immediate();
  }

  private writeRow(values: ChunkRowValues, vector: Float32Array | null | undefined, touched: Set<string>): void {
    const existing = this.s.findPk.get(values.tenant_id, values.id);
    let pk: number;
    if (existing) {
      pk = existing.pk;
      this.s.updateRow.run({ ...values, pk });
      this.s.ftsDelete.run(pk);
      touched.add(JSON.stringify([values.tenant_id, existing.dataset_id, existing.document_id]));
    } else {
      pk = Number(this.s.insertRow.run(values).lastInsertRowid);
    }
    this.s.ftsInsert.run({ pk, ...ftsValues(values) });
    if (vector && vector.length > 0) this.s.vecUpsert.run(pk, vector.length, vectorBlob(vector));
    else this.s.vecDelete.run(pk);
    touched.add(JSON.stringify([values.tenant_id, values.dataset_id, values.document_id]));
  }

  private deletePks(pks: number[]): void {
    for (const pk of pks) {
      this.s.deleteRow.run(pk);
      this.s.ftsDelete.run(pk);
      this.s.vecDelete.run(pk);
    }
  }

  /** Deletes in short transactions of `batchSize` rows until `next` finds none. */
  private deleteInBatches(next: () => number[], changeKey: string): number {
    let deleted = 0;
    for (;;) {
      let n = 0;
      this.write(() => {
        const pks = next();
        this.deletePks(pks);
        n = pks.length;
        return new Set(n ? [changeKey] : []);
      });
      deleted += n;
      if (n < this.batchSize) return deleted;
    }
  }
}
