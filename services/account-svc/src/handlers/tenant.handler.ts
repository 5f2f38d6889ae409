import { Subjects } from '@rag/contracts';
import type { Handler } from '@rag/platform';
import { authenticated, callerTenant } from './caller.js';
import type { TenantService } from '../domain/tenants.js';

type Body = Record<string, unknown>;

/** Tenant defaults; `tenantModels` also serves other services (the tenant of the caller context). */
export function tenantHandlers(tenants: TenantService): Record<string, Handler<Body>> {
  return {
    [Subjects.account.tenantInfo]: (_req, ctx) => tenants.info(authenticated(ctx).userId),
    [Subjects.account.setTenantInfo]: (req, ctx) => tenants.setInfo(authenticated(ctx).tenantId, req.body ?? {}),
    [Subjects.account.tenantModels]: (_req, ctx) => tenants.profile(callerTenant(ctx)),
  };
}
