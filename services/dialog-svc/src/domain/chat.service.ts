import { EventTypes, RagError, pythonRepr, splitModelRef, type CallerContext } from '@rag/contracts';
import { uuid1, type Knex } from '@rag/platform';
import { ChatRepository, type ChatRow } from '../data/chat.repository.js';
import { writableFields } from './chat-columns.js';
import { checkParameters, checkRerankModel, takeLlm, takePrompt, withPromptDefaults } from './chat-rules.js';
import { CHAT_COLUMNS, defaultLlmSetting, isChatColumn, storedDataset, toChatApi } from './chat-shape.js';
import type { DatasetPort, EventPort, TenantPort } from './ports.js';
import { dedupeIds, expectDict, pyError, pyIter, pyStr, pyTruthy, pyType } from './py.js';
import { bulkOutcome, firstOf, listParams, registered, type PartialSuccess, type Query } from './requests.js';

/** The rules of chat assistants (§10): create, list, update, soft delete. */
export class ChatService {
  readonly repo: ChatRepository;

  constructor(
    private readonly db: Knex,
    private readonly datasets: DatasetPort,
    private readonly tenants: TenantPort,
    private readonly events: EventPort,
  ) {
    this.repo = new ChatRepository(db);
  }

  /** A live chat of the caller's tenant (sessions and completions act only on those). */
  findOwned(ctx: CallerContext, chatId: string): Promise<ChatRow | undefined> {
    return this.repo.findLive(ctx.tenantId, chatId);
  }

  /**
   * §10.2 step 1: every dataset must be accessible and hold chunks, and all must embed with the
   * same model (names compared without the factory).
   */
  private async checkDatasets(ctx: CallerContext, ids: unknown[]): Promise<string[]> {
    const wanted = [...new Set(ids.filter((i): i is string => typeof i === 'string'))];
    const found = new Map((wanted.length ? await this.datasets.accessible(ctx, wanted) : []).map((d) => [d.id, d]));
    for (const id of ids) {
      const dataset = typeof id === 'string' ? found.get(id) : undefined;
      if (!dataset) throw new RagError('CHAT_DATASET_NOT_YOURS', { dataset_id: pyStr(id) });
      if (dataset.chunk_count === 0) throw new RagError('CHAT_DATASET_NOT_PARSED', { dataset_id: id });
    }
    const models = new Set(ids.map((id) => splitModelRef(found.get(id as string)!.embedding_model).name));
    if (models.size > 1) throw new RagError('CHAT_MIXED_EMBEDDING_MODELS');
    return ids as string[];
  }

  async create(ctx: CallerContext, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const req: Record<string, unknown> = { ...body };
    const datasetIds = 'dataset_ids' in req ? req.dataset_ids : [];
    req.kb_ids = await this.checkDatasets(ctx, pyIter(datasetIds).filter(pyTruthy));
    const tenant = await this.tenants.profile(ctx);
    const models = tenant?.models ?? [];
    takeLlm(req, models);
    if (!tenant) throw new RagError('TENANT_NOT_FOUND_WEB');
    takePrompt(req);
    if (!('description' in req)) req.description = 'A helpful Assistant';
    req.icon = 'avatar' in req ? req.avatar : '';
    if (!('top_n' in req)) req.top_n = 6;
    if (!('top_k' in req)) req.top_k = 1024;
    if (!('rerank_id' in req)) req.rerank_id = '';
    checkRerankModel(req.rerank_id, models);
    if (!pyTruthy(req.llm_id)) req.llm_id = tenant.llm_id;
    if (!pyTruthy(req.name)) throw new RagError('CHAT_NAME_REQUIRED');
    if (await this.repo.liveNameTaken(ctx.tenantId, pyStr(req.name))) throw new RagError('CHAT_NAME_TAKEN_ON_CREATE');
    if (pyTruthy(req.tenant_id)) throw new RagError('CHAT_TENANT_ID_GIVEN');
    req.prompt_config = withPromptDefaults('prompt_config' in req ? req.prompt_config : {});
    checkParameters(req.prompt_config as Record<string, unknown>);

    const now = Date.now();
    const row: ChatRow = {
      id: uuid1(),
      tenant_id: ctx.tenantId,
      name: '',
      description: null,
      avatar: null,
      language: 'English',
      llm_id: '',
      llm_setting: defaultLlmSetting(),
      prompt_type: 'simple',
      prompt_config: {},
      meta_data_filter: {},
      similarity_threshold: 0.2,
      vector_similarity_weight: 0.3,
      top_n: 6,
      top_k: 1024,
      do_refer: '1',
      rerank_id: '',
      dataset_ids: [],
      ...writableFields(req),
      status: '1',
      create_time: now,
      update_time: now,
    };
    const chat = toChatApi(row, { mode: 'create', datasetIds: 'dataset_ids' in body ? body.dataset_ids : [] });
    await this.db.transaction(async (trx) => {
      await this.repo.with(trx).insert(row);
      await this.events.add(trx, EventTypes.chatCreated, ctx.tenantId, chat);
    });
    void this.events.flush().catch(() => undefined);
    return chat;
  }

  async list(ctx: CallerContext, q: Query): Promise<Record<string, unknown>[]> {
    const id = firstOf(q, 'id') || undefined;
    const name = firstOf(q, 'name') || undefined;
    if ((id || name) && !(await this.repo.exists({ tenantId: ctx.tenantId, id, name }))) throw new RagError('CHAT_NOT_EXIST');
    const paging = listParams(q, 'Dialog', CHAT_COLUMNS);
    const rows = await this.repo.list({ tenantId: ctx.tenantId, id, name, ...paging });
    const wanted = [...new Set(rows.flatMap((r) => r.dataset_ids))];
    const datasets = new Map((wanted.length ? await this.datasets.accessible(ctx, wanted) : []).map((d) => [d.id, d]));
    return rows.map((row) =>
      toChatApi(row, {
        mode: 'list',
        datasets: row.dataset_ids.flatMap((d) => (datasets.has(d) ? [storedDataset(datasets.get(d)!)] : [])),
      }),
    );
  }

  async update(ctx: CallerContext, chatId: string, body: Record<string, unknown>): Promise<void> {
    const current = await this.repo.findLive(ctx.tenantId, chatId);
    if (!current) throw new RagError('CHAT_NOT_OWNED');
    const req: Record<string, unknown> = { ...body };
    if ('show_quotation' in req) {
      req.do_refer = req.show_quotation;
      delete req.show_quotation;
    }
    // An update without dataset_ids (or with an empty list) detaches every dataset, as upstream.
    req.kb_ids = pyTruthy(req.dataset_ids) ? await this.checkDatasets(ctx, pyIter(req.dataset_ids).filter(pyTruthy)) : [];
    delete req.dataset_ids;
    const tenant = await this.tenants.profile(ctx);
    const models = tenant?.models ?? [];
    takeLlm(req, models);
    if (!tenant) throw new RagError('TENANT_NOT_FOUND_WEB');
    takePrompt(req);
    checkRerankModel(req.rerank_id, models);
    if ('name' in req) {
      if (!pyTruthy(req.name)) throw new RagError('CHAT_NAME_EMPTY');
      if (typeof req.name !== 'string') throw pyError('AttributeError', `'${pyType(req.name)}' object has no attribute 'lower'`);
      if (req.name.toLowerCase() !== current.name.toLowerCase() && (await this.repo.liveNameTaken(ctx.tenantId, req.name))) throw new RagError('CHAT_NAME_TAKEN_ON_UPDATE');
    }
    if ('prompt_config' in req) {
      req.prompt_config = { ...current.prompt_config, ...expectDict(req.prompt_config, 'update') };
      checkParameters(req.prompt_config as Record<string, unknown>);
    } else req.prompt_config = current.prompt_config;
    req.llm_setting = 'llm_setting' in req ? { ...current.llm_setting, ...expectDict(req.llm_setting, 'update') } : current.llm_setting;
    if ('avatar' in req) {
      req.icon = req.avatar;
      delete req.avatar;
    }
    const unknown = Object.keys(req).find((k) => !isChatColumn(k));
    if (unknown !== undefined) throw pyError('ValueError', `Unrecognized field name: "${unknown}" in ${pythonRepr(req, false)}.`);

    const patch: Partial<ChatRow> = { ...writableFields(req), update_time: Math.max(Date.now(), current.update_time + 1) };
    await this.db.transaction(async (trx) => {
      await this.repo.with(trx).update(chatId, patch);
      await this.events.add(trx, EventTypes.chatUpdated, ctx.tenantId, { id: chatId, tenant_id: ctx.tenantId, changes: Object.keys(patch) });
    });
    void this.events.flush().catch(() => undefined);
  }

  /** Soft delete; no (or empty) `ids` means every live chat of the tenant. */
  async delete(ctx: CallerContext, body: Record<string, unknown>): Promise<PartialSuccess | null> {
    const requested = pyTruthy(body.ids) ? pyIter(body.ids) : await this.repo.liveIds(ctx.tenantId);
    const { unique, duplicates } = dedupeIds(requested);
    const live = await this.repo.liveAmong(ctx.tenantId, unique.filter((i): i is string => typeof i === 'string'));
    const errors: string[] = [];
    const deleted: string[] = [];
    for (const id of unique) {
      if (typeof id === 'string' && live.has(id)) deleted.push(id);
      else errors.push(registered('CHAT_NOT_FOUND_FOR_DELETE', { id: pyStr(id) }));
    }
    if (deleted.length) {
      await this.db.transaction(async (trx) => {
        await this.repo.with(trx).markDeleted(deleted, Date.now());
        await this.events.add(trx, EventTypes.chatDeleted, ctx.tenantId, { ids: deleted, tenant_id: ctx.tenantId });
      });
      void this.events.flush().catch(() => undefined);
    }
    return bulkOutcome(deleted.length, errors, duplicates.map((d) => registered('CHAT_DUPLICATE_IDS', { id: pyStr(d) })));
  }
}
