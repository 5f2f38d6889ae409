import { EventTypes, RagError } from '@rag/contracts';
import { httpDate } from '@rag/platform';
import type { ApiTokenRecord, ApiTokenRepository } from '../data/api-token.repository.js';
import type { TenantRepository } from '../data/tenant.repository.js';
import type { UserRepository } from '../data/user.repository.js';
import { generateApiKey, generateBetaToken, hashApiKey, maskApiKey } from './api-key.js';
import { now, type EventRelay, type ResolvedPrincipal } from './ports.js';

/** The shape of a key in new_token / token_list (§3.2). */
export interface ApiTokenView {
  tenant_id: string;
  token: string;
  dialog_id?: string | null;
  source?: string | null;
  beta: string | null;
  create_time: number;
  create_date: string;
  update_time: number | null;
  update_date: string | null;
}

function view(record: ApiTokenRecord, token: string, listing: boolean): ApiTokenView {
  return {
    tenant_id: record.tenant_id,
    token,
    ...(listing ? { dialog_id: record.dialog_id, source: record.source } : {}),
    beta: record.beta,
    create_time: record.create_time,
    create_date: httpDate(record.create_time),
    update_time: record.update_time,
    update_date: record.update_time === null ? null : httpDate(record.update_time),
  };
}

/**
 * API keys of a tenant. Only the SHA-256 of a key is stored: the full key is shown once, in the
 * reply that creates it; listings show the masked form, which also works for deleting.
 */
export class ApiKeyService {
  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly tenants: TenantRepository,
    private readonly users: UserRepository,
    private readonly events: EventRelay,
  ) {}

  async create(tenantId: string): Promise<ApiTokenView> {
    await this.requireTenant(tenantId);
    const key = generateApiKey();
    const record: ApiTokenRecord = {
      token_hash: hashApiKey(key),
      tenant_id: tenantId,
      token_masked: maskApiKey(key),
      beta: generateBetaToken(),
      dialog_id: null,
      source: null,
      create_time: now(),
      update_time: null,
    };
    await this.tokens.insert(record, [{ type: EventTypes.apiKeyCreated, tenantId, data: { token_hash: record.token_hash } }]);
    await this.events.flush();
    return view(record, key, false);
  }

  async list(tenantId: string): Promise<ApiTokenView[]> {
    await this.requireTenant(tenantId);
    const records = await this.tokens.listFor(tenantId);
    for (const record of records) {
      if (record.beta) continue;
      record.beta = generateBetaToken();
      await this.tokens.setBeta(record.token_hash, record.beta);
    }
    return records.map((r) => view(r, r.token_masked, true));
  }

  /** Accepts the full key or its masked form; an unknown key is not an error (RAGFlow answers true). */
  async delete(tenantId: string, token: string): Promise<true> {
    await this.requireTenant(tenantId);
    const removed = await this.tokens.deleteMatching(tenantId, hashApiKey(token), token, (hashes) =>
      hashes.map((tokenHash) => ({ type: EventTypes.apiKeyRevoked, tenantId, data: { token_hash: tokenHash } })),
    );
    if (removed.length) await this.events.flush();
    return true;
  }

  /** A presented key (as its hash) → the tenant it belongs to, acting as that tenant's owner. */
  async resolve(tokenHash: unknown): Promise<ResolvedPrincipal> {
    const record = typeof tokenHash === 'string' ? await this.tokens.findByHash(tokenHash) : undefined;
    if (!record) throw new RagError('AUTH_INVALID_KEY', {}, false);
    const owner = (await this.users.ownerOf(record.tenant_id)) ?? record.tenant_id;
    const tenantIds = await this.users.tenantIdsOf(owner);
    return { tenant_id: record.tenant_id, user_id: owner, tenant_ids: tenantIds.length ? tenantIds : [record.tenant_id] };
  }

  private async requireTenant(tenantId: string): Promise<void> {
    if (!tenantId || !(await this.tenants.findById(tenantId))) throw new RagError('TENANT_NOT_FOUND_WEB');
  }
}
