import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '@rag/contracts';
import type { ChatRow } from '../data/chat.repository.js';
import { DEFAULT_SYSTEM_PROMPT, defaultLlmSetting, defaultPromptConfig, promptToStorage, storedDataset, toChatApi } from './chat-shape.js';

function row(over: Partial<ChatRow> = {}): ChatRow {
  return {
    id: 'c1',
    tenant_id: 't1',
    name: 'assistant',
    description: 'A helpful Assistant',
    avatar: '',
    language: 'English',
    llm_id: 'glm-4-flash@ZHIPU-AI',
    llm_setting: defaultLlmSetting(),
    prompt_type: 'simple',
    prompt_config: defaultPromptConfig(),
    meta_data_filter: {},
    similarity_threshold: 0.2,
    vector_similarity_weight: 0.3,
    top_n: 6,
    top_k: 1024,
    do_refer: '1',
    rerank_id: '',
    dataset_ids: ['d1'],
    status: '1',
    create_time: 1_700_000_000_000,
    update_time: 1_700_000_000_000,
    ...over,
  };
}

test('the built-in system prompt is RAGFlow\'s, byte for byte', () => {
  assert.equal(
    DEFAULT_SYSTEM_PROMPT,
    'You are an intelligent assistant. Please summarize the content of the dataset to answer the question. Please list the data in the dataset and answer in detail. When all dataset content is irrelevant to the question, your answer must include the sentence "The answer you are looking for is not found in the dataset!" Answers need to consider chat history.\n      Here is the knowledge base:\n      {knowledge}\n      The above is the knowledge base.',
  );
  assert.deepEqual(defaultPromptConfig(), {
    system: DEFAULT_SYSTEM_PROMPT,
    prologue: "Hi! I'm your assistant. What can I do for you?",
    parameters: [{ key: 'knowledge', optional: false }],
    empty_response: 'Sorry! No relevant content was found in the knowledge base!',
    quote: true,
    tts: false,
    refine_multiturn: true,
  });
});

test('a request prompt maps onto prompt_config and columns (§10.1)', () => {
  const { promptConfig, columns } = promptToStorage({
    prompt: 'Hi {knowledge}',
    opener: 'Hello',
    variables: [{ key: 'knowledge', optional: true }],
    show_quote: false,
    empty_response: 'none',
    keywords_similarity_weight: 0.7,
    similarity_threshold: 0.1,
    top_n: 3,
    top_k: 99,
    rerank_model: 'BAAI/bge-reranker-v2-m3',
    tts: true,
  });
  assert.deepEqual(promptConfig, {
    empty_response: 'none',
    tts: true,
    parameters: [{ key: 'knowledge', optional: true }],
    prologue: 'Hello',
    quote: false,
    system: 'Hi {knowledge}',
  });
  assert.deepEqual(columns, { similarity_threshold: 0.1, vector_similarity_weight: 0.7, top_n: 3, rerank_id: 'BAAI/bge-reranker-v2-m3', top_k: 99 });
});

test('the API object of create: nested llm/prompt, dataset_ids echoed, no top_k, 1 − vector weight', () => {
  const api = toChatApi(row({ vector_similarity_weight: 0.7 }), { mode: 'create', datasetIds: ['d1', ''] });
  assert.deepEqual(Object.keys(api).sort(), [
    'avatar', 'create_date', 'create_time', 'dataset_ids', 'description', 'do_refer', 'id', 'language', 'llm', 'meta_data_filter', 'name', 'prompt', 'prompt_type', 'status',
    'tenant_id', 'update_date', 'update_time',
  ]);
  assert.deepEqual(api.dataset_ids, ['d1', '']);
  assert.deepEqual(api.llm, { temperature: 0.1, top_p: 0.3, frequency_penalty: 0.7, presence_penalty: 0.4, max_tokens: 512, model_name: 'glm-4-flash@ZHIPU-AI' });
  const prompt = api.prompt as Record<string, unknown>;
  assert.ok(Math.abs((prompt.keywords_similarity_weight as number) - 0.3) < 1e-12);
  assert.deepEqual(Object.keys(prompt).sort(), ['empty_response', 'keywords_similarity_weight', 'opener', 'prompt', 'refine_multiturn', 'rerank_model', 'show_quote', 'similarity_threshold', 'top_n', 'tts', 'variables']);
  assert.equal(api.create_date, 'Tue, 14 Nov 2023 22:13:20 GMT');
});

test('the API object of list: datasets instead of dataset_ids, top_k kept, default weight answers 0.7', () => {
  const api = toChatApi(row({ prompt_config: { ...defaultPromptConfig(), do_refer: 'x' } }), { mode: 'list', datasets: [{ id: 'd1' }] });
  assert.equal(api.top_k, 1024);
  assert.deepEqual(api.datasets, [{ id: 'd1' }]);
  assert.equal('dataset_ids' in api, false);
  const prompt = api.prompt as Record<string, unknown>;
  assert.equal(prompt.keywords_similarity_weight, 0.7);
  assert.equal(prompt.show_quotation, 'x', 'the list mapping also renames do_refer');
  for (const stored of ['kb_ids', 'icon', 'llm_id', 'llm_setting', 'prompt_config', 'similarity_threshold', 'vector_similarity_weight', 'top_n', 'rerank_id']) assert.equal(stored in api, false, stored);
});

test('datasets of a listed chat are stored rows: the four §5 renamings undone', () => {
  const d = { id: 'd1', name: 'n', chunk_count: 3, document_count: 1, chunk_method: 'naive', embedding_model: 'e@Builtin', token_num: 9 } as unknown as Dataset;
  assert.deepEqual(storedDataset(d), { id: 'd1', name: 'n', token_num: 9, chunk_num: 3, doc_num: 1, parser_id: 'naive', embd_id: 'e@Builtin' });
});
