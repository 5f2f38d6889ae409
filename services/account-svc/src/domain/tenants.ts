import { EventTypes, RagError, pythonRepr, type TenantProfile } from '@rag/contracts';
import type { TenantModelRepository } from '../data/tenant-model.repository.js';
import type { TenantRecord, TenantRepository, TenantSettings } from '../data/tenant.repository.js';
import { fieldError } from './field-rules.js';
import { now, type EventRelay } from './ports.js';

/** The tenant_info answer (§3.2): the profile other services read, without its models, plus the caller's role. */
export type TenantInfo = Omit<TenantProfile, 'models'> & { role: 'owner' };

/** Keys of set_tenant_info that are stored; the model ids may be empty (or null for tts_id). */
const MODEL_ID_KEYS = ['llm_id', 'embd_id', 'rerank_id', 'asr_id', 'img2txt_id'] as const;

function defaultsOf(t: TenantRecord): Omit<TenantInfo, 'role'> {
  return {
    tenant_id: t.id,
    name: t.name,
    llm_id: t.llm_id,
    embd_id: t.embd_id,
    rerank_id: t.rerank_id,
    asr_id: t.asr_id,
    img2txt_id: t.img2txt_id,
    tts_id: t.tts_id,
    parser_ids: t.parser_ids,
  };
}

/** A scalar as the text column stores it (RAGFlow's ORM stores `str(value)`); objects are refused. */
function asColumnText(key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return pythonRepr(value);
  throw fieldError(key, 'Input should be a valid string', value);
}

/** A tenant's default models and settings (§3.2 tenant_info / set_tenant_info). */
export class TenantService {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly models: TenantModelRepository,
    private readonly events: EventRelay,
  ) {}

  async info(userId: string): Promise<TenantInfo> {
    const tenant = await this.tenants.ownedBy(userId);
    if (!tenant) throw new RagError('TENANT_NOT_FOUND_WEB');
    return { ...defaultsOf(tenant), role: 'owner' };
  }

  /**
   * RAGFlow stores whatever it is sent for any tenant id; here the tenant must be the caller's
   * own. The values are stored as given (model ids are not checked, as upstream).
   */
  async setInfo(callerTenantId: string, body: Record<string, unknown>): Promise<true> {
    const tenantId = body.tenant_id;
    if (typeof tenantId !== 'string' || !callerTenantId || tenantId !== callerTenantId) throw new RagError('TENANT_FORBIDDEN', { tenant_id: pythonRepr(tenantId) });
    if (!(await this.tenants.findById(tenantId))) throw new RagError('TENANT_NOT_FOUND_WEB');
    const settings: TenantSettings = {};
    for (const key of MODEL_ID_KEYS) if (key in body) settings[key] = body[key] === null ? '' : asColumnText(key, body[key]);
    if ('tts_id' in body) settings.tts_id = body.tts_id === null ? null : asColumnText('tts_id', body.tts_id);
    if ('parser_ids' in body && body.parser_ids !== null) settings.parser_ids = asColumnText('parser_ids', body.parser_ids);
    if ('name' in body && body.name !== null) settings.name = asColumnText('name', body.name);
    await this.tenants.update(tenantId, settings, now(), [{ type: EventTypes.tenantUpdated, tenantId, data: { tenant_id: tenantId, ...settings } }]);
    await this.events.flush();
    return true;
  }

  /** What other services need to know about a tenant: its defaults and configured models (no keys). */
  async profile(tenantId: unknown): Promise<TenantProfile> {
    const tenant = typeof tenantId === 'string' && tenantId ? await this.tenants.findById(tenantId) : undefined;
    if (!tenant) throw new RagError('TENANT_NOT_FOUND_WEB');
    const models = await this.models.listFor(tenant.id);
    return {
      ...defaultsOf(tenant),
      models: models.map((m) => ({
        llm_factory: m.llm_factory,
        llm_name: m.llm_name,
        model_type: m.model_type,
        api_base: m.api_base || null,
        max_tokens: m.max_tokens ?? 8192,
        used_tokens: m.used_tokens,
        status: m.status,
      })),
    };
  }
}
