import { RagError, catalogModel, splitModelRef, type TenantProfile } from '@rag/contracts';

/**
 * §5.2 embedding availability. `Builtin` models are always usable; a model the tenant configured
 * is usable; one the system catalog knows but the tenant did not configure is "Unauthorized";
 * anything else is "Unsupported".
 */
export function checkEmbeddingModel(ref: string, tenant: Pick<TenantProfile, 'models'>): void {
  const { name, factory } = splitModelRef(ref);
  if (factory === 'Builtin') return;
  const configured = tenant.models.some((m) => m.llm_name === name && m.llm_factory === factory && m.model_type === 'embedding');
  if (configured) return;
  if (factory && catalogModel(name, factory, 'embedding')) throw new RagError('UNAUTHORIZED_MODEL', { model: ref });
  throw new RagError('UNSUPPORTED_MODEL', { model: ref });
}
