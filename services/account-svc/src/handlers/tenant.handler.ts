import { Subjects } from '@rag/contracts';
import type { Handlers } from '@rag/platform';
import { authenticated } from './caller.js';
import type { TenantService } from '../domain/tenants.js';

/** Tenant defaults; `tenantModels` also serves other services (body.tenant_id, else the caller's tenant). */
export function tenantHandlers(tenants: TenantService): Handlers {
  return {
    [Subjects.account.tenantInfo]: (_req, ctx) => tenants.info(authenticated(ctx).userId),
    [Subjects.account.setTenantInfo]: (req, ctx) => tenants.setInfo(authenticated(ctx).tenantId, req.body ?? {}),
    [Subjects.account.tenantModels]: (req, ctx) => tenants.profile(req.body?.tenant_id ?? ctx.tenantId),
  };
}
