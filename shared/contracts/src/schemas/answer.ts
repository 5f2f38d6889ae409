import { Type, type Static } from '@sinclair/typebox';

/** Core-NATS broadcast on `rag.v1.answer_control.detach|attach`: a client left / came back to an answer stream. */
export const AnswerControlMessage = Type.Object({ stream_id: Type.String({ minLength: 1 }) });
export type AnswerControlMessage = Static<typeof AnswerControlMessage>;
