import { RagError, pythonRepr, type CallerContext } from '@rag/contracts';
import { httpDate, uuid1 } from '@rag/platform';
import type { AgentSessionColumn, AgentSessionRow } from '../data/session.repository.js';
import { stringColumn } from './columns.js';
import { prologueOf, resetDsl } from './dsl.js';
import type { CanvasStore } from './ports.js';
import { dedupeIds, isDict, pyIter, pyTruthy } from './py.js';
import { bulkOutcome, firstOf, listParams, registered, sessionDesc, type PartialSuccess, type Query } from './requests.js';

/** RAGFlow's `api_4_conversation` columns, mapped to this table's (`dialog_id` is `agent_id`, `message` is `messages`). */
const SESSION_COLUMNS: Record<string, AgentSessionColumn> = {
  id: 'id',
  dialog_id: 'agent_id',
  user_id: 'user_id',
  message: 'messages',
  reference: 'reference',
  tokens: 'tokens',
  source: 'source',
  dsl: 'dsl',
  duration: 'duration',
  round: 'round',
  thumb_up: 'thumb_up',
  errors: 'errors',
  create_time: 'create_time',
  create_date: 'create_time',
  update_time: 'update_time',
  update_date: 'update_time',
};

/** Python `str()` of an id from a body. */
const idText = (id: unknown): string => (typeof id === 'string' ? id : pythonRepr(id));

/** A reference chunk as the session list shows it (§11's shape). */
function listedChunk(chunk: Record<string, unknown>): Record<string, unknown> {
  const pick = (name: string, alternative: string) => (name in chunk ? chunk[name] : (chunk[alternative] ?? null));
  return {
    id: pick('chunk_id', 'id'),
    content: pick('content_with_weight', 'content'),
    document_id: pick('doc_id', 'document_id'),
    document_name: pick('docnm_kwd', 'document_name'),
    dataset_id: pick('kb_id', 'dataset_id'),
    image_id: pick('image_id', 'img_id'),
    positions: pick('positions', 'position_int'),
  };
}

/**
 * A listed session (§14.2): `messages` without `prompt`, every non-first non-user message given
 * the chunks of the next reference entry, `agent_id`, the other stored columns; `dsl` on request.
 */
export function listedSession(row: AgentSessionRow, includeDsl: boolean): Record<string, unknown> {
  const messages: Record<string, unknown>[] = row.messages.map((m) => {
    const { prompt: _prompt, ...rest } = m;
    return rest;
  });
  if (row.reference.length) {
    let ref = 0;
    for (let i = 1; i < messages.length; i++) {
      if (messages[i]!.role === 'user') continue;
      const entry = row.reference[ref++];
      const chunks = isDict(entry) && Array.isArray(entry.chunks) ? entry.chunks : [];
      messages[i]!.reference = chunks.filter(isDict).map(listedChunk);
    }
  }
  return {
    id: row.id,
    user_id: row.user_id,
    tokens: row.tokens,
    source: row.source,
    ...(includeDsl ? { dsl: row.dsl } : {}),
    duration: row.duration,
    round: row.round,
    thumb_up: row.thumb_up,
    errors: row.errors,
    create_time: row.create_time,
    create_date: httpDate(row.create_time),
    update_time: row.update_time,
    update_date: httpDate(row.update_time),
    messages,
    agent_id: row.agent_id,
  };
}

/** The rules of agent sessions (§14.2, AGENTS.md §9.2). An agent of another tenant reads as unknown. */
export class AgentSessionService {
  constructor(private readonly store: CanvasStore) {}

  /** A new session holding a reset copy of the agent's DSL; the body is ignored, `user_id` comes from the query. */
  async create(ctx: CallerContext, agentId: string, q: Query): Promise<Record<string, unknown>> {
    const agent = await this.store.agents.findOwned(ctx.tenantId, agentId);
    if (!agent) throw new RagError('AGENT_NOT_FOUND');
    const dsl = resetDsl(agent.dsl);
    const now = Date.now();
    const row: AgentSessionRow = {
      id: uuid1(),
      agent_id: agent.id,
      tenant_id: ctx.tenantId,
      user_id: stringColumn('user_id', firstOf(q, 'user_id') ?? ctx.tenantId, 255) ?? '',
      messages: [{ role: 'assistant', content: prologueOf(dsl) }],
      reference: [],
      tokens: 0,
      source: 'agent',
      dsl,
      duration: 0,
      round: 0,
      thumb_up: 0,
      errors: null,
      create_time: now,
      update_time: now,
    };
    await this.store.sessions.insert(row);
    return { id: row.id, user_id: row.user_id, message: row.messages, source: row.source, dsl: row.dsl, agent_id: row.agent_id };
  }

  async list(ctx: CallerContext, agentId: string, q: Query): Promise<Record<string, unknown>[]> {
    if (!(await this.store.agents.findOwned(ctx.tenantId, agentId))) throw new RagError('AGENT_NOT_OWNED_ON_SESSION_LIST', { agent_id: agentId });
    const paging = listParams(q, 'API4Conversation', SESSION_COLUMNS, sessionDesc);
    const dsl = firstOf(q, 'dsl');
    const rows = await this.store.sessions.list({ agentId, id: firstOf(q, 'id') || undefined, userId: firstOf(q, 'user_id') || undefined, ...paging });
    return rows.map((row) => listedSession(row, dsl !== 'false' && dsl !== 'False'));
  }

  /** Hard delete; no (or empty) `ids` means every session of the agent. */
  async delete(ctx: CallerContext, agentId: string, body: Record<string, unknown>): Promise<PartialSuccess | null> {
    if (!(await this.store.agents.findOwned(ctx.tenantId, agentId))) throw new RagError('AGENT_NOT_OWNED_ON_SESSION_DELETE', { agent_id: agentId });
    const all = await this.store.sessions.idsOfAgent(agentId);
    if (!all.length) throw new RagError('AGENT_HAS_NO_SESSIONS', { agent_id: agentId });
    const { unique, duplicates } = dedupeIds(pyTruthy(body.ids) ? pyIter(body.ids) : all);
    const present = await this.store.sessions.idsInAgent(agentId, unique.filter((i): i is string => typeof i === 'string'));
    const deleted: string[] = [];
    const errors: string[] = [];
    for (const id of unique) {
      if (typeof id === 'string' && present.has(id)) deleted.push(id);
      else errors.push(registered('AGENT_SESSION_NOT_IN_AGENT', { id: idText(id) }));
    }
    await this.store.sessions.deleteMany(agentId, deleted);
    return bulkOutcome(deleted.length, errors, duplicates.map((d) => registered('SESSION_DUPLICATE_IDS', { id: idText(d) })));
  }
}
