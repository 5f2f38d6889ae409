import { createHash } from 'node:crypto';
import { STAGING_BUCKET, stagingDatasetOf } from '@rag/blob-store';
import { EventTypes, RagError, deepMerge, methodDefaults, type CallerContext, type Dataset } from '@rag/contracts';
import type { Knex } from '@rag/platform';
import { DocumentRepository, ORDERABLE_COLUMNS, RunState, runDigit, toApi, toUploadApi, type DocumentRow } from '../data/document.repository.js';
import { chunkMethodFor, documentType, methodIsFixed, suffixOf } from './file-types.js';
import { filterDocuments, type MetadataCondition } from './metadata-filter.js';
import { dedupe, pyInt, pyList } from './py.js';
import type { BlobPort, ChunkCleaner, DatasetPort, EventPort } from './ports.js';

export interface StagedFile {
  /** Where the gateway staged the file: STAGING_BUCKET, key `<dataset id>/<uuid>`. */
  staged_key: string;
  filename: string;
  size: number;
}

/**
 * The document id of a staged file: minted here, derived from the staging key so that the sweeper
 * can find (and remove) the document's file when a crash left it copied but never committed.
 */
export function documentIdFor(stagedKey: string): string {
  return createHash('sha256').update(`document:${stagedKey}`).digest('hex').slice(0, 32);
}

const DOCUMENT_METHODS = new Set(['naive', 'manual', 'qa', 'table', 'paper', 'book', 'laws', 'presentation', 'picture', 'one', 'knowledge_graph', 'email', 'tag']);

/** Dedupes a name within a set of taken names (§1.5). */
function freeName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 0; i < 1000 && taken.has(candidate); i++) {
    const dot = candidate.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [candidate.slice(0, dot), candidate.slice(dot)] : [candidate, ''];
    const m = /^(.*)\((\d+)\)$/.exec(stem);
    candidate = m ? `${m[1]}(${Number(m[2]) + 1})${ext}` : `${stem}(1)${ext}`;
  }
  return candidate;
}

/** `parent_path` sanitised as RAGFlow does: `\` → `/`, `.`/`..` dropped, only `[A-Za-z0-9_-/]` kept. */
export function sanitizeParentPath(raw: string | undefined): string {
  if (!raw) return '';
  return raw
    .replace(/\\/g, '/')
    .split('/')
    .filter((seg) => seg && seg !== '.' && seg !== '..')
    .map((seg) => seg.replace(/[^A-Za-z0-9_-]/g, ''))
    .filter(Boolean)
    .join('/');
}

/** The rules of documents (§6): upload, list, update, delete, download. */
export class DocumentService {
  readonly repo: DocumentRepository;

  constructor(
    private readonly db: Knex,
    private readonly datasets: DatasetPort,
    private readonly blobs: BlobPort,
    private readonly events: EventPort,
    private readonly chunks: ChunkCleaner,
    private readonly limits: { maxFilesPerTenant: number; stagingMaxAgeMs: number },
  ) {
    this.repo = new DocumentRepository(db);
  }

  async accessibleDataset(ctx: CallerContext, datasetId: string): Promise<Dataset | undefined> {
    return (await this.datasets.accessible(ctx, [datasetId]))[0];
  }

  /** Checked before the gateway accepts any bytes. */
  async checkUpload(ctx: CallerContext, datasetId: string): Promise<Dataset> {
    const dataset = await this.accessibleDataset(ctx, datasetId);
    if (!dataset) throw new RagError('DATASET_LOOKUP', { dataset_id: datasetId });
    return dataset;
  }

  /**
   * Stores the documents of an upload the gateway staged: mints their ids, copies each staged file
   * to the document's key (bucket = dataset id, key = document id) before the rows are committed,
   * then removes the staged files. So no row ever points at a missing file; a crash leaves only
   * files without rows, which the staging sweeper removes.
   */
  async upload(ctx: CallerContext, datasetId: string, files: StagedFile[], parentPath?: string): Promise<Record<string, unknown>[]> {
    const dataset = await this.checkUpload(ctx, datasetId);
    const taken = await this.repo.namesInDataset(datasetId);
    let count = this.limits.maxFilesPerTenant > 0 ? await this.repo.countByTenant(dataset.tenant_id) : 0;
    const errors: string[] = [];
    const accepted: { file: StagedFile; row: DocumentRow }[] = [];
    const prefix = sanitizeParentPath(parentPath);
    const fresh = await this.freshStagedKeys(datasetId);
    for (const f of files) {
      // Only a file staged for this dataset, recently enough that the sweeper cannot take it meanwhile.
      if (stagingDatasetOf(f.staged_key) !== datasetId || !fresh.has(f.staged_key)) {
        errors.push(new RagError('UPLOAD_NOT_STAGED', { filename: f.filename }).message);
        continue;
      }
      const type = documentType(f.filename);
      if (type === 'other') {
        errors.push(`${f.filename}: This type of file has not been supported yet!`);
        continue;
      }
      if (this.limits.maxFilesPerTenant > 0 && count >= this.limits.maxFilesPerTenant) {
        errors.push(`${f.filename}: Exceed the maximum file number of a free user!`);
        continue;
      }
      count++;
      const name = freeName(f.filename, taken);
      taken.add(name);
      const now = Date.now();
      const method = chunkMethodFor(name, dataset.chunk_method);
      accepted.push({
        file: f,
        row: {
          id: documentIdFor(f.staged_key),
          tenant_id: dataset.tenant_id,
          dataset_id: datasetId,
          name,
          location: prefix ? `${prefix}/${name}` : name,
          size: fresh.get(f.staged_key)!,
          type,
          suffix: suffixOf(name),
          source_type: 'local',
          chunk_method: method,
          pipeline_id: dataset.pipeline_id,
          parser_config: structuredClone(dataset.parser_config),
          meta_fields: {},
          created_by: ctx.userId || ctx.tenantId,
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
          create_time: now,
          update_time: now,
        },
      });
    }
    const rows: DocumentRow[] = [];
    for (const { file, row } of accepted) {
      if (await this.blobs.copy(STAGING_BUCKET, file.staged_key, datasetId, row.id)) rows.push(row);
      else errors.push(new RagError('UPLOAD_NOT_STAGED', { filename: file.filename }).message);
    }
    const ownStaged = files.filter((f) => stagingDatasetOf(f.staged_key) === datasetId);
    if (rows.length) {
      try {
        await this.db.transaction(async (trx) => {
          await this.repo.with(trx).insertMany(rows);
          await this.events.add(trx, EventTypes.documentUploaded, dataset.tenant_id, {
            dataset_id: datasetId,
            documents: rows.map((r) => ({ id: r.id, name: r.name, size: r.size, type: r.type })),
          });
        });
      } catch (err) {
        // Nothing was committed: the copies are garbage, and the staged files go with the failed request.
        await Promise.allSettled(rows.map((r) => this.blobs.delete(datasetId, r.id)));
        await Promise.allSettled(ownStaged.map((f) => this.blobs.delete(STAGING_BUCKET, f.staged_key)));
        throw err;
      }
      void this.events.flush().catch(() => undefined);
    }
    await Promise.allSettled(ownStaged.map((f) => this.blobs.delete(STAGING_BUCKET, f.staged_key)));
    if (errors.length) throw new RagError('UPLOAD_FAILED', { lines: errors.join('\n') });
    return rows.map(toUploadApi);
  }

  /** Staged files of the dataset younger than half the sweep age, with their sizes. */
  private async freshStagedKeys(datasetId: string): Promise<Map<string, number>> {
    const since = Date.now() - this.limits.stagingMaxAgeMs / 2;
    const entries = await this.blobs.list(STAGING_BUCKET, `${datasetId}/`);
    return new Map(entries.filter((e) => e.modifiedAt >= since).map((e) => [e.key, e.size]));
  }

  async list(ctx: CallerContext, datasetId: string, q: Record<string, string[]>): Promise<{ total: number; docs: Record<string, unknown>[] }> {
    if (!(await this.accessibleDataset(ctx, datasetId))) throw new RagError('DATASET_NOT_YOURS_TRAILING', { dataset_id: datasetId });
    const one = (k: string) => q[k]?.[q[k]!.length - 1];
    const id = one('id') || undefined;
    const name = one('name') || undefined;
    if (id && !(await this.repo.list({ datasetId, id, suffixes: [], runs: [], orderby: 'create_time', desc: true, page: 1, pageSize: 1 })).total) {
      throw new RagError('DOCUMENT_NOT_YOURS', { document: id });
    }
    if (name && !(await this.repo.list({ datasetId, name, suffixes: [], runs: [], orderby: 'create_time', desc: true, page: 1, pageSize: 1 })).total) {
      throw new RagError('DOCUMENT_NOT_YOURS', { document: name });
    }
    const orderby = one('orderby') || 'create_time';
    if (!ORDERABLE_COLUMNS.has(orderby)) throw new RagError('EXCEPTION', { message: `AttributeError("type object 'Document' has no attribute '${orderby}'")` });
    let ids: string[] | null = null;
    const rawCondition = one('metadata_condition');
    if (rawCondition) {
      let condition: unknown;
      try {
        condition = JSON.parse(rawCondition);
      } catch {
        throw new RagError('METADATA_CONDITION_JSON');
      }
      if (!condition || typeof condition !== 'object' || Array.isArray(condition)) throw new RagError('METADATA_CONDITION_OBJECT');
      ids = filterDocuments(await this.repo.metaOfDatasets([datasetId]), condition as MetadataCondition);
      if (ids && !ids.length) return { total: 0, docs: [] };
    }
    const { rows, total } = await this.repo.list({
      datasetId,
      id,
      name,
      keywords: one('keywords') || undefined,
      suffixes: q.suffix ?? [],
      runs: (q.run ?? []).map(runDigit),
      ids,
      orderby,
      desc: (one('desc') ?? 'true').toLowerCase() !== 'false',
      page: pyInt(one('page'), 1),
      pageSize: pyInt(one('page_size'), 30),
    });
    const from = pyInt(one('create_time_from'), 0);
    const to = pyInt(one('create_time_to'), 0);
    const inRange = rows.filter((r) => (!from || r.create_time >= from) && (!to || r.create_time <= to));
    return { total, docs: inRange.map((r) => toApi(r, { title: true })) };
  }

  private async ownedDocument(ctx: CallerContext, datasetId: string, documentId: string): Promise<{ dataset: Dataset; doc: DocumentRow }> {
    const dataset = await this.accessibleDataset(ctx, datasetId);
    if (!dataset || dataset.tenant_id !== ctx.tenantId) throw new RagError('DATASET_NOT_OWNED');
    const doc = await this.repo.get(dataset, documentId);
    if (!doc) throw new RagError('DOCUMENT_NOT_IN_DATASET');
    return { dataset, doc };
  }

  /** §6.4, in RAGFlow's order of checks. */
  async update(ctx: CallerContext, datasetId: string, documentId: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { doc } = await this.ownedDocument(ctx, datasetId, documentId);
    for (const [field, stored] of [['chunk_count', doc.chunk_count], ['token_count', doc.token_count], ['progress', doc.progress]] as const) {
      if (field in body && body[field] !== stored) throw new RagError('CANT_CHANGE', { field });
    }
    const patch: Partial<DocumentRow> = {};
    if ('meta_fields' in body) {
      const m = body.meta_fields;
      if (!m || typeof m !== 'object' || Array.isArray(m)) throw new RagError('META_NOT_DICT');
      patch.meta_fields = m as Record<string, unknown>;
    }
    if ('name' in body && body.name !== doc.name) {
      const name = body.name;
      if (typeof name !== 'string') {
        const t = name === null ? 'NoneType' : typeof name === 'number' ? (Number.isInteger(name) ? 'int' : 'float') : typeof name === 'boolean' ? 'bool' : Array.isArray(name) ? 'list' : 'dict';
        throw new RagError('EXCEPTION', { message: `AttributeError("'${t}' object has no attribute 'encode'")` });
      }
      if (Buffer.byteLength(name, 'utf8') > 255) throw new RagError('FILE_NAME_TOO_LONG');
      if (suffixOf(name) !== suffixOf(doc.name) || !name.includes('.')) throw new RagError('EXTENSION_CHANGED');
      if (await this.repo.nameTaken(datasetId, name, documentId)) throw new RagError('DUPLICATE_DOCUMENT_NAME');
      patch.name = name;
    }
    let config = doc.parser_config;
    const sentConfig = body.parser_config;
    if (sentConfig && typeof sentConfig === 'object' && !Array.isArray(sentConfig)) {
      config = deepMerge(config, sentConfig as Record<string, unknown>);
      if (!(sentConfig as Record<string, unknown>).raptor && 'raptor' in config) {
        const { raptor: _r, ...rest } = config;
        config = rest;
      }
      patch.parser_config = config;
    }
    let clearChunks = false;
    if ('chunk_method' in body) {
      const method = body.chunk_method;
      if (typeof method !== 'string' || !DOCUMENT_METHODS.has(method)) throw new RagError('CHUNK_METHOD_UNKNOWN', { value: method === null || method === undefined ? 'None' : String(method) });
      if (methodIsFixed(doc.name, doc.type)) throw new RagError('NOT_SUPPORTED_YET');
      if (method.toLowerCase() !== doc.chunk_method.toLowerCase()) {
        Object.assign(patch, { chunk_method: method, progress: 0, progress_msg: '', run: RunState.UNSTART });
        const sentNonEmpty = sentConfig && typeof sentConfig === 'object' && Object.keys(sentConfig).length > 0;
        if (!sentNonEmpty) patch.parser_config = deepMerge(config, methodDefaults(method));
        if (doc.token_count > 0 || doc.chunk_count > 0) {
          clearChunks = true;
          Object.assign(patch, { chunk_count: 0, token_count: 0 });
        }
      }
    }
    if ('enabled' in body) {
      const enabled = pyInt(typeof body.enabled === 'boolean' ? Number(body.enabled) : body.enabled, 1);
      patch.status = enabled ? '1' : '0';
    }
    if (!Object.keys(patch).length) return toApi(doc);
    patch.update_time = Math.max(Date.now(), doc.update_time + 1);
    const updated = { ...doc, ...patch };
    await this.db.transaction(async (trx) => {
      await this.repo.with(trx).update(documentId, patch);
      if (clearChunks) {
        await this.events.add(trx, EventTypes.documentCountsChanged, doc.tenant_id, {
          dataset_id: datasetId,
          document_id: documentId,
          chunk_delta: -doc.chunk_count,
          token_delta: -doc.token_count,
        });
      }
    });
    void this.events.flush().catch(() => undefined);
    if (clearChunks) await this.chunks.deleteDocumentChunks(doc.tenant_id, datasetId, documentId);
    if (patch.status !== undefined && patch.status !== doc.status) await this.chunks.setAvailability(doc.tenant_id, datasetId, documentId, patch.status === '1');
    return toApi(updated);
  }

  /** §6.5: missing/null/[] ids delete every document of the dataset. */
  async delete(ctx: CallerContext, datasetId: string, body: Record<string, unknown>): Promise<{ success_count: number; errors: string[] } | null> {
    const dataset = await this.accessibleDataset(ctx, datasetId);
    if (!dataset) throw new RagError('DATASET_NOT_YOURS_TRAILING', { dataset_id: datasetId });
    const requested = Array.isArray(body.ids) ? body.ids.map(String) : [];
    const all = requested.length === 0;
    const { unique, duplicates } = dedupe(all ? await this.repo.idsOfDataset(dataset) : requested);
    // Scoped to the dataset in the path: another dataset's (or tenant's) id counts as not found.
    const found = await this.repo.getMany(dataset, unique);
    const foundIds = new Set(found.map((d) => d.id));
    const missing = unique.filter((id) => !foundIds.has(id));
    await this.removeDocuments(found);
    if (missing.length) throw new RagError('DOCUMENTS_NOT_FOUND', { ids: pyList(missing) });
    if (duplicates.length) {
      const errors = duplicates.map((d) => `Duplicate document ids: ${d}`);
      if (!found.length) throw new RagError('DATA', { message: errors.join(';') });
      return { success_count: found.length, errors };
    }
    return null;
  }

  /** Removes documents with their chunks, tasks and files; counters follow through events. */
  async removeDocuments(docs: DocumentRow[]): Promise<void> {
    if (!docs.length) return;
    await this.db.transaction(async (trx) => {
      await this.repo.with(trx).deleteMany(docs.map((d) => d.id));
      const byDataset = new Map<string, DocumentRow[]>();
      for (const d of docs) byDataset.set(d.dataset_id, [...(byDataset.get(d.dataset_id) ?? []), d]);
      for (const [datasetId, list] of byDataset) {
        await this.events.add(trx, EventTypes.documentDeleted, list[0]!.tenant_id, {
          dataset_id: datasetId,
          document_ids: list.map((d) => d.id),
          chunk_delta: -list.reduce((a, d) => a + d.chunk_count, 0),
          token_delta: -list.reduce((a, d) => a + d.token_count, 0),
          document_delta: -list.length,
        });
      }
    });
    void this.events.flush().catch(() => undefined);
    for (const d of docs) {
      await this.chunks.cancelTask(d);
      await this.chunks.deleteDocumentChunks(d.tenant_id, d.dataset_id, d.id);
      await this.blobs.delete(d.dataset_id, d.id);
    }
  }

  /** §6.6: where the bytes are, after the ownership checks. */
  async download(ctx: CallerContext, datasetId: string, documentId: string): Promise<{ bucket: string; key: string; name: string }> {
    const dataset = await this.accessibleDataset(ctx, datasetId);
    if (!dataset || dataset.tenant_id !== ctx.tenantId) throw new RagError('DATASET_NOT_OWNED_DOWNLOAD', { dataset_id: datasetId });
    const doc = await this.repo.get(dataset, documentId);
    if (!doc) throw new RagError('DOCUMENT_NOT_IN_DATASET_DOWNLOAD', { document_id: documentId });
    const stat = await this.blobs.stat(datasetId, documentId);
    if (!stat || stat.size === 0) throw new RagError('FILE_EMPTY');
    return { bucket: datasetId, key: documentId, name: doc.name };
  }
}
