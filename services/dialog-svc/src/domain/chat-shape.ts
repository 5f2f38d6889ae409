import { httpDate } from '@rag/platform';
import type { Dataset } from '@rag/contracts';
import type { ChatRow } from '../data/chat.repository.js';

/**
 * The two shapes of a chat assistant (CONTRACT §10.1): the nested API object (`llm`, `prompt`,
 * `avatar`, `dataset_ids`/`datasets`) and the stored row. Requests are first mapped onto
 * RAGFlow's column names (`icon`, `kb_ids`, `llm_setting`, `prompt_config`, …) so that the rules
 * of §10.2 read as the contract states them; `toRow`/`toChatApi` cross to and from the table.
 */

/** RAGFlow's built-in system prompt (byte-exact; clients compare it with `==`). */
export const DEFAULT_SYSTEM_PROMPT =
  'You are an intelligent assistant. Please summarize the content of the dataset to answer the question. Please list the data in the dataset and answer in detail. ' +
  'When all dataset content is irrelevant to the question, your answer must include the sentence "The answer you are looking for is not found in the dataset!" ' +
  'Answers need to consider chat history.\n      Here is the knowledge base:\n      {knowledge}\n      The above is the knowledge base.';

/** Filled into `prompt_config` on create when a key is absent (and `system` also when empty). */
export function defaultPromptConfig(): Record<string, unknown> {
  return {
    system: DEFAULT_SYSTEM_PROMPT,
    prologue: "Hi! I'm your assistant. What can I do for you?",
    parameters: [{ key: 'knowledge', optional: false }],
    empty_response: 'Sorry! No relevant content was found in the knowledge base!',
    quote: true,
    tts: false,
    refine_multiturn: true,
  };
}

/** The `llm_setting` column default, used when a create sends no `llm`. */
export function defaultLlmSetting(): Record<string, unknown> {
  return { temperature: 0.1, top_p: 0.3, frequency_penalty: 0.7, presence_penalty: 0.4, max_tokens: 512 };
}

/** Rerank models accepted by name without a tenant model row. */
export const BUILTIN_RERANKERS: readonly string[] = ['BAAI/bge-reranker-v2-m3', 'maidalun1020/bce-reranker-base_v1'];

/** `prompt_config` key → API `prompt` key. */
const PROMPT_NAMES: ReadonlyArray<[stored: string, api: string]> = [
  ['parameters', 'variables'],
  ['prologue', 'opener'],
  ['quote', 'show_quote'],
  ['system', 'prompt'],
  ['rerank_id', 'rerank_model'],
  ['vector_similarity_weight', 'keywords_similarity_weight'],
];
/** The list endpoint's output mapping also renames `do_refer`. */
const LIST_PROMPT_NAMES: ReadonlyArray<[string, string]> = [...PROMPT_NAMES, ['do_refer', 'show_quotation']];

/** `prompt` keys that are columns of their own, not part of `prompt_config`. */
const PROMPT_COLUMNS = ['similarity_threshold', 'vector_similarity_weight', 'top_n', 'rerank_id', 'top_k'] as const;

/**
 * Maps a request `prompt` (already known to be a dict) onto storage: keys renamed to their stored
 * names, the column keys moved out. Returns the new `prompt_config` and the column values.
 */
export function promptToStorage(prompt: Record<string, unknown>): { promptConfig: Record<string, unknown>; columns: Record<string, unknown> } {
  const config = { ...prompt };
  for (const [stored, api] of PROMPT_NAMES) {
    if (api in config) {
      const value = config[api];
      delete config[api];
      config[stored] = value;
    }
  }
  const columns: Record<string, unknown> = {};
  for (const key of PROMPT_COLUMNS) {
    if (key in config) {
      columns[key] = config[key];
      delete config[key];
    }
  }
  return { promptConfig: config, columns };
}

function renamed(config: Record<string, unknown>, names: ReadonlyArray<[string, string]>): Record<string, unknown> {
  const map = new Map(names);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) out[map.get(key) ?? key] = value;
  return out;
}

/** A dataset as RAGFlow stores it (the inverse of §5's four renamings), for the list's `datasets`. */
export function storedDataset(d: Dataset): Record<string, unknown> {
  const { chunk_count, document_count, chunk_method, embedding_model, ...rest } = d;
  return { ...rest, chunk_num: chunk_count, doc_num: document_count, parser_id: chunk_method, embd_id: embedding_model };
}

export type ChatView = { mode: 'create'; datasetIds: unknown } | { mode: 'list'; datasets: Record<string, unknown>[] };

/**
 * The API object of a chat (§10.1). Create answers `dataset_ids` (the request's list) and has no
 * `top_k`; list answers `datasets` (stored dataset rows) and keeps `top_k`.
 */
export function toChatApi(row: ChatRow, view: ChatView): Record<string, unknown> {
  const prompt = {
    ...renamed(row.prompt_config, view.mode === 'list' ? LIST_PROMPT_NAMES : PROMPT_NAMES),
    similarity_threshold: row.similarity_threshold,
    keywords_similarity_weight: 1 - row.vector_similarity_weight,
    top_n: row.top_n,
    rerank_model: row.rerank_id,
  };
  const out: Record<string, unknown> = {
    id: row.id,
    tenant_id: row.tenant_id,
    name: row.name,
    description: row.description,
    language: row.language,
    prompt_type: row.prompt_type,
    meta_data_filter: row.meta_data_filter,
    ...(view.mode === 'list' ? { top_k: row.top_k } : {}),
    do_refer: row.do_refer,
    status: row.status,
    create_time: row.create_time,
    create_date: httpDate(row.create_time),
    update_time: row.update_time,
    update_date: httpDate(row.update_time),
    prompt,
    llm: { ...row.llm_setting, model_name: row.llm_id },
  };
  if (view.mode === 'create') out.dataset_ids = view.datasetIds;
  else out.datasets = view.datasets;
  out.avatar = row.avatar;
  return out;
}

/**
 * RAGFlow's column names of a dialog (also what `?orderby=` accepts), mapped to this table's:
 * `icon` is `avatar`, `kb_ids` is `dataset_ids`, and the `*_date` columns order as their `*_time`.
 */
export const CHAT_COLUMNS: Readonly<Record<string, keyof ChatRow>> = {
  id: 'id',
  tenant_id: 'tenant_id',
  name: 'name',
  description: 'description',
  icon: 'avatar',
  language: 'language',
  llm_id: 'llm_id',
  llm_setting: 'llm_setting',
  prompt_type: 'prompt_type',
  prompt_config: 'prompt_config',
  meta_data_filter: 'meta_data_filter',
  similarity_threshold: 'similarity_threshold',
  vector_similarity_weight: 'vector_similarity_weight',
  top_n: 'top_n',
  top_k: 'top_k',
  do_refer: 'do_refer',
  rerank_id: 'rerank_id',
  kb_ids: 'dataset_ids',
  status: 'status',
  create_time: 'create_time',
  create_date: 'create_time',
  update_time: 'update_time',
  update_date: 'update_time',
};

/** Is this key a column of RAGFlow's dialog table? */
export function isChatColumn(name: string): boolean {
  return Object.hasOwn(CHAT_COLUMNS, name);
}

/** Row fields for RAGFlow-named columns (values already coerced). */
export function toRowFields(columns: Record<string, unknown>): Partial<ChatRow> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(columns)) {
    const field = Object.hasOwn(CHAT_COLUMNS, key) ? CHAT_COLUMNS[key] : undefined;
    if (field) out[field] = value;
  }
  return out as Partial<ChatRow>;
}
