import { Subjects } from '@rag/contracts';
import type { Handler } from '@rag/platform';
import { authenticated } from './caller.js';
import type { ApiKeyService } from '../domain/api-keys.js';

type Body = Record<string, unknown>;

/** API keys of the caller's tenant, and resolving a presented key for the gateway. */
export function apiKeyHandlers(keys: ApiKeyService): Record<string, Handler<Body, { token?: string }>> {
  return {
    [Subjects.account.resolveApiKey]: (req) => keys.resolve(req.body?.token_hash),
    [Subjects.account.newToken]: (_req, ctx) => keys.create(authenticated(ctx).tenantId),
    [Subjects.account.listTokens]: (_req, ctx) => keys.list(authenticated(ctx).tenantId),
    [Subjects.account.deleteToken]: (req, ctx) => keys.delete(authenticated(ctx).tenantId, req.params?.token ?? ''),
  };
}
