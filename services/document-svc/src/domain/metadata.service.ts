import { RagError, type CallerContext } from '@rag/contracts';
import type { Knex } from '@rag/platform';
import { DocumentRepository } from '../data/document.repository.js';
import { filterDocuments, type MetadataCondition } from './metadata-filter.js';
import type { DatasetPort } from './ports.js';

type Meta = Record<string, unknown>;

function valueType(v: unknown): 'string' | 'number' | 'list' | 'time' {
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(v)) return 'time';
  return 'string';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** §9.3: metadata summary and batch update over a dataset's documents. */
export class MetadataService {
  private readonly repo: DocumentRepository;

  constructor(
    private readonly db: Knex,
    private readonly datasets: DatasetPort,
  ) {
    this.repo = new DocumentRepository(db);
  }

  private async access(ctx: CallerContext, datasetId: string): Promise<void> {
    if (!(await this.datasets.accessible(ctx, [datasetId]))[0]) throw new RagError('DATASET_NOT_YOURS_TRAILING', { dataset_id: datasetId });
  }

  async summary(ctx: CallerContext, datasetId: string, body: Record<string, unknown>) {
    await this.access(ctx, datasetId);
    let docs = await this.repo.metaOfDatasets([datasetId]);
    if (Array.isArray(body.doc_ids) && body.doc_ids.length) {
      const wanted = new Set(body.doc_ids.map(String));
      docs = docs.filter((d) => wanted.has(d.id));
    }
    const acc = new Map<string, { counts: Map<string, number>; types: Map<string, number> }>();
    for (const d of docs) {
      for (const [key, value] of Object.entries(d.meta_fields)) {
        const entry = acc.get(key) ?? { counts: new Map(), types: new Map() };
        acc.set(key, entry);
        const t = valueType(value);
        entry.types.set(t, (entry.types.get(t) ?? 0) + 1);
        for (const v of Array.isArray(value) ? value : [value]) {
          if (!v) continue;
          const s = typeof v === 'string' ? v : JSON.stringify(v);
          entry.counts.set(s, (entry.counts.get(s) ?? 0) + 1);
        }
      }
    }
    const summary: Record<string, { type: string; values: [string, number][] }> = {};
    for (const [key, { counts, types }] of acc) {
      const type = [...types.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      summary[key] = { type, values: [...counts.entries()].sort((a, b) => b[1] - a[1]) };
    }
    return { summary };
  }

  async update(ctx: CallerContext, datasetId: string, body: Record<string, unknown>) {
    const selector = body.selector ?? {};
    if (!isObject(selector)) throw new RagError('SELECTOR_OBJECT');
    const updates = body.updates ?? [];
    const deletes = body.deletes ?? [];
    if (!Array.isArray(updates) || !Array.isArray(deletes)) throw new RagError('UPDATES_DELETES_LISTS');
    if (selector.metadata_condition !== undefined && selector.metadata_condition !== null && !isObject(selector.metadata_condition)) throw new RagError('METADATA_CONDITION_OBJECT');
    if (selector.document_ids !== undefined && selector.document_ids !== null && !Array.isArray(selector.document_ids)) throw new RagError('DOCUMENT_IDS_LIST');
    for (const u of updates) if (!isObject(u) || !('key' in u) || !('value' in u)) throw new RagError('UPDATE_NEEDS_KEY_VALUE');
    for (const d of deletes) if (!isObject(d) || !('key' in d)) throw new RagError('DELETE_NEEDS_KEY');
    await this.access(ctx, datasetId);
    const all = await this.repo.metaOfDatasets([datasetId]);
    let targets = all;
    if (Array.isArray(selector.document_ids) && selector.document_ids.length) {
      const ids = selector.document_ids.map(String);
      const inDataset = new Set(all.map((d) => d.id));
      const foreign = ids.filter((id) => !inDataset.has(id));
      if (foreign.length) throw new RagError('DOCUMENTS_NOT_IN_DATASET', { dataset_id: datasetId, ids: foreign.join(', ') });
      const wanted = new Set(ids);
      targets = all.filter((d) => wanted.has(d.id));
    }
    if (isObject(selector.metadata_condition)) {
      const matched = filterDocuments(targets, selector.metadata_condition as MetadataCondition);
      if (matched !== null) {
        if (!matched.length) return { updated: 0, matched_docs: 0 };
        const keep = new Set(matched);
        targets = targets.filter((d) => keep.has(d.id));
      }
    }
    let updated = 0;
    await this.db.transaction(async (trx) => {
      for (const doc of targets) {
        const meta: Meta = structuredClone(doc.meta_fields);
        const before = JSON.stringify(meta);
        for (const u of updates as { key: string; value: unknown; match?: unknown }[]) applyUpdate(meta, u);
        for (const d of deletes as { key: string; value?: unknown }[]) applyDelete(meta, d);
        if (JSON.stringify(meta) !== before) {
          await this.repo.with(trx).update(doc.id, { meta_fields: meta, update_time: Date.now() });
          updated++;
        }
      }
    });
    return { updated, matched_docs: targets.length };
  }
}

function applyUpdate(meta: Meta, u: { key: string; value: unknown; match?: unknown }): void {
  const current = meta[u.key];
  if (u.match === undefined) {
    meta[u.key] = Array.isArray(u.value) ? [...new Set(u.value)] : u.value;
    return;
  }
  if (Array.isArray(current)) meta[u.key] = [...new Set(current.map((x) => (String(x) === String(u.match) ? u.value : x)))];
  else if (current !== undefined && String(current) === String(u.match)) meta[u.key] = u.value;
}

function applyDelete(meta: Meta, d: { key: string; value?: unknown }): void {
  if (!(d.key in meta)) return;
  if (d.value === undefined) {
    delete meta[d.key];
    return;
  }
  const current = meta[d.key];
  if (Array.isArray(current)) {
    const left = current.filter((x) => String(x) !== String(d.value));
    if (left.length) meta[d.key] = left;
    else delete meta[d.key];
  } else if (String(current) === String(d.value)) delete meta[d.key];
}
