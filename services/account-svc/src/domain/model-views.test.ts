import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TenantModelRecord } from '../data/tenant-model.repository.js';
import { factoryList, modelList, myModels } from './model-views.js';
import { initialModels } from './tenant-defaults.js';

const row = (llm_factory: string, llm_name: string, model_type: string, extra: Partial<TenantModelRecord> = {}): TenantModelRecord => ({
  tenant_id: 't',
  llm_factory,
  llm_name,
  model_type,
  api_key: 'k',
  api_base: '',
  max_tokens: null,
  used_tokens: 0,
  status: '1',
  create_time: 1,
  update_time: 1,
  ...extra,
});

test('factories: hidden ones left out, highest rank first, with model types', () => {
  const list = factoryList();
  const names = list.map((f) => f.name);
  for (const hidden of ['Builtin', 'FastEmbed', 'BAAI', 'Youdao']) assert.ok(!names.includes(hidden));
  assert.equal(names[0], 'OpenAI');
  for (let i = 1; i < list.length; i++) assert.ok(list[i - 1]!.rank >= list[i]!.rank);
  assert.deepEqual(list.find((f) => f.name === 'ZHIPU-AI')!.model_types, ['chat', 'embedding', 'image2text']);
  assert.equal(list.find((f) => f.name === 'xAI')!.model_types.length, 7);
  assert.equal(list.length, 53);
});

test('my_llms groups by factory; the short form lists keyed models only', () => {
  const rows = [row('ZHIPU-AI', 'glm-4', 'chat', { used_tokens: 5 }), row('ZHIPU-AI', 'embedding-3', 'embedding', { api_base: 'http://x/v1', max_tokens: 512 }), row('OpenAI', 'gpt-4o', 'chat', { api_key: null })];
  const short = myModels(rows, false);
  assert.deepEqual(Object.keys(short), ['ZHIPU-AI']);
  assert.deepEqual(short['ZHIPU-AI']!.llm[0], { type: 'chat', name: 'glm-4', used_token: 5, status: '1' });
  assert.equal(short['ZHIPU-AI']!.tags, 'LLM,TEXT EMBEDDING,SPEECH2TEXT,MODERATION');
  const full = myModels(rows, true);
  assert.deepEqual(Object.keys(full), ['ZHIPU-AI', 'OpenAI']);
  assert.deepEqual(full['ZHIPU-AI']!.llm[1], { type: 'embedding', name: 'embedding-3', used_token: 0, api_base: 'http://x/v1', max_tokens: 512, status: '1' });
  assert.equal(full['ZHIPU-AI']!.llm[0]!.max_tokens, 8192);
});

test('list marks availability and filters by model type', () => {
  const rows = [row('ZHIPU-AI', 'glm-4', 'chat'), row('OpenAI-API-Compatible', 'qwen___OpenAI-API', 'chat', { api_key: 'x' })];
  const all = modelList(rows, undefined);
  assert.ok(all.Builtin!.every((m) => m.available));
  assert.deepEqual(all['ZHIPU-AI']!.map((m) => [m.llm_name, m.available]), [['glm-4', true]]);
  assert.deepEqual(all['OpenAI-API-Compatible'], [{ llm_name: 'qwen___OpenAI-API', model_type: 'chat', fid: 'OpenAI-API-Compatible', available: true, status: '1' }]);
  const embeddings = modelList(rows, 'embedding');
  assert.deepEqual(Object.keys(embeddings), ['Builtin']);
  assert.ok(embeddings.Builtin!.every((m) => m.model_type === 'embedding'));
});

test('a new tenant starts with the offline Builtin models and its configured defaults', () => {
  const rows = initialModels('t', { llm_id: 'glm-4-flash@ZHIPU-AI', embd_id: 'hashing-embedder-384@Builtin', rerank_id: '', asr_id: '', img2txt_id: 'nofactory', api_key: 'sk', base_url: undefined }, 5);
  assert.deepEqual(
    rows.map((r) => [r.llm_name, r.llm_factory, r.model_type, r.api_key]),
    [
      ['hashing-embedder-384', 'Builtin', 'embedding', ''],
      ['extractive-answerer', 'Builtin', 'chat', ''],
      ['glm-4-flash', 'ZHIPU-AI', 'chat', 'sk'],
    ],
  );
  assert.equal(rows[2]!.max_tokens, 128000);
});
