import { BUILTIN_ANSWERER, BUILTIN_EMBEDDER, catalogModel, splitModelRef, type ModelType } from '@rag/contracts';
import type { TenantModelRecord } from '../data/tenant-model.repository.js';

/** RAGFlow's default `parser_ids` of a new tenant (chunk method:label pairs). */
export const DEFAULT_PARSER_IDS =
  'naive:General,qa:Q&A,resume:Resume,manual:Manual,table:Table,paper:Paper,book:Book,laws:Laws,presentation:Presentation,picture:Picture,one:One,audio:Audio,email:Email,tag:Tag';

/** What a new tenant starts with, from the service configuration. */
export interface TenantDefaults {
  llm_id: string;
  embd_id: string;
  rerank_id: string;
  asr_id: string;
  img2txt_id: string;
  /** Credentials for default models of a provider factory (RAGFlow's `user_default_llm`). */
  api_key: string | undefined;
  base_url: string | undefined;
}

/**
 * The model rows of a new tenant: the offline Builtin engines (which need no key), then each
 * configured default model the catalog's factory list recognises.
 */
export function initialModels(tenantId: string, defaults: TenantDefaults, at: number): TenantModelRecord[] {
  const wanted: Array<{ ref: string; type: ModelType }> = [
    { ref: `${BUILTIN_EMBEDDER}@Builtin`, type: 'embedding' },
    { ref: `${BUILTIN_ANSWERER}@Builtin`, type: 'chat' },
    { ref: defaults.llm_id, type: 'chat' },
    { ref: defaults.embd_id, type: 'embedding' },
    { ref: defaults.rerank_id, type: 'rerank' },
    { ref: defaults.asr_id, type: 'speech2text' },
    { ref: defaults.img2txt_id, type: 'image2text' },
  ];
  const rows = new Map<string, TenantModelRecord>();
  for (const { ref, type } of wanted) {
    if (!ref) continue;
    const { name, factory } = splitModelRef(ref);
    if (!factory || rows.has(`${name}@${factory}`)) continue;
    const builtin = factory === 'Builtin';
    rows.set(`${name}@${factory}`, {
      tenant_id: tenantId,
      llm_factory: factory,
      llm_name: name,
      model_type: type,
      api_key: builtin ? '' : (defaults.api_key ?? null),
      api_base: builtin ? '' : (defaults.base_url ?? ''),
      max_tokens: catalogModel(name, factory, type)?.max_tokens ?? 8192,
      used_tokens: 0,
      status: '1',
      create_time: at,
      update_time: at,
    });
  }
  return [...rows.values()];
}
