import { CATALOG_FACTORIES, CATALOG_MODELS, HIDDEN_FACTORIES, MODEL_TYPES, type CatalogFactory } from '@rag/contracts';
import type { TenantModelRecord } from '../data/tenant-model.repository.js';

/** Read-only views of the model catalog and a tenant's models (§17 factories, my_llms, list). */

export interface FactoryView {
  name: string;
  logo: string;
  tags: string;
  status: string;
  rank: number;
  model_types: string[];
}

/** Factories that run on the user's own machines, usable without a key. `Builtin` models run here, offline. */
const SELF_DEPLOYED = new Set(['FastEmbed', 'Ollama', 'Xinference', 'LocalAI', 'LM-Studio', 'GPUStack', 'Builtin']);

const factoryByName = new Map<string, CatalogFactory>(CATALOG_FACTORIES.map((f) => [f.name, f]));

export function factoryTags(name: string): string | null {
  return factoryByName.get(name)?.tags ?? null;
}

/** Visible factories by rank (highest first, catalog order among equals), each with the model types it offers. */
export function factoryList(): FactoryView[] {
  return CATALOG_FACTORIES.filter((f) => !HIDDEN_FACTORIES.has(f.name))
    .map((f, index) => ({ f, index }))
    .sort((a, b) => b.f.rank - a.f.rank || a.index - b.index)
    .map(({ f }) => {
      const offered = new Set(CATALOG_MODELS.filter((m) => m.factory === f.name).map((m) => m.model_type));
      const model_types = offered.size ? MODEL_TYPES.filter((t) => offered.has(t)) : [...MODEL_TYPES];
      return { name: f.name, logo: '', tags: f.tags, status: f.status, rank: f.rank, model_types };
    });
}

export interface MyModelEntry {
  type: string;
  name: string;
  used_token: number;
  status: string;
  api_base?: string;
  max_tokens?: number;
}

/**
 * `my_llms`: the tenant's models grouped by factory. The short form lists models that have a key
 * set (as RAGFlow does); the detailed form lists all of them with base URL and context size.
 */
export function myModels(records: TenantModelRecord[], details: boolean): Record<string, { tags: string | null; llm: MyModelEntry[] }> {
  const out: Record<string, { tags: string | null; llm: MyModelEntry[] }> = {};
  for (const r of records) {
    if (!details && (r.api_key === null || !factoryByName.has(r.llm_factory))) continue;
    const group = (out[r.llm_factory] ??= { tags: factoryTags(r.llm_factory), llm: [] });
    group.llm.push(
      details
        ? { type: r.model_type, name: r.llm_name, used_token: r.used_tokens, api_base: r.api_base || '', max_tokens: r.max_tokens || 8192, status: r.status || '1' }
        : { type: r.model_type, name: r.llm_name, used_token: r.used_tokens, status: r.status },
    );
  }
  return out;
}

export interface ListedModel {
  llm_name: string;
  model_type: string;
  fid: string;
  max_tokens?: number;
  tags?: string;
  is_tools?: boolean;
  status: string;
  available: boolean;
}

/**
 * `list`: the catalog models the tenant can use (Builtin ones and those it configured), each
 * marked available when its factory has a key or needs none; then the tenant's own models the
 * catalog does not know. Filtered by model type (substring, as upstream), grouped by factory.
 */
export function modelList(records: TenantModelRecord[], modelType: string | undefined): Record<string, ListedModel[]> {
  const valid = records.filter((r) => r.status === '1');
  const keyed = new Set(valid.filter((r) => r.api_key).map((r) => r.llm_factory));
  const configured = new Set(valid.map((r) => `${r.llm_name}@${r.llm_factory}`));
  const listed: ListedModel[] = CATALOG_MODELS.filter((m) => m.factory === 'Builtin' || configured.has(`${m.llm_name}@${m.factory}`)).map((m) => ({
    llm_name: m.llm_name,
    model_type: m.model_type,
    fid: m.factory,
    max_tokens: m.max_tokens,
    tags: m.tags,
    is_tools: m.is_tools ?? false,
    status: '1',
    available: keyed.has(m.factory) || SELF_DEPLOYED.has(m.factory) || m.llm_name.toLowerCase() === 'flag-embedding',
  }));
  const known = new Set(listed.map((m) => `${m.llm_name}@${m.fid}`));
  for (const r of records) {
    if (!known.has(`${r.llm_name}@${r.llm_factory}`)) listed.push({ llm_name: r.llm_name, model_type: r.model_type, fid: r.llm_factory, available: true, status: '1' });
  }
  const out: Record<string, ListedModel[]> = {};
  for (const m of listed) {
    if (modelType && !m.model_type.includes(modelType)) continue;
    (out[m.fid] ??= []).push(m);
  }
  return out;
}
