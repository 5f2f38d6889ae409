/**
 * The `data` of every event type on the EVENTS stream (docs/events.md), one schema each, tied to
 * its type in `EventContract`. The outbox checks an event against it before recording it, and
 * every consumer checks what it receives; a payload that does not match is refused with a reason.
 * Objects allow extra keys: a consumer reads what it knows, a producer may add fields.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { EventTypes, eventSubject, type EventType } from '../subjects.js';
import { checkMessage, decodeMessage, type DecodedMessage } from '../message.js';

const Id = Type.String({ minLength: 1 });
const Ids = Type.Array(Id);
const Delta = Type.Integer();

/** A resource as the API returns it: its ids are checked, the rest is the resource's own shape. */
const Resource = (description: string) => Type.Object({ id: Id, tenant_id: Id }, { description });

export const EventContract = {
  [EventTypes.datasetCreated]: Resource('The new dataset, exactly as the API returns it (CONTRACT §5.1).'),
  [EventTypes.datasetUpdated]: Type.Object({ id: Id, tenant_id: Id, changes: Type.Array(Type.String()), dataset: Resource('The dataset after the update.') }),
  [EventTypes.datasetDeleted]: Type.Object({ ids: Ids, tenant_id: Id }),
  [EventTypes.documentUploaded]: Type.Object({
    dataset_id: Id,
    documents: Type.Array(Type.Object({ id: Id, name: Type.String(), size: Type.Number(), type: Type.String() })),
  }),
  [EventTypes.documentParseStarted]: Type.Object({ dataset_id: Id, document_id: Id, task_id: Id }),
  [EventTypes.documentParsed]: Type.Object({
    dataset_id: Id,
    document_id: Id,
    chunk_count: Type.Integer({ minimum: 0 }),
    token_count: Type.Integer({ minimum: 0 }),
    chunk_delta: Delta,
    token_delta: Delta,
    duration: Type.Number(),
  }),
  [EventTypes.documentParseFailed]: Type.Object({ dataset_id: Id, document_id: Id, task_id: Id, error: Type.String() }),
  [EventTypes.documentDeleted]: Type.Object({ dataset_id: Id, document_ids: Ids, chunk_delta: Delta, token_delta: Delta, document_delta: Delta }),
  [EventTypes.documentCountsChanged]: Type.Object({ dataset_id: Id, document_id: Id, chunk_delta: Delta, token_delta: Delta }),
  [EventTypes.userRegistered]: Type.Object({ user_id: Id, email: Type.String() }),
  [EventTypes.userLoggedOut]: Type.Object({ user_id: Id, reason: Type.Union([Type.Literal('logout'), Type.Literal('new_login')]) }),
  [EventTypes.apiKeyCreated]: Type.Object({ token_hash: Type.String({ pattern: '^[0-9a-f]{64}$' }) }),
  [EventTypes.apiKeyRevoked]: Type.Object({ token_hash: Type.String({ pattern: '^[0-9a-f]{64}$' }) }),
  [EventTypes.tenantUpdated]: Type.Object({ tenant_id: Id }, { description: 'The tenant id and the settings written (llm_id, embd_id, ...).' }),
  [EventTypes.tenantModelsChanged]: Type.Object({ tenant_id: Id }),
  [EventTypes.chatCreated]: Type.Object({ id: Id, tenant_id: Id, name: Type.String() }, { description: 'The new chat assistant as POST /api/v1/chats returns it.' }),
  [EventTypes.chatUpdated]: Type.Object({ id: Id, tenant_id: Id, changes: Type.Array(Type.String()) }),
  [EventTypes.chatDeleted]: Type.Object({ ids: Ids, tenant_id: Id }),
  [EventTypes.sessionCreated]: Type.Object({
    id: Id,
    chat_id: Id,
    name: Type.String(),
    messages: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    user_id: Type.String(),
    create_time: Type.Number(),
    create_date: Type.String(),
    update_time: Type.Number(),
    update_date: Type.String(),
  }),
  [EventTypes.sessionDeleted]: Type.Object({ chat_id: Id, ids: Ids, tenant_id: Id }),
  [EventTypes.agentCreated]: Type.Object({ id: Id, tenant_id: Id, title: Type.String() }, { description: 'A new agent (POST /api/v1/agents).' }),
  [EventTypes.agentUpdated]: Type.Object({ id: Id, tenant_id: Id, changes: Type.Array(Type.String()) }, { description: 'The columns PUT /api/v1/agents/{agent_id} wrote.' }),
  [EventTypes.agentDeleted]: Type.Object({ id: Id, tenant_id: Id }),
} as const satisfies Record<EventType, TSchema>;

/** The `data` of one event type. */
export type EventData<T extends EventType> = Static<(typeof EventContract)[T]>;

/** The envelope of every event on the EVENTS stream (documented in docs/events.md). */
export const EventEnvelopeSchema = Type.Object({
  id: Id,
  type: Type.Union(Object.values(EventTypes).map((t) => Type.Literal(t))),
  time: Type.String(),
  tenant_id: Type.String(),
  source: Type.String(),
  data: Type.Unknown(),
});

/** An event envelope whose `data` is typed by its `type` (a union over every type in `T`). */
export type TypedEvent<T extends EventType = EventType> = {
  [K in T]: { id: string; type: K; time: string; tenant_id: string; source: string; data: EventData<K> };
}[T];

/**
 * Decodes an event from the EVENTS stream and checks its envelope, that its type matches the
 * subject it came on, and its data against the type's schema. Never throws.
 */
export function decodeEvent(data: Uint8Array | string, subject?: string): DecodedMessage<TypedEvent> {
  const envelope = decodeMessage(EventEnvelopeSchema, data);
  if (!envelope.ok) return envelope;
  const { type } = envelope.value;
  if (subject !== undefined && subject !== eventSubject(type)) return { ok: false, problem: 'schema', reason: `an event of type ${type} on ${subject}` };
  const checked = checkMessage(EventContract[type], envelope.value.data);
  if (!checked.ok) return { ok: false, problem: 'schema', reason: `${type} data: ${checked.reason}` };
  return { ok: true, value: envelope.value as TypedEvent };
}
