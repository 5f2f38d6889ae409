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

const inAgent = (ctx: RouteContext) => pathParams(ctx, 'agent_id');

/**
 * Agents and their sessions (§14.1, §14.2), served by canvas-svc. Create, update and delete answer
 * J-shaped (`{"code":0,"message":"success","data":true}`), the rest R/E. A session is created from
 * the query string alone (`user_id`): upstream ignores the body.
 */
export function agentRoutes(): RouteDef[] {
  const agents = '/api/v1/agents';
  const sessions = `${agents}/:agent_id/sessions`;
  return [
    route('GET', agents, 'apikey', 'R', (ctx) => forward(ctx, Subjects.canvas.listAgents, { body: queryMulti(ctx.req) }, 'R')),
    route('POST', agents, 'apikey', 'J', (ctx) => forward(ctx, Subjects.canvas.createAgent, { body: lenientBody(ctx.req) }, 'J')),
    route('PUT', `${agents}/:agent_id`, 'apikey', 'J', (ctx) => forward(ctx, Subjects.canvas.updateAgent, { body: lenientBody(ctx.req), params: inAgent(ctx) }, 'J')),
    route('DELETE', `${agents}/:agent_id`, 'apikey', 'J', (ctx) => forward(ctx, Subjects.canvas.deleteAgent, { body: {}, params: inAgent(ctx) }, 'J')),
    route('POST', sessions, 'apikey', 'R', (ctx) => forward(ctx, Subjects.canvas.createSession, { body: queryMulti(ctx.req), params: inAgent(ctx) }, 'R')),
    route('GET', sessions, 'apikey', 'R', (ctx) => forward(ctx, Subjects.canvas.listSessions, { body: queryMulti(ctx.req), params: inAgent(ctx) }, 'R')),
    route('DELETE', sessions, 'apikey', 'R', (ctx) => forward(ctx, Subjects.canvas.deleteSessions, { body: lenientBody(ctx.req), params: inAgent(ctx) }, 'R')),
  ];
}
