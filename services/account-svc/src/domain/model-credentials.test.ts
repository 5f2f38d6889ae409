import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RagError } from '@rag/contracts';
import type { TenantModelRecord } from '../data/tenant-model.repository.js';
import { resolveCredentials } from './model-credentials.js';

const row = (llm_factory: string, llm_name: string, model_type: string, extra: Partial<TenantModelRecord> = {}): TenantModelRecord => ({
  tenant_id: 't',
  llm_factory,
  llm_name,
  model_type,
  api_key: 'stub-key',
  api_base: 'http://127.0.0.1:9/v1',
  max_tokens: null,
  used_tokens: 0,
  status: '1',
  create_time: 1,
  update_time: 1,
  ...extra,
});

const rows = [
  row('ZHIPU-AI', 'glm-4', 'chat', { max_tokens: 128000 }),
  row('ZHIPU-AI', 'embedding-3', 'embedding'),
  row('OpenAI-API-Compatible', 'qwen___OpenAI-API', 'chat', { api_base: '' }),
  row('SILICONFLOW', 'BAAI/bge-m3', 'embedding'),
];

test('a configured model by full reference or by bare name', () => {
  assert.deepEqual(resolveCredentials(rows, 'glm-4@ZHIPU-AI', 'chat'), { factory: 'ZHIPU-AI', name: 'glm-4', type: 'chat', api_base: 'http://127.0.0.1:9/v1', api_key: 'stub-key', max_tokens: 128000 });
  assert.equal(resolveCredentials(rows, 'glm-4', 'chat').factory, 'ZHIPU-AI');
  assert.deepEqual(resolveCredentials(rows, 'qwen___OpenAI-API@OpenAI-API-Compatible', 'chat').api_base, null);
  assert.equal(resolveCredentials(rows, 'embedding-3@ZHIPU-AI', 'embedding').max_tokens, 8192);
});

test('Builtin and other key-less local models need no configuration', () => {
  assert.deepEqual(resolveCredentials([], 'BAAI/bge-small-en-v1.5@Builtin', 'embedding'), { factory: 'Builtin', name: 'BAAI/bge-small-en-v1.5', type: 'embedding', api_base: null, api_key: null, max_tokens: 512 });
  assert.equal(resolveCredentials([], 'anything@Builtin', 'chat').factory, 'Builtin');
  assert.equal(resolveCredentials([], 'BAAI/bge-small-en-v1.5', 'embedding').factory, 'Builtin');
  // A configured model wins over the local fallback.
  assert.equal(resolveCredentials(rows, 'BAAI/bge-m3', 'embedding').factory, 'SILICONFLOW');
});

test('anything else is not authorised', () => {
  const refused = (ref: string, type: string, message: string) =>
    assert.throws(() => resolveCredentials(rows, ref, type), (e: unknown) => e instanceof RagError && e.code === 100 && e.message === message);
  refused('gpt-4o@OpenAI', 'chat', "LookupError('Model(gpt-4o) not authorized')");
  refused('glm-4@OpenAI', 'chat', "LookupError('Model(glm-4) not authorized')");
  refused('BAAI/bge-small-en-v1.5', 'chat', "LookupError('Model(BAAI/bge-small-en-v1.5) not authorized')");
  refused('', 'embedding', "LookupError('Type of embedding model is not set.')");
});
