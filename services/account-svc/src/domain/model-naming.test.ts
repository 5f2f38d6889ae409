import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WHOLE_FACTORY_ADD, compositeApiKey, isModelType, storedModelName, vendorModelName } from './model-naming.js';

test('the suffix rule of §5.4', () => {
  assert.equal(storedModelName('OpenAI-API-Compatible', 'qwen'), 'qwen___OpenAI-API');
  assert.equal(storedModelName('LocalAI', 'llama'), 'llama___LocalAI');
  assert.equal(storedModelName('HuggingFace', 'BAAI/bge'), 'BAAI/bge___HuggingFace');
  assert.equal(storedModelName('VLLM', 'm'), 'm___VLLM');
  assert.equal(storedModelName('ZHIPU-AI', 'glm-4'), 'glm-4');
  assert.equal(storedModelName('Builtin', 'BAAI/bge-small-en-v1.5'), 'BAAI/bge-small-en-v1.5');
  assert.equal(vendorModelName('qwen___OpenAI-API'), 'qwen');
  assert.equal(vendorModelName('glm-4'), 'glm-4');
});

test('model types', () => {
  for (const t of ['chat', 'embedding', 'rerank', 'image2text', 'tts', 'speech2text', 'ocr']) assert.equal(isModelType(t), true);
  for (const t of ['Chat', 'reranker', '', null, 1]) assert.equal(isModelType(t), false);
});

test('multi-field credentials are packed into one stored key', () => {
  assert.deepEqual(JSON.parse(compositeApiKey('VolcEngine', 'chat', { ark_api_key: 'k' })!), { ark_api_key: 'k', endpoint_id: '' });
  assert.deepEqual(JSON.parse(compositeApiKey('Bedrock', 'chat', { bedrock_ak: 'a', bedrock_sk: 's', bedrock_region: 'r' })!), { bedrock_ak: 'a', bedrock_sk: 's', bedrock_region: 'r' });
  assert.equal(compositeApiKey('XunFei Spark', 'chat', { spark_api_password: 'pw' }), 'pw');
  assert.deepEqual(Object.keys(JSON.parse(compositeApiKey('XunFei Spark', 'tts', {})!)), ['spark_app_id', 'spark_api_secret', 'spark_api_key']);
  assert.equal(compositeApiKey('ZHIPU-AI', 'chat', { api_key: 'k' }), undefined);
  assert.ok(WHOLE_FACTORY_ADD.has('Tencent Cloud'));
});
