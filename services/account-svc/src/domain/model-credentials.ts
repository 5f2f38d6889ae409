import { HIDDEN_FACTORIES, RagError, catalogModel, CATALOG_MODELS, splitModelRef } from '@rag/contracts';
import type { TenantModelRecord } from '../data/tenant-model.repository.js';

/**
 * What a model caller needs to call one of a tenant's models (@rag/models `ModelSpec`). Only
 * services get this, over the bus: it carries the provider key in full.
 */
export interface ModelCredentials {
  factory: string;
  name: string;
  type: string;
  api_base: string | null;
  api_key: string | null;
  max_tokens: number;
}

/**
 * Binds a model reference (`name@factory`, or a bare name) to the tenant's configured model,
 * as RAGFlow's model lookup does: the tenant's row by name (and factory when given), the one of
 * the wanted type first; otherwise a model of a key-less local factory (`Builtin` and the other
 * hidden ones); otherwise the model is not authorised.
 */
export function resolveCredentials(records: readonly TenantModelRecord[], ref: string, type: string): ModelCredentials {
  if (!ref) throw new RagError('MODEL_TYPE_NOT_SET', { model_type: type });
  const { name, factory } = splitModelRef(ref);
  const candidates = records.filter((r) => r.llm_name === name && (!factory || r.llm_factory === factory));
  const row = candidates.find((r) => r.model_type === type) ?? candidates[0];
  if (row) {
    return { factory: row.llm_factory, name: row.llm_name, type, api_base: row.api_base || null, api_key: row.api_key, max_tokens: row.max_tokens ?? 8192 };
  }
  const local =
    factory === 'Builtin'
      ? { factory, max_tokens: catalogModel(name, factory)?.max_tokens }
      : !factory && (type === 'embedding' || type === 'rerank')
        ? CATALOG_MODELS.find((m) => m.llm_name === name && HIDDEN_FACTORIES.has(m.factory))
        : undefined;
  if (local) return { factory: local.factory, name, type, api_base: null, api_key: null, max_tokens: local.max_tokens ?? 8192 };
  throw new RagError('MODEL_NOT_AUTHORIZED', { model: name });
}
