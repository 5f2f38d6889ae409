import { RagError, StreamStarted, Subjects, checkMessage } from '@rag/contracts';
import { locateAnswer } from '@rag/platform';
import { authenticateApiKey } from '../auth/middleware.js';
import { lenientBody, lenientBodyOrEmpty, requireFields } from '../http/body.js';
import { clientGone, sendReply } from '../http/reply.js';
import { route, type RouteContext, type RouteDef } from '../http/route.js';
import { SSE_HEADERS, lastEventId, relaySse } from '../http/sse.js';

/** Python truthiness of a JSON value (RAGFlow reads `stream` with `req.get("stream", True)`). */
function truthy(v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return !!v;
}

/** A reconnect with `Last-Event-ID`: relay the rest of the same answer, from any gateway. */
async function resume(ctx: RouteContext, seq: number): Promise<void> {
  const found = await locateAnswer(ctx.deps.bus, seq, ctx.caller.tenantIds.length ? ctx.caller.tenantIds : [ctx.caller.tenantId]);
  if (!found) throw new RagError('STREAM_GONE', { seq });
  if (found.ended) {
    // The client saw the last event already: an empty, finished stream.
    if (!clientGone(ctx.res)) ctx.res.writeHead(200, SSE_HEADERS).end();
    return;
  }
  await relaySse(ctx, found.streamId, seq);
}

/**
 * Starts a completion on dialog-svc: streamed ones answer `{stream_id}` at once and are relayed
 * from JetStream; others wait for the whole answer.
 */
async function complete(ctx: RouteContext, subject: typeof Subjects.completion.native | typeof Subjects.completion.openai, body: Record<string, unknown>, stream: boolean, onResult: (data: unknown) => void): Promise<void> {
  const seq = stream ? lastEventId(ctx) : undefined;
  if (seq !== undefined) return resume(ctx, seq);
  const request = { body: { ...body, stream }, params: { chat_id: String(ctx.req.params.chat_id) } };
  const reply = await ctx.deps.bus.request(subject, request, ctx.caller, stream ? undefined : ctx.deps.config.COMPLETION_TIMEOUT_MS);
  if (reply.code !== 0) return sendReply(ctx.res, 'R', reply);
  if (stream) {
    const started = checkMessage(StreamStarted, reply.data);
    if (!started.ok) throw new RagError('BUS_REPLY_MALFORMED', { service: 'dialog-svc', reason: started.reason });
    return relaySse(ctx, started.value.stream_id);
  }
  onResult(reply.data);
}

async function openaiCompletion(ctx: RouteContext): Promise<void> {
  // The field check runs before authentication (§13).
  const body = lenientBodyOrEmpty(ctx.req);
  requireFields(body, { required: ['model', 'messages'] });
  const principal = await authenticateApiKey(ctx);
  if (!principal) return;
  ctx.caller = { tenantId: principal.tenantId, userId: principal.userId, tenantIds: principal.tenantIds, requestId: ctx.requestId };
  await complete(ctx, Subjects.completion.openai, body, truthy(body.stream, true), (data) => ctx.res.json(data));
}

/** Completions (§12, §13) and related questions (§15). */
export function completionRoutes(): RouteDef[] {
  return [
    route('POST', '/api/v1/chats/:chat_id/completions', 'apikey', 'R', async (ctx) => {
      const body = lenientBody(ctx.req);
      await complete(ctx, Subjects.completion.native, body, truthy(body.stream, true), (data) => sendReply(ctx.res, 'R', { code: 0, data }));
    }),
    route('POST', '/api/v1/chats_openai/:chat_id/chat/completions', 'none', 'J', openaiCompletion),
    route('POST', '/api/v1/sessions/related_questions', 'apikey', 'R', async (ctx) => {
      const reply = await ctx.deps.bus.request(Subjects.completion.relatedQuestions, { body: lenientBody(ctx.req) }, ctx.caller, ctx.deps.config.COMPLETION_TIMEOUT_MS);
      sendReply(ctx.res, 'R', reply);
    }),
  ];
}
