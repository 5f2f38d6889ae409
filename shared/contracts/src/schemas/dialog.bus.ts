/** Request/reply contracts of dialog-svc (`rag.v1.dialog.*`, `rag.v1.completion.*`). */
import { Type } from '@sinclair/typebox';
import { Subjects } from '../subjects.js';
import { ChatPath, Described, LenientBody, QueryMulti, SessionPath, op } from './bus-shapes.js';

/** What a streamed completion answers at once; the deltas follow on `rag.v1.stream.<stream_id>`. */
export const StreamStarted = Type.Object({ stream_id: Type.String({ minLength: 1 }) });

const CompletionReply = Described('{stream_id} when streamed (the deltas follow on the ANSWERS stream), else the whole answer.');

export const DialogBus = {
  [Subjects.dialog.createChat]: op('POST /api/v1/chats', LenientBody, Described('The new chat assistant (§10).')),
  [Subjects.dialog.listChats]: op('GET /api/v1/chats', QueryMulti, Described('The chat assistants (§10).')),
  [Subjects.dialog.updateChat]: op('PUT /api/v1/chats/{chat_id}', LenientBody, Type.Null(), ChatPath),
  [Subjects.dialog.deleteChats]: op('DELETE /api/v1/chats', LenientBody, Described('null or a partial success.')),
  [Subjects.dialog.createSession]: op('POST /api/v1/chats/{chat_id}/sessions', LenientBody, Described('The new session (§11).'), SessionPath),
  [Subjects.dialog.listSessions]: op('GET /api/v1/chats/{chat_id}/sessions', QueryMulti, Described('The sessions (§11).'), SessionPath),
  [Subjects.dialog.updateSession]: op('PUT /api/v1/chats/{chat_id}/sessions/{session_id}', LenientBody, Type.Null(), SessionPath),
  [Subjects.dialog.deleteSessions]: op('DELETE /api/v1/chats/{chat_id}/sessions', LenientBody, Described('null or a partial success.'), SessionPath),
  [Subjects.completion.native]: op('POST /api/v1/chats/{chat_id}/completions', LenientBody, CompletionReply, ChatPath),
  [Subjects.completion.openai]: op('POST /api/v1/chats_openai/{chat_id}/chat/completions', LenientBody, CompletionReply, ChatPath),
  [Subjects.completion.relatedQuestions]: op('POST /api/v1/sessions/related_questions', LenientBody, Type.Array(Type.String())),
} as const;
