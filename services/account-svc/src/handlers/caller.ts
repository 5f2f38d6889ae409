import { RagError, type CallerContext } from '@rag/contracts';

/** Requests about "my" account must come through the gateway's auth, which sets both ids. */
export function authenticated(ctx: CallerContext): CallerContext {
  if (!ctx.tenantId || !ctx.userId) throw new RagError('WEB_UNAUTHORIZED');
  return ctx;
}
