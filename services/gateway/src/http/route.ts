import type { Request, Response } from 'express';
import type { BusContract, BusReply, CallerContext, EnvelopeKind, RequestOf, RequestSubject } from '@rag/contracts';
import type { BlobStore } from '@rag/blob-store';
import type { Bus, Logger, Metrics } from '@rag/platform';
import type { Authenticator, Principal } from '../auth/authenticator.js';
import type { PasswordDecoder } from '../auth/password.js';
import type { ApiKeyRateLimiter } from '../auth/rate-limit.js';
import type { LoginThrottle } from '../auth/throttle.js';
import type { GatewayConfig } from '../app.js';
import { sendReply } from './reply.js';

export type AuthKind = 'apikey' | 'web' | 'none';
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface GatewayDeps {
  bus: Bus;
  config: GatewayConfig;
  logger: Logger;
  metrics: Metrics;
  auth: Authenticator;
  passwords: PasswordDecoder;
  blobs: BlobStore;
  /** Failed-login throttle of /v1/user/login (shared by replicas through NATS KV). */
  loginThrottle: LoginThrottle;
  rateLimiter: ApiKeyRateLimiter;
  isReady(): Promise<{ nats: boolean }>;
}

export interface RouteContext {
  req: Request;
  res: Response;
  deps: GatewayDeps;
  requestId: string;
  /** Set on authenticated routes. */
  principal: Principal | undefined;
  caller: CallerContext;
}

export interface RouteDef {
  method: Method;
  /** Express 5 path syntax; `{param}` in the docs is `:param` here. */
  path: string;
  auth: AuthKind;
  /** Envelope for errors raised before or outside the service call. */
  envelope: EnvelopeKind;
  handle(ctx: RouteContext): Promise<void>;
}

/** Subjects whose request is a body alone, without path parameters. */
export type BodyOnlySubject = { [S in RequestSubject]: (typeof BusContract)[S]['params'] extends undefined ? S : never }[RequestSubject];

/** Sends a request to a service and writes its reply in the route's envelope: the thin-handler path. */
export async function forward<S extends RequestSubject>(ctx: RouteContext, subject: S, request: RequestOf<S>, kind: EnvelopeKind): Promise<void> {
  const reply: BusReply = await ctx.deps.bus.request<S>(subject, request, ctx.caller);
  sendReply(ctx.res, kind, reply);
}

export function route(method: Method, path: string, auth: AuthKind, envelope: EnvelopeKind, handle: RouteDef['handle']): RouteDef {
  return { method, path, auth, envelope, handle };
}

/** The named path parameters of the request, as strings (the subject's contract says which it needs). */
export function pathParams<K extends string>(ctx: RouteContext, ...names: K[]): Record<K, string> {
  return Object.fromEntries(names.map((name) => [name, String(ctx.req.params[name] ?? '')])) as Record<K, string>;
}
