import { RagError, type CallerContext } from '@rag/contracts';

/**
 * The tenant a service-to-service request is about: the caller context's header, set by the calling
 * service, never a body field (NATS permissions decide who may send these requests at all).
 */
export function callerTenant(ctx: CallerContext): string {
  if (!ctx.tenantId) throw new RagError('WEB_UNAUTHORIZED');
  return ctx.tenantId;
}

/** Requests about "my" account must come through the gateway's auth, which sets both ids. */
export function authenticated(ctx: CallerContext): CallerContext {
  if (!ctx.tenantId || !ctx.userId) throw new RagError('WEB_UNAUTHORIZED');
  return ctx;
}
