import { RagError, splitModelRef, type TenantModel } from '@rag/contracts';
import { BUILTIN_RERANKERS, defaultPromptConfig, promptToStorage } from './chat-shape.js';
import { expectDict, expectKeyed, pyError, pyIter, pyStr, pySubscript, pyTruthy, pyType } from './py.js';

/**
 * The request rules shared by chat create and update (§10.2), each working on the request as a
 * dict of RAGFlow column names, in place, as RAGFlow's handler does.
 */

/** `llm.model_name` must name a tenant model of type `llm.model_type` (chat unless image2text). */
export function checkChatModel(ref: unknown, modelType: unknown, models: readonly TenantModel[]): void {
  const type = modelType === 'image2text' ? 'image2text' : 'chat';
  const known =
    typeof ref === 'string' &&
    (() => {
      const { name, factory } = splitModelRef(ref);
      return models.some((m) => m.llm_name === name && (!factory || m.llm_factory === factory) && m.model_type === type);
    })();
  if (!known) throw new RagError('CHAT_MODEL_NOT_FOUND', { model: pyStr(ref) });
}

/** A non-empty `rerank_id` must be a built-in reranker or a rerank model of the tenant. */
export function checkRerankModel(value: unknown, models: readonly TenantModel[]): void {
  if (!pyTruthy(value)) return;
  if (typeof value === 'string' && BUILTIN_RERANKERS.includes(value)) return;
  const ref = pyStr(value);
  const { name, factory } = splitModelRef(ref);
  const known = models.some((m) => m.model_type === 'rerank' && (m.llm_name === ref || (factory !== '' && m.llm_name === name && m.llm_factory === factory)));
  if (!known) throw new RagError('CHAT_RERANK_NOT_FOUND', { model: ref });
}

/** `llm` → `llm_id` (checked) + `llm_setting` (the rest of the object). An empty `llm` is left alone. */
export function takeLlm(req: Record<string, unknown>, models: readonly TenantModel[]): void {
  if (!pyTruthy(req.llm)) return;
  const setting = { ...expectKeyed(req.llm) };
  if ('model_name' in setting) {
    req.llm_id = setting.model_name;
    delete setting.model_name;
    if (req.llm_id !== null) checkChatModel(req.llm_id, setting.model_type, models);
  }
  delete req.llm;
  req.llm_setting = setting;
}

/** `prompt` → `prompt_config` with stored key names, and its column keys moved to the top. */
export function takePrompt(req: Record<string, unknown>): void {
  if (!pyTruthy(req.prompt)) return;
  const prompt = req.prompt;
  if (typeof prompt === 'string' || Array.isArray(prompt)) throw pyError('AttributeError', `'${pyType(prompt)}' object has no attribute 'get'`);
  const { promptConfig, columns } = promptToStorage(expectKeyed(prompt));
  Object.assign(req, columns);
  delete req.prompt;
  req.prompt_config = promptConfig;
}

/** Create only: absent keys (and an empty `system`) get RAGFlow's defaults. */
export function withPromptDefaults(config: unknown): Record<string, unknown> {
  const out = { ...expectDict(config, 'get') };
  for (const [key, value] of Object.entries(defaultPromptConfig())) {
    if ((key === 'system' && !pyTruthy(out[key])) || !(key in out)) out[key] = value;
  }
  return out;
}

/** Every non-optional parameter must appear as `{key}` in the system prompt. */
export function checkParameters(config: Record<string, unknown>): void {
  for (const p of pyIter(pySubscript(config, 'parameters'))) {
    if (pyTruthy(pySubscript(p, 'optional'))) continue;
    const key = pyStr(pySubscript(p, 'key'));
    const system = pySubscript(config, 'system');
    if (typeof system !== 'string') throw pyError('AttributeError', `'${pyType(system)}' object has no attribute 'find'`);
    if (!system.includes(`{${key}}`)) throw new RagError('CHAT_PARAMETER_UNUSED', { key });
  }
}
