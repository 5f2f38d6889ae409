import { setTimeout as delay } from 'node:timers/promises';
import { EventTypes, RagError, catalogModelsOf, isKnownFactory, pythonRepr, splitModelRef } from '@rag/contracts';
import { isBlockedAddressError, type NetworkGuard } from '@rag/platform';
import type { TenantModelRecord, TenantModelRepository } from '../data/tenant-model.repository.js';
import { fieldError, optionalInteger, optionalString, requireString } from './field-rules.js';
import { WHOLE_FACTORY_ADD, compositeApiKey, isModelType, storedModelName } from './model-naming.js';
import { resolveCredentials, type ModelCredentials } from './model-credentials.js';
import { factoryList, modelList, myModels } from './model-views.js';
import { now, type DomainEvent, type EventRelay } from './ports.js';

/** Longest wait for the DNS answer that checks a new `api_base`; a slow resolver leaves it to the call-time check. */
const ENDPOINT_LOOKUP_MS = 2000;

const changed = (tenantId: string): DomainEvent[] => [{ type: EventTypes.tenantModelsChanged, tenantId, data: { tenant_id: tenantId } }];

/**
 * A tenant's model settings (§17, §5.4). No network call is made to a provider here: RAGFlow
 * probes a model with the key before saving it, but this service must work offline and never
 * reach the internet from a settings call, so keys and base URLs are stored unchecked; a bad key
 * shows up when the model is first used. The one check made is where the `api_base` points: the
 * server's own networks are refused unless the operator allows them (the guard runs again at
 * every call, which is the check that holds against DNS changes).
 */
export class ModelService {
  constructor(
    private readonly models: TenantModelRepository,
    private readonly events: EventRelay,
    private readonly guard: NetworkGuard,
  ) {}

  factories() {
    return factoryList();
  }

  async mine(tenantId: string, details: boolean) {
    return myModels(await this.models.listFor(tenantId), details);
  }

  async list(tenantId: string, modelType: string | undefined) {
    return modelList(await this.models.listFor(tenantId), modelType);
  }

  /** Internal (model callers only): the provider settings, key included, of one of the tenant's models. */
  async credentials(tenantId: unknown, ref: unknown, type: unknown): Promise<ModelCredentials> {
    if (typeof tenantId !== 'string' || !tenantId) throw new RagError('TENANT_NOT_FOUND_WEB');
    if (typeof type !== 'string' || !isModelType(type)) throw new RagError('MODEL_TYPE_INVALID', { model_type: pythonRepr(type) });
    return resolveCredentials(await this.models.listFor(tenantId), typeof ref === 'string' ? ref.trim() : '', type);
  }

  /** Records the tokens a call to one of the tenant's models used; built-in engines without a row are not counted. */
  async recordUsage(tenantId: unknown, ref: unknown, type: unknown, tokens: unknown): Promise<true> {
    const amount = typeof tokens === 'number' && Number.isFinite(tokens) ? Math.max(0, Math.round(tokens)) : 0;
    if (typeof tenantId !== 'string' || !tenantId || typeof ref !== 'string' || !amount) return true;
    const { name, factory } = splitModelRef(ref.trim());
    const row = (await this.models.listFor(tenantId)).find((r) => r.llm_name === name && (!factory || r.llm_factory === factory) && (typeof type !== 'string' || r.model_type === type));
    if (row) await this.models.addUsage({ tenant_id: tenantId, llm_factory: row.llm_factory, llm_name: row.llm_name }, amount);
    return true;
  }

  /** Stores the key (and base URL) for every catalog model of the factory, adding those the tenant lacks. */
  async setApiKey(tenantId: string, body: Record<string, unknown>): Promise<true> {
    const factory = requireString(body, 'llm_factory');
    const apiKey = requireString(body, 'api_key');
    const apiBase = optionalString(body, 'base_url', '');
    await this.checkEndpoint(apiBase);
    await this.saveFactory(tenantId, factory, apiKey, apiBase);
    return true;
  }

  /** Adds (or updates) one model of an allowed factory, applying the name-suffix rule of §5.4. */
  async add(tenantId: string, body: Record<string, unknown>): Promise<true> {
    const factory = body.llm_factory;
    if (typeof factory !== 'string' || !isKnownFactory(factory)) throw new RagError('FACTORY_NOT_ALLOWED', { factory: pythonRepr(factory) });
    if (WHOLE_FACTORY_ADD.has(factory)) {
      const baseUrl = optionalString(body, 'base_url', '');
      await this.checkEndpoint(baseUrl);
      await this.saveFactory(tenantId, factory, compositeApiKey(factory, body.model_type, body) ?? '', baseUrl);
      return true;
    }
    if (!('model_type' in body)) throw new RagError('MODEL_TYPE_MISSING', {}, null);
    if (!isModelType(body.model_type)) throw new RagError('MODEL_TYPE_INVALID', { model_type: pythonRepr(body.model_type) });
    if (!('llm_name' in body)) throw new RagError('REQUIRED_ARGUMENTS', { fields: 'llm_name' });
    const name = requireString(body, 'llm_name');
    if (!name.trim()) throw fieldError('llm_name', 'String should have at least 1 character', name);
    const apiBase = optionalString(body, 'api_base', '');
    await this.checkEndpoint(apiBase);
    const at = now();
    const record: TenantModelRecord = {
      tenant_id: tenantId,
      llm_factory: factory,
      llm_name: storedModelName(factory, name),
      model_type: body.model_type,
      api_key: compositeApiKey(factory, body.model_type, body) ?? optionalString(body, 'api_key', 'x'),
      api_base: apiBase,
      max_tokens: optionalInteger(body, 'max_tokens'),
      used_tokens: 0,
      status: '1',
      create_time: at,
      update_time: at,
    };
    await this.models.upsert([record], ['model_type', 'api_key', 'api_base', 'max_tokens', 'update_time'], changed(tenantId));
    await this.events.flush();
    return true;
  }

  async delete(tenantId: string, body: Record<string, unknown>): Promise<true> {
    if (typeof body.llm_factory === 'string' && typeof body.llm_name === 'string') {
      await this.models.delete({ tenant_id: tenantId, llm_factory: body.llm_factory, llm_name: body.llm_name }, changed(tenantId));
      await this.events.flush();
    }
    return true;
  }

  /** `status` is stored as text, `"1"` (enabled) unless given. */
  async enable(tenantId: string, body: Record<string, unknown>): Promise<true> {
    const status = 'status' in body ? pythonRepr(body.status) : '1';
    if (status !== '0' && status !== '1') throw fieldError('status', "Input should be '0' or '1'", body.status);
    if (typeof body.llm_factory === 'string' && typeof body.llm_name === 'string') {
      await this.models.setStatus({ tenant_id: tenantId, llm_factory: body.llm_factory, llm_name: body.llm_name }, status, now(), changed(tenantId));
      await this.events.flush();
    }
    return true;
  }

  async deleteFactory(tenantId: string, body: Record<string, unknown>): Promise<true> {
    if (typeof body.llm_factory === 'string') {
      await this.models.deleteFactory(tenantId, body.llm_factory, changed(tenantId));
      await this.events.flush();
    }
    return true;
  }

  /** Refuses an endpoint in a network the operator has not opened; a text that is no URL is left for the call to report. */
  private async checkEndpoint(apiBase: string): Promise<void> {
    const text = apiBase.trim();
    if (!text || !URL.canParse(text)) return;
    try {
      this.guard.checkUrlStatic(text);
      await Promise.race([this.guard.checkUrl(text).catch((err: unknown) => (isBlockedAddressError(err) ? Promise.reject(err) : undefined)), delay(ENDPOINT_LOOKUP_MS)]);
    } catch (err) {
      if (isBlockedAddressError(err)) throw new RagError('MODEL_ENDPOINT_BLOCKED', { url: text, reason: err.message }, false);
      throw err;
    }
  }

  private async saveFactory(tenantId: string, factory: string, apiKey: string, apiBase: string): Promise<void> {
    const at = now();
    const records: TenantModelRecord[] = catalogModelsOf(factory).map((m) => ({
      tenant_id: tenantId,
      llm_factory: factory,
      llm_name: m.llm_name,
      model_type: m.model_type,
      api_key: apiKey,
      api_base: apiBase,
      max_tokens: m.max_tokens,
      used_tokens: 0,
      status: '1',
      create_time: at,
      update_time: at,
    }));
    if (!records.length) return;
    await this.models.upsert(records, ['api_key', 'api_base', 'max_tokens', 'update_time'], changed(tenantId));
    await this.events.flush();
  }
}
