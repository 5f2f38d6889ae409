/**
 * One contract per subject: every request/reply subject with the schema of its request body, its
 * path parameters and its reply data (`BusContract`), and every other message (work-queue tasks,
 * broadcasts) with its schema (`MessageContract`). The bus serves, validates and types requests
 * from this map; event payloads are in `EventContract` (schemas/events.ts).
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { RagError } from './errors.js';
import { Subjects } from './subjects.js';
import { validate } from './validation.js';
import type { BusReply } from './schemas/bus.js';
import type { Operation } from './schemas/bus-shapes.js';
import { AccountBus } from './schemas/account.bus.js';
import { DatasetBus } from './schemas/dataset.bus.js';
import { DocumentBus } from './schemas/document.bus.js';
import { DialogBus } from './schemas/dialog.bus.js';
import { CanvasBus } from './schemas/canvas.bus.js';
import { AnswerControlMessage } from './schemas/answer.js';
import { ParseCancelMessage, ParseTaskMessage } from './schemas/parse.js';

type Leaves<T> = T extends string ? T : { [K in keyof T]: Leaves<T[K]> }[keyof T];
/** Every request/reply subject in `Subjects` (all but the broadcasts and the work queue). */
type RequestReplySubject = Leaves<Omit<typeof Subjects, 'answer' | 'parse'>>;

export const BusContract = { ...AccountBus, ...DatasetBus, ...DocumentBus, ...DialogBus, ...CanvasBus } as const satisfies Record<RequestReplySubject, Operation>;

/** Messages that are not requests: the parse work queue and core-NATS broadcasts. */
export const MessageContract = {
  [Subjects.parse.task]: ParseTaskMessage,
  [Subjects.parse.cancel]: ParseCancelMessage,
  [Subjects.answer.detach]: AnswerControlMessage,
  [Subjects.answer.attach]: AnswerControlMessage,
} as const satisfies Record<Leaves<Pick<typeof Subjects, 'answer' | 'parse'>>, TSchema>;

/** A map of subjects to operations: `BusContract`, or a test's own. */
export type ContractMap = Record<string, Operation>;
export type RequestSubject = keyof typeof BusContract;

type ParamsPart<P> = P extends TSchema ? { params: Static<P> } : { params?: undefined };
/** The request of one operation: `{body, params}` typed from its contract. */
export type RequestFor<O extends Operation> = { body: Static<O['body']> } & ParamsPart<O['params']>;

// Resolved per subject in mapped types: the compiler then never expands a contract while it
// infers a call's subject (doing so inline is "excessively deep").
type Bodies<C extends ContractMap> = { [S in keyof C]: Static<C[S]['body']> };
type ParamParts<C extends ContractMap> = { [S in keyof C]: ParamsPart<C[S]['params']> };
type Replies<C extends ContractMap> = { [S in keyof C]: Static<C[S]['reply']> };
type BusBodies = Bodies<typeof BusContract>;
type BusParamParts = ParamParts<typeof BusContract>;
type BusReplies = Replies<typeof BusContract>;

/** The request (`{body, params}`) of a subject of `BusContract`. */
export type RequestOf<S extends RequestSubject> = { body: BusBodies[S] } & BusParamParts[S];
/** The reply data of a subject of `BusContract`. */
export type ReplyOf<S extends RequestSubject> = BusReplies[S];
export type BusReplyOf<S extends RequestSubject> = BusReply<ReplyOf<S>>;
/** The same for a contract of one's own (a test's subjects). */
export type RequestIn<C extends ContractMap, S extends keyof C> = { body: Bodies<C>[S] } & ParamParts<C>[S];
export type ReplyIn<C extends ContractMap, S extends keyof C> = Replies<C>[S];

const ENVELOPE_KEYS = new Set(['body', 'params']);

/**
 * Checks a decoded request against its subject's contract. The body is checked by its own schema,
 * so a direct caller gets the same pydantic-style code-101 message the gateway would have given;
 * anything else wrong with the envelope is a code-101 `BUS_REQUEST_MALFORMED`.
 */
export function checkRequest<O extends Operation>(subject: string, operation: O, raw: unknown): { ok: true; value: RequestFor<O> } | { ok: false; error: RagError } {
  const malformed = (reason: string) => ({ ok: false as const, error: new RagError('BUS_REQUEST_MALFORMED', { subject, reason }) });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return malformed('the request must be a JSON object {body, params}');
  const envelope = raw as Record<string, unknown>;
  const extra = Object.keys(envelope).filter((k) => !ENVELOPE_KEYS.has(k));
  if (extra.length) return malformed(`unknown keys ${extra.join(', ')}`);
  if (!('body' in envelope)) return malformed('body is missing');
  if (operation.params) {
    const params = validate(operation.params, envelope.params ?? {});
    if (!params.ok) return malformed(`params: ${params.message.replace(/\n/g, '; ')}`);
  }
  const body = validate(operation.body, envelope.body);
  if (!body.ok) {
    // A body that is not even the right JSON type has no fields to name.
    if (body.errors.some((e) => e.loc === '')) return malformed(`body: ${body.errors[0]!.msg}`);
    return { ok: false, error: new RagError('ARGUMENT', { message: body.message }) };
  }
  return { ok: true, value: envelope as RequestFor<O> };
}
