import {
  EventTypes,
  RagError,
  formatFieldErrors,
  normalizeUuid1,
  type CallerContext,
  type Dataset,
  type DatasetCreateBody,
  type DatasetDeleteBody,
  type DatasetListQuery,
  type DatasetUpdateBody,
  type TenantProfile,
  configForCreate,
  configForUpdate,
} from '@rag/contracts';
import { uuid1, type Knex, type Outbox } from '@rag/platform';
import { DatasetRepository, toApi, type DatasetRow } from '../data/dataset.repository.js';
import { checkEmbeddingModel } from './embedding.js';
import { nameStem, nextFreeName, utf8Length } from './naming.js';

/** Reads a tenant's defaults and models (from account-svc); null when the tenant does not exist. */
export type TenantLookup = (tenantId: string, ctx: CallerContext) => Promise<TenantProfile | null>;

const present = (v: unknown) => v !== undefined && v !== null;

/** The rules of datasets (§5): everything between a validated request and the table. */
export class DatasetService {
  private readonly repo: DatasetRepository;

  constructor(
    private readonly db: Knex,
    private readonly outbox: Outbox,
    private readonly tenants: TenantLookup,
  ) {
    this.repo = new DatasetRepository(db);
  }

  async create(ctx: CallerContext, body: DatasetCreateBody): Promise<Dataset> {
    checkPipelineDependency(body);
    const name = body.name;
    if (utf8Length(name) > 128) throw new RagError('DATASET_NAME_BYTES', { length: name.length }, null);
    const tenant = await this.tenants(ctx.tenantId, ctx);
    if (!tenant) throw new RagError('DATASET_TENANT_NOT_FOUND');
    const pipelineMode = !present(body.chunk_method) && present(body.parse_type) && present(body.pipeline_id);
    const method = body.chunk_method ?? 'naive';
    const parserConfig = configForCreate(method, body.parser_config, tenant.llm_id);
    let embedding = tenant.embd_id;
    if (present(body.embedding_model)) {
      checkEmbeddingModel(body.embedding_model!, tenant);
      embedding = body.embedding_model!;
    }
    const taken = await this.repo.namesLike(ctx.tenantId, nameStem(name));
    const now = Date.now();
    const row: DatasetRow = {
      id: uuid1(),
      name: nextFreeName(name, (c) => taken.has(c.toLowerCase())),
      avatar: body.avatar ?? null,
      description: body.description ?? null,
      tenant_id: ctx.tenantId,
      created_by: ctx.userId || ctx.tenantId,
      language: 'English',
      embedding_model: embedding,
      permission: body.permission ?? 'me',
      chunk_method: method,
      pipeline_id: pipelineMode ? (body.pipeline_id as string).toLowerCase() : null,
      parse_type: pipelineMode ? (body.parse_type as number) : null,
      parser_config: parserConfig,
      document_count: 0,
      chunk_count: 0,
      token_num: 0,
      similarity_threshold: 0.2,
      vector_similarity_weight: 0.3,
      pagerank: 0,
      graphrag_task_id: null,
      graphrag_task_finish_at: null,
      raptor_task_id: null,
      raptor_task_finish_at: null,
      mindmap_task_id: null,
      mindmap_task_finish_at: null,
      status: '1',
      create_time: now,
      update_time: now,
    };
    const dataset = toApi(row);
    await this.db.transaction(async (trx) => {
      await new DatasetRepository(trx).insert(row);
      await this.outbox.add(trx, EventTypes.datasetCreated, ctx.tenantId, dataset);
    });
    void this.outbox.flush().catch(() => undefined);
    return dataset;
  }

  async list(ctx: CallerContext, q: DatasetListQuery): Promise<{ datasets: Dataset[]; total: number }> {
    const scope = { tenantIds: tenantsOf(ctx), ownTenantId: ctx.tenantId };
    const id = q.id !== undefined ? (normalizeUuid1(q.id) ?? q.id) : undefined;
    if (id !== undefined && !(await this.repo.isVisible(scope, { id }))) throw new RagError('DATASET_NO_PERMISSION', { tenant_id: ctx.tenantId, dataset: id });
    if (q.name !== undefined && !(await this.repo.isVisible(scope, { name: q.name }))) throw new RagError('DATASET_NO_PERMISSION', { tenant_id: ctx.tenantId, dataset: q.name });
    const { rows, total } = await this.repo.list({ ...scope, id, name: q.name, orderby: q.orderby, desc: q.desc, page: q.page, pageSize: q.page_size });
    return { datasets: rows.map(toApi), total };
  }

  async update(ctx: CallerContext, datasetId: string, body: DatasetUpdateBody): Promise<Dataset> {
    const id = normalizeUuid1(datasetId) ?? datasetId;
    const { dataset_id: _ignored, ...changes } = body as DatasetUpdateBody & { dataset_id?: string };
    if (Object.keys(changes).length === 0) throw new RagError('DATASET_NOTHING_MODIFIED');
    const current = await this.repo.findLive(id);
    if (!current || current.tenant_id !== ctx.tenantId) throw new RagError('DATASET_NO_PERMISSION', { tenant_id: ctx.tenantId, dataset: id });

    const patch: Partial<DatasetRow> = {};
    const methodChanged = present(changes.chunk_method) && changes.chunk_method !== current.chunk_method ? changes.chunk_method : undefined;
    if (present(changes.chunk_method)) patch.chunk_method = changes.chunk_method!;
    const parserConfig = configForUpdate(current.parser_config, changes.parser_config, methodChanged);
    if (parserConfig) patch.parser_config = parserConfig;

    if (changes.name !== undefined) {
      if (utf8Length(changes.name) > 128) throw new RagError('DATASET_NAME_BYTES', { length: changes.name.length }, null);
      if (await this.repo.nameTakenByOther(ctx.tenantId, changes.name, id)) throw new RagError('DATASET_NAME_TAKEN', { name: changes.name });
      patch.name = changes.name;
    }
    if (present(changes.embedding_model) && changes.embedding_model !== '' && changes.embedding_model !== current.embedding_model) {
      if (current.chunk_count > 0) throw new RagError('DATASET_EMBEDDING_LOCKED', { chunk_count: current.chunk_count, embedding_model: current.embedding_model });
      const tenant = await this.tenants(ctx.tenantId, ctx);
      if (!tenant) throw new RagError('DATASET_TENANT_NOT_FOUND');
      checkEmbeddingModel(changes.embedding_model!, tenant);
      patch.embedding_model = changes.embedding_model!;
    }
    if ('avatar' in changes) patch.avatar = changes.avatar ?? null;
    if ('description' in changes) patch.description = changes.description ?? null;
    if (present(changes.permission)) patch.permission = changes.permission!;
    if (present(changes.pagerank)) patch.pagerank = changes.pagerank!;
    patch.update_time = Math.max(Date.now(), current.update_time + 1);

    const updated: DatasetRow = { ...current, ...patch };
    const dataset = toApi(updated);
    await this.db.transaction(async (trx) => {
      await new DatasetRepository(trx).update(id, patch);
      await this.outbox.add(trx, EventTypes.datasetUpdated, ctx.tenantId, { id, tenant_id: ctx.tenantId, changes: Object.keys(patch), dataset });
    });
    void this.outbox.flush().catch(() => undefined);
    return dataset;
  }

  async delete(ctx: CallerContext, body: DatasetDeleteBody): Promise<void> {
    let ids: string[];
    if (body.ids === null) {
      ids = await this.repo.ownedIds(ctx.tenantId);
    } else {
      ids = body.ids.map((i) => normalizeUuid1(i) ?? i);
      const dupes = [...new Set(ids.filter((x, i) => ids.indexOf(x) !== i))];
      if (dupes.length) throw new RagError('ARGUMENT', { message: formatFieldErrors([{ loc: 'ids', msg: `Duplicate ids: '${dupes.join(', ')}'`, input: body.ids }]) });
      const found = await this.repo.findLiveMany(ids);
      const owned = new Set(found.filter((d) => d.tenant_id === ctx.tenantId).map((d) => d.id));
      const refused = ids.filter((i) => !owned.has(i));
      if (refused.length) throw new RagError('DATASETS_NO_PERMISSION', { tenant_id: ctx.tenantId, ids: refused.join(', ') });
    }
    if (!ids.length) return;
    await this.db.transaction(async (trx) => {
      const removed = await new DatasetRepository(trx).deleteMany(ids);
      if (removed.length) await this.outbox.add(trx, EventTypes.datasetDeleted, ctx.tenantId, { ids: removed, tenant_id: ctx.tenantId });
    });
    void this.outbox.flush().catch(() => undefined);
  }

  /** Datasets the caller may read (own, or team datasets of tenants it belongs to), for other services. */
  async accessible(ctx: CallerContext, ids: string[]): Promise<Dataset[]> {
    const tenants = new Set(tenantsOf(ctx));
    const rows = await this.repo.findLiveMany(ids.map((i) => normalizeUuid1(i) ?? i));
    return rows.filter((r) => r.tenant_id === ctx.tenantId || (tenants.has(r.tenant_id) && r.permission === 'team')).map(toApi);
  }
}

function tenantsOf(ctx: CallerContext): string[] {
  return ctx.tenantIds.length ? ctx.tenantIds : [ctx.tenantId];
}

/** §5.2 dependency rule between chunk_method, parse_type and pipeline_id (pydantic model validator). */
function checkPipelineDependency(body: DatasetCreateBody): void {
  const hasMethod = present(body.chunk_method);
  const hasType = present(body.parse_type);
  const hasPipeline = present(body.pipeline_id) && body.pipeline_id !== '';
  let msg: string | undefined;
  if (!hasMethod && hasType !== hasPipeline) msg = `parser_id omitted → required fields missing: ${hasType ? 'pipeline_id' : 'parse_type'}`;
  else if (hasMethod && (hasType || hasPipeline)) {
    msg = `parser_id provided → disallowed fields present: ${[hasType ? 'parse_type' : '', hasPipeline ? 'pipeline_id' : ''].filter(Boolean).join(', ')}`;
  }
  if (msg) throw new RagError('ARGUMENT', { message: formatFieldErrors([{ loc: '', msg, input: body }]) });
}
