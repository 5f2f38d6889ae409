import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RagError, configForCreate, configForUpdate, methodDefaults } from '@rag/contracts';
import { nextFreeName, nameStem } from './naming.js';
import { checkEmbeddingModel } from './embedding.js';

test('name de-duplication', () => {
  const taken = new Set(['ds', 'ds(1)', 'a.txt', 'a(1).txt']);
  assert.equal(nextFreeName('ds', (n) => taken.has(n)), 'ds(2)');
  assert.equal(nextFreeName('a.txt', (n) => taken.has(n)), 'a(2).txt');
  assert.equal(nextFreeName('fresh', (n) => taken.has(n)), 'fresh');
  assert.equal(nameStem('a(3).txt'), 'a');
});

test('parser_config defaults per method (§5.5b/c)', () => {
  const naive = configForCreate('naive', null, 'glm-4-flash@ZHIPU-AI');
  assert.equal(naive.llm_id, 'glm-4-flash@ZHIPU-AI');
  assert.equal(naive.delimiter, '\n');
  assert.equal(naive.topn_tags, 3);
  assert.deepEqual((naive.raptor as { use_raptor: boolean }).use_raptor, true);
  assert.deepEqual(configForCreate('naive', {}, 'm'), configForCreate('naive', null, 'm'));
  const explicit = configForCreate('naive', { chunk_token_num: 128 }, 'm');
  assert.equal(explicit.chunk_token_num, 128);
  assert.equal(explicit.delimiter, '\\n');
  assert.equal(explicit.topn_tags, 1);
  assert.equal((explicit.raptor as { use_raptor: boolean }).use_raptor, false);
  assert.equal((explicit.graphrag as { use_graphrag: boolean }).use_graphrag, false);
  assert.equal(explicit.filename_embd_weight, 0.1);
  assert.deepEqual(methodDefaults('qa'), { table_context_size: 0, image_context_size: 0, raptor: { use_raptor: false }, graphrag: { use_graphrag: false } });
  assert.deepEqual(methodDefaults('table'), { table_context_size: 0, image_context_size: 0 });
  assert.throws(() => methodDefaults('audio'), RagError);
});

test('parser_config on update: merge, or reset on method change', () => {
  const stored = { a: 1, raptor: { use_raptor: true, max_token: 256 } };
  assert.deepEqual(configForUpdate(stored, { raptor: { max_token: 10 } }, undefined), { a: 1, raptor: { use_raptor: true, max_token: 10 } });
  assert.equal(configForUpdate(stored, {}, undefined), undefined);
  assert.deepEqual(configForUpdate(stored, null, 'qa'), methodDefaults('qa'));
});

test('embedding availability (§5.2)', () => {
  const tenant = { models: [{ llm_factory: 'ZHIPU-AI', llm_name: 'embedding-3', model_type: 'embedding', api_base: null, max_tokens: 512, used_tokens: 0, status: '1' }] };
  assert.doesNotThrow(() => checkEmbeddingModel('anything@Builtin', tenant));
  assert.doesNotThrow(() => checkEmbeddingModel('embedding-3@ZHIPU-AI', tenant));
  assert.throws(() => checkEmbeddingModel('text-embedding-3-small@OpenAI', tenant), { message: 'Unauthorized model: <text-embedding-3-small@OpenAI>' });
  assert.throws(() => checkEmbeddingModel('unknown@ZHIPU-AI', tenant), { message: 'Unsupported model: <unknown@ZHIPU-AI>' });
  assert.throws(() => checkEmbeddingModel('embedding-3@unknown', tenant), { message: 'Unsupported model: <embedding-3@unknown>' });
});
