import type { ModelType } from '../schemas/account.js';

/**
 * The system model catalog: the model factories RAGFlow knows at the seed commit (§5.4) and the
 * models each offers. It decides whether an embedding reference is "Unsupported" (unknown
 * everywhere) or "Unauthorized" (known but not configured by the tenant), which models
 * `set_api_key` adds for a factory, and what `/v1/llm/factories` lists. It holds facts (names,
 * types, context sizes), maintained here; extend `CATALOG_MODELS` as providers add models.
 */
export interface CatalogFactory {
  name: string;
  tags: string;
  rank: number;
  status: '1';
}

export interface CatalogModel {
  factory: string;
  llm_name: string;
  model_type: ModelType;
  max_tokens: number;
  tags: string;
  is_tools?: boolean;
}

const ALL = 'LLM,TEXT EMBEDDING,TEXT RE-RANK,TTS,SPEECH2TEXT,MODERATION';
const f = (name: string, tags: string, rank = 0): CatalogFactory => ({ name, tags, rank, status: '1' });

/** The 55 factory names of the seed commit, in its order. */
export const CATALOG_FACTORIES: readonly CatalogFactory[] = [
  f('OpenAI', 'LLM,TEXT EMBEDDING,TTS,TEXT RE-RANK,SPEECH2TEXT,MODERATION', 999),
  f('xAI', 'LLM'),
  f('TokenPony', 'LLM'),
  f('Tongyi-Qianwen', 'LLM,TEXT EMBEDDING,TEXT RE-RANK,TTS,SPEECH2TEXT,MODERATION', 950),
  f('ZHIPU-AI', 'LLM,TEXT EMBEDDING,SPEECH2TEXT,MODERATION', 940),
  f('Ollama', ALL, 880),
  f('ModelScope', 'LLM'),
  f('LocalAI', ALL),
  f('OpenAI-API-Compatible', ALL, 870),
  f('VLLM', ALL, 860),
  f('Moonshot', 'LLM,TEXT EMBEDDING', 800),
  f('FastEmbed', 'TEXT EMBEDDING'),
  f('Xinference', ALL),
  f('DeepSeek', 'LLM', 900),
  f('VolcEngine', 'LLM,TEXT EMBEDDING,IMAGE2TEXT'),
  f('BaiChuan', 'LLM,TEXT EMBEDDING'),
  f('Jina', 'TEXT EMBEDDING,TEXT RE-RANK'),
  f('Builtin', 'LLM,TEXT EMBEDDING,TEXT RE-RANK'),
  f('MiniMax', 'LLM'),
  f('Mistral', 'LLM,TEXT EMBEDDING'),
  f('Azure-OpenAI', 'LLM,TEXT EMBEDDING,IMAGE2TEXT,SPEECH2TEXT,MODERATION', 850),
  f('Bedrock', 'LLM,TEXT EMBEDDING'),
  f('Gemini', 'LLM,TEXT EMBEDDING,IMAGE2TEXT', 920),
  f('Groq', 'LLM'),
  f('OpenRouter', 'LLM,IMAGE2TEXT'),
  f('StepFun', 'LLM'),
  f('NVIDIA', 'LLM,TEXT EMBEDDING,TEXT RE-RANK'),
  f('LM-Studio', 'LLM,TEXT EMBEDDING,IMAGE2TEXT'),
  f('Cohere', 'LLM,TEXT EMBEDDING,TEXT RE-RANK'),
  f('TogetherAI', 'LLM,TEXT EMBEDDING,IMAGE2TEXT'),
  f('Upstage', 'LLM,TEXT EMBEDDING'),
  f('NovitaAI', 'LLM,IMAGE2TEXT'),
  f('SILICONFLOW', 'LLM,TEXT EMBEDDING,TEXT RE-RANK,IMAGE2TEXT', 830),
  f('PPIO', 'LLM'),
  f('Replicate', 'LLM,TEXT EMBEDDING'),
  f('Tencent Hunyuan', 'LLM,IMAGE2TEXT'),
  f('XunFei Spark', 'LLM,TTS'),
  f('BaiduYiyan', 'LLM,TEXT EMBEDDING,TEXT RE-RANK'),
  f('Fish Audio', 'TTS'),
  f('Tencent Cloud', 'SPEECH2TEXT'),
  f('Anthropic', 'LLM', 910),
  f('Voyage AI', 'TEXT EMBEDDING,TEXT RE-RANK'),
  f('GiteeAI', 'LLM,TEXT EMBEDDING,TEXT RE-RANK,IMAGE2TEXT,SPEECH2TEXT'),
  f('Google Cloud', 'LLM'),
  f('HuggingFace', 'TEXT EMBEDDING,TEXT RE-RANK'),
  f('GPUStack', 'LLM,TEXT EMBEDDING,TTS,SPEECH2TEXT,TEXT RE-RANK'),
  f('DeepInfra', 'LLM,TEXT EMBEDDING,TTS,SPEECH2TEXT,MODERATION'),
  f('302.AI', 'LLM,TEXT EMBEDDING,TEXT RE-RANK,IMAGE2TEXT'),
  f('CometAPI', 'LLM,TEXT EMBEDDING,IMAGE2TEXT'),
  f('LongCat', 'LLM'),
  f('DeerAPI', 'LLM,TEXT EMBEDDING,IMAGE2TEXT'),
  f('Jiekou.AI', 'LLM,TEXT EMBEDDING,TEXT RE-RANK'),
  f('MinerU', 'OCR'),
  f('PaddleOCR', 'OCR'),
  f('n1n', 'LLM'),
];

/** Factories `/v1/llm/factories` does not list. */
export const HIDDEN_FACTORIES = new Set(['Youdao', 'FastEmbed', 'BAAI', 'Builtin']);

/** Factories whose `add_llm` names get a suffix (§5.4), stripped again before calling the vendor. */
export const NAME_SUFFIX_FACTORIES: Readonly<Record<string, string>> = {
  'OpenAI-API-Compatible': '___OpenAI-API',
  LocalAI: '___LocalAI',
  HuggingFace: '___HuggingFace',
  VLLM: '___VLLM',
};

const m = (factory: string, llm_name: string, model_type: ModelType, max_tokens: number, tags = ''): CatalogModel => ({
  factory,
  llm_name,
  model_type,
  max_tokens,
  tags: tags || (model_type === 'chat' ? `LLM,CHAT,${Math.round(max_tokens / 1000)}K` : model_type === 'embedding' ? 'TEXT EMBEDDING' : model_type.toUpperCase()),
});

/**
 * The models the built-in offline engines serve (named for what they are), then the provider
 * models the contract and its clients rely on.
 */
export const BUILTIN_EMBEDDER = 'hashing-embedder-384';
export const BUILTIN_ANSWERER = 'extractive-answerer';

export const CATALOG_MODELS: readonly CatalogModel[] = [
  m('Builtin', BUILTIN_EMBEDDER, 'embedding', 8192, 'TEXT EMBEDDING,OFFLINE'),
  m('Builtin', BUILTIN_ANSWERER, 'chat', 32768, 'LLM,CHAT,OFFLINE'),
  m('Builtin', 'BAAI/bge-small-en-v1.5', 'embedding', 512),
  m('Builtin', 'BAAI/bge-m3', 'embedding', 8192),
  m('Builtin', 'Qwen/Qwen3-Embedding-0.6B', 'embedding', 30000),
  m('OpenAI', 'gpt-4o-mini', 'chat', 128000),
  m('OpenAI', 'gpt-4o', 'chat', 128000),
  m('OpenAI', 'gpt-4.1', 'chat', 1047576),
  m('OpenAI', 'gpt-4.1-mini', 'chat', 1047576),
  m('OpenAI', 'o3-mini', 'chat', 200000),
  m('OpenAI', 'text-embedding-ada-002', 'embedding', 8191),
  m('OpenAI', 'text-embedding-3-small', 'embedding', 8191),
  m('OpenAI', 'text-embedding-3-large', 'embedding', 8191),
  m('OpenAI', 'whisper-1', 'speech2text', 26214400),
  m('OpenAI', 'tts-1', 'tts', 2048),
  m('Tongyi-Qianwen', 'qwen-turbo', 'chat', 8191),
  m('Tongyi-Qianwen', 'qwen-plus', 'chat', 131072),
  m('Tongyi-Qianwen', 'qwen-max', 'chat', 32768),
  m('Tongyi-Qianwen', 'text-embedding-v2', 'embedding', 2048),
  m('Tongyi-Qianwen', 'text-embedding-v3', 'embedding', 8192),
  m('Tongyi-Qianwen', 'gte-rerank', 'rerank', 4000),
  m('ZHIPU-AI', 'glm-4', 'chat', 128000),
  m('ZHIPU-AI', 'glm-4-air', 'chat', 128000),
  m('ZHIPU-AI', 'glm-4-airx', 'chat', 8000),
  m('ZHIPU-AI', 'glm-4-flash', 'chat', 128000),
  m('ZHIPU-AI', 'glm-4-long', 'chat', 1000000),
  m('ZHIPU-AI', 'glm-4v', 'image2text', 2000),
  m('ZHIPU-AI', 'embedding-2', 'embedding', 512),
  m('ZHIPU-AI', 'embedding-3', 'embedding', 512),
  m('Moonshot', 'moonshot-v1-8k', 'chat', 7900),
  m('Moonshot', 'moonshot-v1-32k', 'chat', 32768),
  m('Moonshot', 'moonshot-v1-128k', 'chat', 128000),
  m('DeepSeek', 'deepseek-chat', 'chat', 64000),
  m('DeepSeek', 'deepseek-reasoner', 'chat', 64000),
  m('FastEmbed', 'BAAI/bge-small-en-v1.5', 'embedding', 512),
  m('FastEmbed', 'BAAI/bge-base-en-v1.5', 'embedding', 512),
  m('Jina', 'jina-embeddings-v3', 'embedding', 8196),
  m('Jina', 'jina-reranker-v2-base-multilingual', 'rerank', 8196),
  m('Mistral', 'mistral-large-latest', 'chat', 128000),
  m('Mistral', 'mistral-embed', 'embedding', 8192),
  m('Gemini', 'gemini-2.5-flash', 'chat', 1048576),
  m('Gemini', 'gemini-2.5-pro', 'chat', 1048576),
  m('Gemini', 'text-embedding-004', 'embedding', 2048),
  m('Anthropic', 'claude-sonnet-4-20250514', 'chat', 200000),
  m('Anthropic', 'claude-3-5-haiku-20241022', 'chat', 200000),
  m('Cohere', 'command-r-plus', 'chat', 128000),
  m('Cohere', 'embed-english-v3.0', 'embedding', 512),
  m('Cohere', 'rerank-english-v3.0', 'rerank', 4096),
  m('Voyage AI', 'voyage-3', 'embedding', 32000),
  m('Voyage AI', 'rerank-2', 'rerank', 16000),
  m('SILICONFLOW', 'Qwen/Qwen2.5-7B-Instruct', 'chat', 32000),
  m('SILICONFLOW', 'deepseek-ai/DeepSeek-V3', 'chat', 64000),
  m('SILICONFLOW', 'BAAI/bge-large-zh-v1.5', 'embedding', 512),
  m('SILICONFLOW', 'BAAI/bge-large-en-v1.5', 'embedding', 512),
  m('SILICONFLOW', 'BAAI/bge-m3', 'embedding', 8192),
  m('SILICONFLOW', 'BAAI/bge-reranker-v2-m3', 'rerank', 8192),
  m('Groq', 'llama-3.3-70b-versatile', 'chat', 128000),
  m('NVIDIA', 'nvidia/nv-embedqa-e5-v5', 'embedding', 512),
  m('BaiChuan', 'Baichuan4', 'chat', 131072),
  m('BaiChuan', 'Baichuan-Text-Embedding', 'embedding', 512),
  m('VolcEngine', 'Doubao-pro-32k', 'chat', 32768),
];

const FACTORY_NAMES = new Set(CATALOG_FACTORIES.map((x) => x.name));

export function isKnownFactory(name: string): boolean {
  return FACTORY_NAMES.has(name);
}

/**
 * Splits `<model>@<factory>` at the last `@`, but only when the suffix is a known factory;
 * otherwise the whole string is the model name and the factory is empty (§5.2).
 */
export function splitModelRef(ref: string): { name: string; factory: string } {
  const at = ref.lastIndexOf('@');
  if (at > 0) {
    const factory = ref.slice(at + 1);
    if (isKnownFactory(factory)) return { name: ref.slice(0, at), factory };
  }
  return { name: ref, factory: '' };
}

export function catalogModel(name: string, factory: string, type?: ModelType): CatalogModel | undefined {
  return CATALOG_MODELS.find((x) => x.llm_name === name && (!factory || x.factory === factory) && (!type || x.model_type === type));
}

export function catalogModelsOf(factory: string): CatalogModel[] {
  return CATALOG_MODELS.filter((x) => x.factory === factory);
}
