import { Subjects } from '@rag/contracts';
import type { Handlers } from '@rag/platform';
import { authenticated, callerTenant } from './caller.js';
import type { TenantService } from '../domain/tenants.js';

/** Tenant defaults; `tenantModels` also serves other services (the tenant of the caller context). */
export function tenantHandlers(tenants: TenantService): Handlers {
  return {
    [Subjects.account.tenantInfo]: (_req, ctx) => tenants.info(authenticated(ctx).userId),
    [Subjects.account.setTenantInfo]: (req, ctx) => tenants.setInfo(authenticated(ctx).tenantId, req.body ?? {}),
    [Subjects.account.tenantModels]: (_req, ctx) => tenants.profile(callerTenant(ctx)),
  };
}
