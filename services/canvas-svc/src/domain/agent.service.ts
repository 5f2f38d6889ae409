import { EventTypes, RagError, type CallerContext } from '@rag/contracts';
import { httpDate, uuid1 } from '@rag/platform';
import type { AgentColumn, AgentRow } from '../data/agent.repository.js';
import { stringColumn, versionStamp } from './columns.js';
import { dslOfBody } from './dsl.js';
import type { CanvasStore } from './ports.js';
import { pyStrip } from './py.js';
import { agentDesc, firstOf, listParams, type Query } from './requests.js';

/** RAGFlow's `user_canvas` columns, mapped to this table's (`user_id` is the owning tenant). */
const AGENT_COLUMNS: Record<string, AgentColumn> = {
  id: 'id',
  user_id: 'tenant_id',
  title: 'title',
  avatar: 'avatar',
  description: 'description',
  permission: 'permission',
  canvas_type: 'canvas_type',
  canvas_category: 'canvas_category',
  create_time: 'create_time',
  create_date: 'create_time',
  update_time: 'update_time',
  update_date: 'update_time',
};

/** Body keys stored as columns besides `title` and `dsl`, with their widths; ids, owner and times belong to the service. */
const WRITABLE: Record<string, number> = { avatar: 1 << 24, description: 1 << 24, permission: 16, canvas_type: 32, canvas_category: 32 };

export const AGENT_CATEGORY = 'agent_canvas';

/** An agent as the listing shows it: the full row, DSL included (§14.1). */
export function agentView(row: AgentRow): Record<string, unknown> {
  return {
    id: row.id,
    avatar: row.avatar,
    user_id: row.tenant_id,
    title: row.title,
    permission: row.permission,
    description: row.description,
    canvas_type: row.canvas_type,
    canvas_category: row.canvas_category,
    dsl: row.dsl,
    create_time: row.create_time,
    create_date: httpDate(row.create_time),
    update_time: row.update_time,
    update_date: httpDate(row.update_time),
  };
}

function writableColumns(body: Record<string, unknown>): Partial<AgentRow> {
  const out: Record<string, unknown> = {};
  for (const [key, max] of Object.entries(WRITABLE)) if (key in body) out[key] = stringColumn(key, body[key], max);
  if (out.permission === null) delete out.permission;
  if (out.canvas_category === null) delete out.canvas_category;
  return out as Partial<AgentRow>;
}

/** The rules of agents (§14.1, AGENTS.md §9.1): stored as given, snapshotted on every DSL write. */
export class AgentService {
  constructor(private readonly store: CanvasStore) {}

  async create(ctx: CallerContext, body: Record<string, unknown>): Promise<true> {
    if (body.dsl === undefined || body.dsl === null) throw new RagError('AGENT_NO_DSL', {}, false);
    const dsl = dslOfBody(body.dsl);
    if (body.title === undefined || body.title === null) throw new RagError('AGENT_NO_TITLE', {}, false);
    const title = stringColumn('title', pyStrip(body.title), 255)!;
    if (await this.store.agents.titleTaken(ctx.tenantId, title)) throw new RagError('AGENT_TITLE_TAKEN', { title });
    const now = Date.now();
    const row: AgentRow = {
      id: uuid1(),
      tenant_id: ctx.tenantId,
      title,
      avatar: null,
      description: null,
      permission: 'me',
      canvas_type: null,
      canvas_category: AGENT_CATEGORY,
      ...writableColumns(body),
      dsl,
      create_time: now,
      update_time: now,
    };
    await this.store.transaction(async (uow) => {
      await uow.agents.insert(row);
      await uow.agents.addVersion({ id: uuid1(), agent_id: row.id, title: `${title}_${versionStamp(now)}`, dsl, create_time: now });
      await uow.event(EventTypes.agentCreated, ctx.tenantId, { id: row.id, tenant_id: ctx.tenantId, title });
    });
    return true;
  }

  async list(ctx: CallerContext, q: Query): Promise<Record<string, unknown>[]> {
    const id = firstOf(q, 'id') || undefined;
    const title = firstOf(q, 'title') || undefined;
    if ((id || title) && !(await this.store.agents.exists({ tenantId: ctx.tenantId, id, title }))) throw new RagError('AGENT_NOT_EXIST');
    const paging = listParams(q, 'UserCanvas', AGENT_COLUMNS, agentDesc);
    const rows = await this.store.agents.list({ tenantId: ctx.tenantId, category: AGENT_CATEGORY, id, title, ...paging });
    return rows.map(agentView);
  }

  /**
   * Null-valued keys are dropped; a DSL write records a snapshot named after the new title, or the
   * stored one when the body has none (AGENTS.md §11's fix: upstream fails after writing the row).
   */
  async update(ctx: CallerContext, agentId: string, body: Record<string, unknown>): Promise<true> {
    const req = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
    const dsl = req.dsl === undefined ? undefined : dslOfBody(req.dsl);
    const title = req.title === undefined ? undefined : stringColumn('title', pyStrip(req.title), 255)!;
    const agent = await this.store.agents.findOwned(ctx.tenantId, agentId);
    if (!agent) throw new RagError('AGENT_NOT_OWNER', {}, false);
    const now = Math.max(Date.now(), agent.update_time + 1);
    const patch: Partial<AgentRow> = { ...writableColumns(req), update_time: now };
    if (title !== undefined) patch.title = title;
    if (dsl !== undefined) patch.dsl = dsl;
    await this.store.transaction(async (uow) => {
      await uow.agents.update(ctx.tenantId, agentId, patch);
      if (dsl !== undefined) await uow.agents.addVersion({ id: uuid1(), agent_id: agentId, title: `${title ?? agent.title ?? ''}_${versionStamp(now)}`, dsl, create_time: now });
      await uow.event(EventTypes.agentUpdated, ctx.tenantId, { id: agentId, tenant_id: ctx.tenantId, changes: Object.keys(patch).filter((k) => k !== 'update_time') });
    });
    return true;
  }

  async delete(ctx: CallerContext, agentId: string): Promise<true> {
    if (!(await this.store.agents.findOwned(ctx.tenantId, agentId))) throw new RagError('AGENT_NOT_OWNER', {}, false);
    await this.store.transaction(async (uow) => {
      await uow.agents.delete(ctx.tenantId, agentId);
      await uow.event(EventTypes.agentDeleted, ctx.tenantId, { id: agentId, tenant_id: ctx.tenantId });
    });
    return true;
  }
}
