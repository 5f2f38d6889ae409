import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RagError, type TenantModel } from '@rag/contracts';
import { checkChatModel, checkParameters, checkRerankModel, takeLlm, takePrompt, withPromptDefaults } from './chat-rules.js';
import { DEFAULT_SYSTEM_PROMPT } from './chat-shape.js';
import { writableFields } from './chat-columns.js';

const model = (llm_factory: string, llm_name: string, model_type: string): TenantModel => ({ llm_factory, llm_name, model_type, api_base: null, max_tokens: 8192, used_tokens: 0, status: '1' });
const models = [model('ZHIPU-AI', 'glm-4-flash', 'chat'), model('ZHIPU-AI', 'glm-4', 'chat'), model('ZHIPU-AI', 'glm-4v', 'image2text'), model('Jina', 'jina-reranker-v2-base-multilingual', 'rerank')];

const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RagError, String(err));
    return `${err.code} ${err.message}`;
  }
  assert.fail('expected an error');
};

test('model_name: a tenant model of the asked type, by bare name or with its factory', () => {
  assert.doesNotThrow(() => checkChatModel('glm-4', undefined, models));
  assert.doesNotThrow(() => checkChatModel('glm-4-flash@ZHIPU-AI', 'chat', models));
  assert.doesNotThrow(() => checkChatModel('glm-4v', 'image2text', models));
  assert.equal(message(() => checkChatModel('glm-4v', 'chat', models)), "102 `model_name` glm-4v doesn't exist");
  assert.doesNotThrow(() => checkChatModel('glm-4', 'embedding', models));
  assert.equal(message(() => checkChatModel('glm-4@OpenAI', 'chat', models)), "102 `model_name` glm-4@OpenAI doesn't exist");
  assert.equal(message(() => checkChatModel('unknown', undefined, models)), "102 `model_name` unknown doesn't exist");
  assert.equal(message(() => checkChatModel(7, undefined, models)), "102 `model_name` 7 doesn't exist");
});

test('rerank_model: built-in rerankers, or a tenant rerank model', () => {
  assert.doesNotThrow(() => checkRerankModel('', models));
  assert.doesNotThrow(() => checkRerankModel('BAAI/bge-reranker-v2-m3', models));
  assert.doesNotThrow(() => checkRerankModel('maidalun1020/bce-reranker-base_v1', models));
  assert.doesNotThrow(() => checkRerankModel('jina-reranker-v2-base-multilingual', models));
  assert.doesNotThrow(() => checkRerankModel('jina-reranker-v2-base-multilingual@Jina', models));
  assert.equal(message(() => checkRerankModel('glm-4', models)), "102 `rerank_model` glm-4 doesn't exist");
});

test('llm: model_name becomes llm_id, the rest replaces llm_setting; null model_name is not checked', () => {
  const req: Record<string, unknown> = { llm: { model_name: 'glm-4', temperature: 0 } };
  takeLlm(req, models);
  assert.deepEqual(req, { llm_id: 'glm-4', llm_setting: { temperature: 0 } });
  const unset: Record<string, unknown> = { llm: { model_name: null } };
  takeLlm(unset, []);
  assert.deepEqual(unset, { llm_id: null, llm_setting: {} });
  const empty: Record<string, unknown> = { llm: {} };
  takeLlm(empty, models);
  assert.deepEqual(empty, { llm: {} }, 'an empty llm is left as it is');
  assert.equal(message(() => takeLlm({ llm: 'x' }, models)), `100 TypeError("'str' object does not support item assignment")`);
  assert.equal(message(() => takeLlm({ llm: 3 }, models)), `100 TypeError("argument of type 'int' is not iterable")`);
});

test('prompt: renamed into prompt_config, columns lifted to the top', () => {
  const req: Record<string, unknown> = { top_n: 1, prompt: { top_n: 2, opener: 'o', keywords_similarity_weight: 0 } };
  takePrompt(req);
  assert.deepEqual(req, { top_n: 2, vector_similarity_weight: 0, prompt_config: { prologue: 'o' } });
  const empty: Record<string, unknown> = { prompt: {} };
  takePrompt(empty);
  assert.deepEqual(empty, { prompt: {} });
  assert.equal(message(() => takePrompt({ prompt: 'x' })), `100 AttributeError("'str' object has no attribute 'get'")`);
});

test('prompt_config defaults fill absent keys, and an empty system', () => {
  const filled = withPromptDefaults({ system: '', prologue: '', parameters: [] });
  assert.equal(filled.system, DEFAULT_SYSTEM_PROMPT);
  assert.equal(filled.prologue, '', 'an empty opener is kept');
  assert.deepEqual(filled.parameters, []);
  assert.equal(filled.quote, true);
  assert.equal(filled.refine_multiturn, true);
  assert.equal(message(() => withPromptDefaults('x')), `100 AttributeError("'str' object has no attribute 'get'")`);
});

test('every required parameter must appear in the system prompt', () => {
  assert.doesNotThrow(() => checkParameters({ system: 'Hello {knowledge}', parameters: [{ key: 'knowledge', optional: false }] }));
  assert.doesNotThrow(() => checkParameters({ system: 'Hello', parameters: [{ key: 'knowledge', optional: true }] }));
  assert.doesNotThrow(() => checkParameters({ system: 'Hello', parameters: [] }));
  assert.equal(message(() => checkParameters({ system: 'Hello World', parameters: [{ key: 'knowledge', optional: false }] })), "102 Parameter 'knowledge' is not used");
  assert.equal(message(() => checkParameters({ system: 123, parameters: [{ key: 'knowledge', optional: false }] })), `100 AttributeError("'int' object has no attribute 'find'")`);
  assert.equal(message(() => checkParameters({ system: 's', parameters: [{ key: 'k' }] })), "100 KeyError('optional')");
  assert.equal(message(() => checkParameters({ system: 's', parameters: 'k' })), `100 TypeError("string indices must be integers, not 'str'")`);
  assert.equal(message(() => checkParameters({ system: 's', parameters: null })), `100 TypeError("'NoneType' object is not iterable")`);
});

test('column values are converted as the database would take them', () => {
  assert.deepEqual(writableFields({ name: 5, top_n: '3', top_k: 2.7, similarity_threshold: '0.5', icon: 'a', kb_ids: ['x'], id: 'ignored', status: '0' }), {
    name: '5',
    top_n: 3,
    top_k: 2,
    similarity_threshold: 0.5,
    avatar: 'a',
    dataset_ids: ['x'],
  });
  assert.equal(message(() => writableFields({ top_n: 'a' })), `100 ValueError("invalid literal for int() with base 10: 'a'")`);
  assert.equal(message(() => writableFields({ top_n: null })), `100 IntegrityError(1048, "Column 'top_n' cannot be null")`);
  assert.equal(message(() => writableFields({ name: 'x'.repeat(256) })), `100 DataError(1406, "Data too long for column 'name' at row 1")`);
  assert.equal(message(() => writableFields({ llm_setting: 'x' })), `100 TypeError("'str' object does not support item assignment")`);
  assert.deepEqual(writableFields({ description: null, language: null }), { description: null, language: null });
});
