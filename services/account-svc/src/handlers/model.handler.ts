import { Subjects } from '@rag/contracts';
import type { Handlers } from '@rag/platform';
import { authenticated, callerTenant } from './caller.js';
import type { ModelService } from '../domain/models.js';

/** The caller tenant's model settings and the catalog views. */
export function modelHandlers(models: ModelService): Handlers {
  return {
    [Subjects.account.listFactories]: async () => models.factories(),
    [Subjects.account.myModels]: (req, ctx) => models.mine(authenticated(ctx).tenantId, String(req.body?.include_details ?? 'false').toLowerCase() === 'true'),
    [Subjects.account.listModels]: (req, ctx) => models.list(authenticated(ctx).tenantId, typeof req.body?.model_type === 'string' ? req.body.model_type : undefined),
    [Subjects.account.setApiKey]: (req, ctx) => models.setApiKey(authenticated(ctx).tenantId, req.body ?? {}),
    [Subjects.account.addModel]: (req, ctx) => models.add(authenticated(ctx).tenantId, req.body ?? {}),
    [Subjects.account.deleteModel]: (req, ctx) => models.delete(authenticated(ctx).tenantId, req.body ?? {}),
    [Subjects.account.enableModel]: (req, ctx) => models.enable(authenticated(ctx).tenantId, req.body ?? {}),
    // Internal: for services that call models (never routed by the gateway); the key is in the reply.
    [Subjects.account.modelCredentials]: (req, ctx) => models.credentials(callerTenant(ctx), req.body?.model, req.body?.model_type),
    [Subjects.account.recordUsage]: (req, ctx) => models.recordUsage(callerTenant(ctx), req.body?.model, req.body?.model_type, req.body?.tokens),
    [Subjects.account.deleteFactory]: (req, ctx) => models.deleteFactory(authenticated(ctx).tenantId, req.body ?? {}),
  };
}
