/**
 * Building blocks of the request/reply contracts (`BusContract`): the bodies the gateway sends,
 * path parameters, and the helper that ties a subject's body, params and reply together.
 */
import { Type, type TSchema } from '@sinclair/typebox';

/**
 * A JSON object whose fields the service checks itself, in RAGFlow's words (wrong types get the
 * exact messages RAGFlow gives, so the bus does not check them first).
 */
export const LenientBody = Type.Record(Type.String(), Type.Unknown(), { description: 'A JSON object; its fields are checked by the service, with RAGFlow\'s messages.' });

/**
 * A lenient body whose keys the gateway checks are present (`required argument are missing: …`);
 * the list is for the OpenAPI document, the bus leaves the check to the gateway and the service.
 */
export const LenientRequiring = (fields: readonly string[]) =>
  Type.Record(Type.String(), Type.Unknown(), { description: LenientBody.description, 'x-required-fields': [...fields] });

/** No body: the gateway sends `{}`. */
export const EmptyBody = Type.Record(Type.String(), Type.Unknown(), { description: 'Ignored; the gateway sends {}.' });

/** Query parameters with every value of every key (`?suffix=pdf&suffix=txt`). */
export const QueryMulti = Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Query parameters: every value of every key.' });

/** Query parameters, the last value of a repeated key. */
export const QueryLast = Type.Record(Type.String(), Type.String(), { description: 'Query parameters: the last value of each key.' });

const PathId = Type.String({ minLength: 1 });

/** Path parameters of the gateway's routes, already decoded. */
export const DatasetPath = Type.Object({ dataset_id: PathId });
export const DocumentPath = Type.Object({ dataset_id: PathId, document_id: PathId });
export const ChunkPath = Type.Object({ dataset_id: PathId, document_id: PathId, chunk_id: Type.Optional(Type.String()) });
export const ChatPath = Type.Object({ chat_id: PathId });
export const SessionPath = Type.Object({ chat_id: PathId, session_id: Type.Optional(Type.String()) });
export const AgentPath = Type.Object({ agent_id: PathId });
export const TokenPath = Type.Object({ token: Type.String() });

/** A reply whose data the service shapes after RAGFlow's answer (documented in CONTRACT.md, not re-checked). */
export const Described = (description: string) => Type.Unknown({ description });

/** `true`: RAGFlow's bare success answer. */
export const Done = Type.Boolean({ description: 'true on success' });

/** Partial success (`{success_count, errors}`), or null when everything succeeded. */
export const PartialSuccess = Type.Union([Type.Object({ success_count: Type.Integer({ minimum: 0 }), errors: Type.Array(Type.String()) }), Type.Null()]);

/** The reply envelope every service sends (`BusReply`); a caller checks it before reading it. */
export const BusReplySchema = Type.Object({
  code: Type.Integer(),
  message: Type.Optional(Type.String()),
  data: Type.Optional(Type.Unknown()),
  extra: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

/** One request/reply subject: the `body` and `params` of its `BusRequest` and the `data` of its reply. */
export interface Operation<B extends TSchema = TSchema, P extends TSchema | undefined = TSchema | undefined, R extends TSchema = TSchema> {
  body: B;
  params: P;
  reply: R;
  /**
   * Who calls it: the HTTP routes it serves, as `METHOD /path` (path parameters in braces, several
   * separated by `;`), then any note; or, for internal subjects, the calling services.
   */
  summary: string;
}

export function op<B extends TSchema, R extends TSchema, P extends TSchema | undefined = undefined>(summary: string, body: B, reply: R, params?: P): Operation<B, P, R> {
  return { summary, body, params: params as P, reply };
}

/** The HTTP routes (`METHOD /path`) an operation serves, read from its summary; none for internal subjects. */
export function routesOf(operation: Operation): string[] {
  const head = operation.summary.split(/ \(|:/)[0] ?? '';
  return head
    .split(';')
    .map((part) => part.trim())
    .filter((part) => /^(GET|POST|PUT|DELETE|PATCH) \/\S*$/.test(part));
}
