import type { Request } from 'express';
import { Subjects } from '@rag/contracts';
import { lenientBody } from '../http/body.js';
import { forward, pathParams, route, type RouteContext, type RouteDef } from '../http/route.js';

/** Every value of every query parameter; the service reads them as Flask does (first value wins). */
function queryMulti(req: Request): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of new URL(req.originalUrl, 'http://x').searchParams) (out[k] ??= []).push(v);
  return out;
}

const inChat = (ctx: RouteContext) => pathParams(ctx, 'chat_id');
const inSession = (ctx: RouteContext) => pathParams(ctx, 'chat_id', 'session_id');

/**
 * Chat assistants and their sessions (§10, §11). Bodies are lenient dicts (§1.4): dialog-svc
 * answers wrong types the way RAGFlow does. `PUT …/sessions/` without an id falls through to the
 * 405 answer, as upstream.
 */
export function chatRoutes(): RouteDef[] {
  const chats = '/api/v1/chats';
  const sessions = `${chats}/:chat_id/sessions`;
  return [
    route('POST', chats, 'apikey', 'R', (ctx) => forward(ctx, Subjects.dialog.createChat, { body: lenientBody(ctx.req) }, 'R')),
    route('GET', chats, 'apikey', 'R', (ctx) => forward(ctx, Subjects.dialog.listChats, { body: queryMulti(ctx.req) }, 'R')),
    route('PUT', `${chats}/:chat_id`, 'apikey', 'R', (ctx) => forward(ctx, Subjects.dialog.updateChat, { body: lenientBody(ctx.req), params: inChat(ctx) }, 'R')),
    route('DELETE', chats, 'apikey', 'R', (ctx) => forward(ctx, Subjects.dialog.deleteChats, { body: lenientBody(ctx.req) }, 'R')),
    route('POST', sessions, 'apikey', 'R', (ctx) => forward(ctx, Subjects.dialog.createSession, { body: lenientBody(ctx.req), params: inChat(ctx) }, 'R')),
    route('GET', sessions, 'apikey', 'R', (ctx) => forward(ctx, Subjects.dialog.listSessions, { body: queryMulti(ctx.req), params: inChat(ctx) }, 'R')),
    route('PUT', `${sessions}/:session_id`, 'apikey', 'R', (ctx) => forward(ctx, Subjects.dialog.updateSession, { body: lenientBody(ctx.req), params: inSession(ctx) }, 'R')),
    route('DELETE', sessions, 'apikey', 'R', (ctx) => forward(ctx, Subjects.dialog.deleteSessions, { body: lenientBody(ctx.req), params: inChat(ctx) }, 'R')),
  ];
}
