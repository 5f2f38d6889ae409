import type { Database, Statement } from 'better-sqlite3';
import { normalized } from '../scoring.js';

/** The normalised vectors of one document with one dimensionality, row-major. */
interface VectorBlock {
  documentId: string;
  dims: number;
  pks: number[];
  ids: string[];
  available: Uint8Array;
  matrix: Float32Array;
}

interface DatasetVectors {
  /** Highest change sequence this copy reflects. */
  seenSeq: number;
  byDocument: Map<string, VectorBlock[]>;
  byPk: Map<number, { block: VectorBlock; row: number }>;
}

export interface VectorHit {
  pk: number;
  id: string;
  cosine: number;
}

interface VectorRow {
  pk: number;
  id: string;
  document_id: string;
  available: number;
  dims: number;
  vec: Buffer;
}

/** Bounded min-heap of the best `k` (score, slot) pairs seen. */
class TopK {
  readonly scores: Float64Array;
  readonly slots: Float64Array;
  size = 0;
  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.slots = new Float64Array(k);
  }
  get floor(): number {
    return this.size < this.k ? -Infinity : this.scores[0]!;
  }
  push(score: number, slot: number): void {
    const { scores, slots } = this;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (scores[parent]! <= score) break;
        scores[i] = scores[parent]!;
        slots[i] = slots[parent]!;
        i = parent;
      }
      scores[i] = score;
      slots[i] = slot;
      return;
    }
    if (score <= scores[0]!) return;
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && scores[r]! < scores[l]! ? r : l;
      if (scores[c]! >= score) break;
      scores[i] = scores[c]!;
      slots[i] = slots[c]!;
      i = c;
    }
    scores[i] = score;
    slots[i] = slot;
  }
}

/** Heap slots encode (block, row) as block·2^32 + row: exact in a double for any realistic size. */
const ROWS_PER_BLOCK = 2 ** 32;

function dot(matrix: Float32Array, offset: number, q: Float32Array, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  const end4 = dims - (dims % 4);
  for (; j < end4; j += 4) {
    s0 += matrix[offset + j]! * q[j]!;
    s1 += matrix[offset + j + 1]! * q[j + 1]!;
    s2 += matrix[offset + j + 2]! * q[j + 2]!;
    s3 += matrix[offset + j + 3]! * q[j + 3]!;
  }
  for (; j < dims; j++) s0 += matrix[offset + j]! * q[j]!;
  return s0 + s1 + s2 + s3;
}

function normalizeRow(matrix: Float32Array, offset: number, dims: number): void {
  let sum = 0;
  for (let j = 0; j < dims; j++) sum += matrix[offset + j]! * matrix[offset + j]!;
  if (sum === 0) return;
  const inv = 1 / Math.sqrt(sum);
  for (let j = 0; j < dims; j++) matrix[offset + j] = matrix[offset + j]! * inv;
}

/**
 * An in-memory copy of each (tenant, dataset)'s normalised vectors for brute-force cosine search.
 * Loaded on first use, then kept current by replaying `chunk_changes` since the last sequence seen
 * (per document), so writes from this or any other process show up on the next search.
 * Call `sync` inside the read transaction that also runs the full-text query (one snapshot).
 */
export class VectorCache {
  private readonly datasets = new Map<string, DatasetVectors>();
  private readonly stmts: {
    globalSeq: Statement<[], { seq: number | null }>;
    floor: Statement<[], { value: string } | undefined>;
    changes: Statement<[string, string, number, number], { document_id: string | null }>;
    dataset: Statement<[string, string], VectorRow>;
    document: Statement<[string, string, string], VectorRow>;
  };

  constructor(db: Database) {
    const select = `SELECT c.pk, c.id, c.document_id, c.available, v.dims, v.vec FROM chunks c JOIN chunk_vectors v ON v.pk = c.pk`;
    this.stmts = {
      globalSeq: db.prepare(`SELECT max(seq) AS seq FROM chunk_changes`),
      floor: db.prepare(`SELECT value FROM chunk_index_meta WHERE key = 'changes_floor'`),
      changes: db.prepare(
        `SELECT DISTINCT document_id FROM chunk_changes WHERE tenant_id = ? AND dataset_id = ? AND seq > ? AND seq <= ?`,
      ),
      dataset: db.prepare(`${select} WHERE c.tenant_id = ? AND c.dataset_id = ? ORDER BY c.document_id, v.dims, c.pk`),
      document: db.prepare(`${select} WHERE c.tenant_id = ? AND c.dataset_id = ? AND c.document_id = ? ORDER BY v.dims, c.pk`),
    } as never;
  }

  /** Brings the copy of each dataset up to date. */
  sync(tenantIds: string[], datasetIds: string[]): void {
    const globalSeq = this.stmts.globalSeq.get()?.seq ?? 0;
    const floor = Number(this.stmts.floor.get()?.value ?? 0);
    for (const tenantId of tenantIds) {
      for (const datasetId of datasetIds) {
        const key = `${tenantId}\u0000${datasetId}`;
        const cached = this.datasets.get(key);
        if (!cached || cached.seenSeq < floor) {
          this.datasets.set(key, this.loadDataset(tenantId, datasetId, globalSeq));
          continue;
        }
        if (cached.seenSeq === globalSeq) continue;
        const changed = this.stmts.changes.all(tenantId, datasetId, cached.seenSeq, globalSeq);
        if (changed.some((c) => c.document_id === null)) {
          this.datasets.set(key, this.loadDataset(tenantId, datasetId, globalSeq));
          continue;
        }
        for (const { document_id } of changed) this.reloadDocument(cached, tenantId, datasetId, document_id!);
        cached.seenSeq = globalSeq;
      }
    }
  }

  /** Drops every cached copy (tests; memory pressure). */
  clear(): void {
    this.datasets.clear();
  }

  /** The `k` available chunks nearest to `query` (cosine) in the given datasets/documents. */
  nearest(tenantIds: string[], datasetIds: string[], query: Float32Array, k: number, documentIds?: Set<string>): VectorHit[] {
    const q = normalized(query);
    const dims = q.length;
    const heap = new TopK(Math.max(1, k));
    const scanned: VectorBlock[] = [];
    for (const ds of this.selected(tenantIds, datasetIds)) {
      const docs = documentIds ? [...documentIds].map((d) => ds.byDocument.get(d) ?? []) : ds.byDocument.values();
      for (const blocks of docs) {
        for (const block of blocks) {
          if (block.dims !== dims) continue;
          const base = scanned.length * ROWS_PER_BLOCK;
          scanned.push(block);
          const { matrix, available } = block;
          for (let row = 0, off = 0; row < available.length; row++, off += dims) {
            if (available[row] === 0) continue;
            const score = dot(matrix, off, q, dims);
            if (score <= heap.floor) continue;
            heap.push(score, base + row);
          }
        }
      }
    }
    const hits: VectorHit[] = [];
    for (let i = 0; i < heap.size; i++) {
      const slot = heap.slots[i]!;
      const block = scanned[Math.floor(slot / ROWS_PER_BLOCK)]!;
      const row = slot % ROWS_PER_BLOCK;
      hits.push({ pk: block.pks[row]!, id: block.ids[row]!, cosine: heap.scores[i]! });
    }
    return hits;
  }

  /** Cosine of one chunk's vector with `query` (0 when it has none of that dimensionality). */
  cosineOf(tenantIds: string[], datasetIds: string[], pk: number, normalizedQuery: Float32Array): number {
    for (const ds of this.selected(tenantIds, datasetIds)) {
      const at = ds.byPk.get(pk);
      if (!at) continue;
      if (at.block.dims !== normalizedQuery.length) return 0;
      return dot(at.block.matrix, at.row * at.block.dims, normalizedQuery, at.block.dims);
    }
    return 0;
  }

  private *selected(tenantIds: string[], datasetIds: string[]): Iterable<DatasetVectors> {
    for (const t of tenantIds) {
      for (const d of datasetIds) {
        const ds = this.datasets.get(`${t}\u0000${d}`);
        if (ds) yield ds;
      }
    }
  }

  private loadDataset(tenantId: string, datasetId: string, seq: number): DatasetVectors {
    const ds: DatasetVectors = { seenSeq: seq, byDocument: new Map(), byPk: new Map() };
    let batch: VectorRow[] = [];
    for (const row of this.stmts.dataset.iterate(tenantId, datasetId)) {
      if (batch.length > 0 && batch[0]!.document_id !== row.document_id) {
        this.install(ds, batch[0]!.document_id, batch);
        batch = [];
      }
      batch.push(row);
    }
    if (batch.length > 0) this.install(ds, batch[0]!.document_id, batch);
    return ds;
  }

  private reloadDocument(ds: DatasetVectors, tenantId: string, datasetId: string, documentId: string): void {
    for (const block of ds.byDocument.get(documentId) ?? []) for (const pk of block.pks) ds.byPk.delete(pk);
    ds.byDocument.delete(documentId);
    const rows = this.stmts.document.all(tenantId, datasetId, documentId);
    if (rows.length > 0) this.install(ds, documentId, rows);
  }

  /** Builds a document's blocks from rows sorted by dims. */
  private install(ds: DatasetVectors, documentId: string, rows: VectorRow[]): void {
    const blocks: VectorBlock[] = [];
    let start = 0;
    while (start < rows.length) {
      const dims = rows[start]!.dims;
      let end = start;
      while (end < rows.length && rows[end]!.dims === dims) end++;
      const n = end - start;
      const block: VectorBlock = {
        documentId,
        dims,
        pks: new Array<number>(n),
        ids: new Array<string>(n),
        available: new Uint8Array(n),
        matrix: new Float32Array(n * dims),
      };
      const bytes = new Uint8Array(block.matrix.buffer);
      for (let i = 0; i < n; i++) {
        const r = rows[start + i]!;
        block.pks[i] = r.pk;
        block.ids[i] = r.id;
        block.available[i] = r.available ? 1 : 0;
        // Copy bytes (BLOB buffers need not be 4-byte aligned), then normalise in place.
        bytes.set(r.vec.subarray(0, dims * 4), i * dims * 4);
        normalizeRow(block.matrix, i * dims, dims);
        ds.byPk.set(r.pk, { block, row: i });
      }
      blocks.push(block);
      start = end;
    }
    ds.byDocument.set(documentId, blocks);
  }
}
