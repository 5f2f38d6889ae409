import { Subjects } from '@rag/contracts';
import type { Handlers } from '@rag/platform';
import { authenticated } from './caller.js';
import type { ApiKeyService } from '../domain/api-keys.js';

/** API keys of the caller's tenant, and resolving a presented key for the gateway. */
export function apiKeyHandlers(keys: ApiKeyService): Handlers {
  return {
    [Subjects.account.resolveApiKey]: (req) => keys.resolve(req.body?.token_hash),
    [Subjects.account.newToken]: (_req, ctx) => keys.create(authenticated(ctx).tenantId),
    [Subjects.account.listTokens]: (_req, ctx) => keys.list(authenticated(ctx).tenantId),
    [Subjects.account.deleteToken]: (req, ctx) => keys.delete(authenticated(ctx).tenantId, req.params?.token ?? ''),
  };
}
