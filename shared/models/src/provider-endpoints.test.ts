import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_ANSWERER, BUILTIN_EMBEDDER } from '@rag/contracts';
import { ExtractiveAnswerer } from './builtin/extractive-answerer.js';
import { HashingEmbedder } from './builtin/hashing-embedder.js';
import { createChatModel, createEmbeddingModel, createReranker } from './model-factory.js';
import { OpenAIChatModel } from './openai/openai-chat.model.js';
import { OpenAIEmbeddingModel } from './openai/openai-embedding.model.js';
import { defaultBaseUrl, resolveEndpoint, unpackApiKey, vendorModelName } from './provider-endpoints.js';

test('the §5.4 name suffixes are stripped before calling the vendor', () => {
  assert.equal(vendorModelName('qwen___OpenAI-API'), 'qwen');
  assert.equal(vendorModelName('llama3___VLLM'), 'llama3');
  assert.equal(vendorModelName('mistral___LocalAI'), 'mistral');
  assert.equal(vendorModelName('BAAI/bge-m3___HuggingFace'), 'BAAI/bge-m3');
  assert.equal(vendorModelName('glm-4'), 'glm-4');
  assert.equal(vendorModelName('name@with@ats'), 'name@with@ats');
  const ep = resolveEndpoint({ factory: 'OpenAI-API-Compatible', name: 'qwen___OpenAI-API', type: 'chat', api_base: 'http://127.0.0.1:9/v1', api_key: 'k' });
  assert.deepEqual(ep, { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k', model: 'qwen' });
});

test('an api_base wins whatever the factory (§17), Builtin included', () => {
  for (const factory of ['ZHIPU-AI', 'Builtin', 'SILICONFLOW', 'OpenAI', 'SomethingUnknown']) {
    const ep = resolveEndpoint({ factory, name: 'm', type: 'embedding', api_base: 'http://127.0.0.1:1234/v1/', api_key: 'stub-key' });
    assert.deepEqual(ep, { kind: 'openai', baseURL: 'http://127.0.0.1:1234/v1', apiKey: 'stub-key', model: 'm' }, factory);
  }
});

test('without an api_base, known vendors get their public base URL', () => {
  const base = (factory: string, type: 'chat' | 'embedding' | 'rerank' = 'chat') => {
    const ep = resolveEndpoint({ factory, name: 'm', type, api_key: 'k' });
    return ep.kind === 'openai' ? ep.baseURL : ep.kind;
  };
  assert.equal(base('OpenAI'), 'https://api.openai.com/v1');
  assert.equal(base('ZHIPU-AI', 'embedding'), 'https://open.bigmodel.cn/api/paas/v4');
  assert.equal(base('DeepSeek'), 'https://api.deepseek.com/v1');
  assert.equal(base('Moonshot'), 'https://api.moonshot.cn/v1');
  assert.equal(base('SILICONFLOW', 'rerank'), 'https://api.siliconflow.cn/v1');
  assert.equal(base('Tongyi-Qianwen'), 'https://dashscope.aliyuncs.com/compatible-mode/v1');
  assert.equal(base('Ollama'), 'http://localhost:11434/v1');
  assert.equal(base('LM-Studio'), 'http://localhost:1234/v1');
  assert.equal(base('VLLM'), 'http://localhost:8000/v1');
  assert.equal(base('Xinference'), 'http://localhost:9997/v1');
  assert.equal(base('LocalAI'), 'http://localhost:8080/v1');
  assert.equal(base('Builtin'), 'builtin');
  assert.equal(defaultBaseUrl('Tongyi-Qianwen', 'rerank'), undefined);
});

test('self-hosted servers given as a bare host get their /v1 root', () => {
  const ep = resolveEndpoint({ factory: 'Ollama', name: 'llama3', type: 'chat', api_base: 'http://gpu-box:11434' });
  assert.deepEqual(ep, { kind: 'openai', baseURL: 'http://gpu-box:11434/v1', apiKey: 'EMPTY', model: 'llama3' });
  const kept = resolveEndpoint({ factory: 'VLLM', name: 'x___VLLM', type: 'chat', api_base: 'http://h:8000/openai/v1' });
  assert.equal(kept.kind === 'openai' && kept.baseURL, 'http://h:8000/openai/v1');
});

test('unknown factories and factories that need a URL fail with a typed, readable error', () => {
  assert.throws(() => resolveEndpoint({ factory: 'Bedrock', name: 'claude', type: 'chat', api_key: 'k' }), {
    name: 'ModelError',
    kind: 'unsupported',
    message: /Model factory "Bedrock" has no known chat endpoint; give the model an api_base/,
  });
  assert.throws(() => resolveEndpoint({ factory: 'OpenAI-API-Compatible', name: 'q___OpenAI-API', type: 'chat' }), { kind: 'config', message: /need an api_base/ });
  assert.throws(() => createReranker({ factory: 'Builtin', name: 'BAAI/bge-reranker-v2-m3', type: 'rerank' }), { kind: 'unsupported', message: /no built-in rerank model/ });
});

test('Azure uses the resource endpoint, the deployment and an api-version from the packed key', () => {
  const ep = resolveEndpoint({ factory: 'Azure-OpenAI', name: 'gpt4o-prod', type: 'chat', api_base: 'https://res.openai.azure.com/', api_key: '{"api_key":"az","api_version":"2024-06-01"}' });
  assert.deepEqual(ep, { kind: 'azure', endpoint: 'https://res.openai.azure.com/', apiKey: 'az', apiVersion: '2024-06-01', deployment: 'gpt4o-prod' });
  const plain = resolveEndpoint({ factory: 'Azure-OpenAI', name: 'd', type: 'chat', api_base: 'https://res.openai.azure.com', api_key: 'raw' });
  assert.equal(plain.kind === 'azure' && plain.apiVersion, '2024-10-21');
});

test('packed credentials unpack; VolcEngine calls its endpoint id', () => {
  assert.deepEqual(unpackApiKey('{"ark_api_key":"ark","endpoint_id":"ep-123"}'), { apiKey: 'ark', model: 'ep-123' });
  assert.deepEqual(unpackApiKey('{not json'), { apiKey: '{not json' });
  assert.deepEqual(unpackApiKey(null), { apiKey: 'EMPTY' });
});

test('the factories build the right engine', () => {
  const embedder = createEmbeddingModel({ factory: 'Builtin', name: BUILTIN_EMBEDDER, type: 'embedding', api_base: '' });
  assert.ok(embedder instanceof HashingEmbedder);
  assert.equal(embedder.dimensions, 384);
  assert.ok(createEmbeddingModel({ factory: 'Builtin', name: 'BAAI/bge-small-en-v1.5', type: 'embedding' }) instanceof HashingEmbedder);
  assert.ok(createEmbeddingModel({ factory: 'Builtin', name: 'BAAI/bge-small-en-v1.5', type: 'embedding', api_base: 'http://127.0.0.1:9/v1' }) instanceof OpenAIEmbeddingModel);
  assert.ok(createChatModel({ factory: 'Builtin', name: BUILTIN_ANSWERER, type: 'chat' }) instanceof ExtractiveAnswerer);
  const glm = createChatModel({ factory: 'ZHIPU-AI', name: 'glm-4-flash', type: 'chat', api_key: 'k' });
  assert.ok(glm instanceof OpenAIChatModel);
  assert.equal(glm.name, 'glm-4-flash');
});
