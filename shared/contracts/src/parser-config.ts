import { RagError } from './errors.js';
import { GRAPHRAG_DEFAULT_ENTITY_TYPES, ParserConfigSchema, RAPTOR_DEFAULT_PROMPT } from './schemas/dataset.js';
import { withDefaults } from './schemas/helpers.js';

type Config = Record<string, unknown>;

/**
 * §5.5b: the parser_config every chunk method starts from. `audio` has no defaults (RAGFlow
 * raises), so asking for it is an error rather than an empty object.
 */
export function methodDefaults(method: string): Config {
  const base: Config = { table_context_size: 0, image_context_size: 0 };
  switch (method) {
    case 'naive':
      return {
        ...base,
        layout_recognize: 'DeepDOC',
        chunk_token_num: 512,
        delimiter: '\n',
        auto_keywords: 0,
        auto_questions: 0,
        html4excel: false,
        topn_tags: 3,
        raptor: { use_raptor: true, prompt: RAPTOR_DEFAULT_PROMPT, max_token: 256, threshold: 0.1, max_cluster: 64, random_seed: 0 },
        graphrag: { use_graphrag: true, entity_types: [...GRAPHRAG_DEFAULT_ENTITY_TYPES], method: 'light' },
      };
    case 'qa':
    case 'manual':
    case 'paper':
    case 'book':
    case 'laws':
    case 'presentation':
      return { ...base, raptor: { use_raptor: false }, graphrag: { use_graphrag: false } };
    case 'knowledge_graph':
      return {
        ...base,
        chunk_token_num: 8192,
        delimiter: '\\n',
        entity_types: ['organization', 'person', 'location', 'event', 'time'],
        raptor: { use_raptor: false },
        graphrag: { use_graphrag: false },
      };
    case 'tag':
    case 'resume':
    case 'table':
    case 'one':
    case 'email':
    case 'picture':
      return base;
    default:
      throw new RagError('EXCEPTION', { message: `KeyError('${method}')` });
  }
}

/** Deep merge: nested objects merge key by key; everything else is replaced. */
export function deepMerge(target: Config, source: Config): Config {
  const out: Config = { ...target };
  for (const [k, v] of Object.entries(source)) {
    const cur = out[k];
    out[k] = isPlainObject(cur) && isPlainObject(v) ? deepMerge(cur, v) : structuredClone(v);
  }
  return out;
}

function isPlainObject(v: unknown): v is Config {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function isEmpty(pc: unknown): boolean {
  return pc === null || pc === undefined || (isPlainObject(pc) && Object.keys(pc).length === 0);
}

/**
 * §5.5c: what create stores. No config: method defaults plus the tenant's chat model as llm_id.
 * An explicit config: method defaults deep-merged with the fully defaulted typed config, plus llm_id.
 */
export function configForCreate(method: string, sent: Config | null | undefined, tenantChatModel: string): Config {
  const defaults = methodDefaults(method);
  if (isEmpty(sent)) return { ...defaults, llm_id: tenantChatModel };
  return { ...deepMerge(defaults, withDefaults(ParserConfigSchema, sent as Config)), llm_id: tenantChatModel };
}

/**
 * §5.2 update: a non-empty config is deep-merged into the stored one (only the keys sent); a
 * chunk-method change without one replaces the stored config by the bare method defaults.
 */
export function configForUpdate(stored: Config, sent: Config | null | undefined, methodChangedTo: string | undefined): Config | undefined {
  if (!isEmpty(sent)) return deepMerge(stored, sent as Config);
  if (methodChangedTo) return methodDefaults(methodChangedTo);
  return undefined;
}
