import { NAME_SUFFIX_FACTORIES } from '@rag/contracts';
import { ModelErrors } from './model-error.js';
import type { ModelRole, ModelSpec } from './types.js';

/**
 * Where a model is served. A spec with a non-empty `api_base` is called with the OpenAI wire
 * protocol at that base whatever its factory (CONTRACT §17) — Azure aside, whose `api_base` is the
 * resource endpoint. Without one, a factory known to speak the OpenAI protocol gets its vendor's
 * public base URL, and `Builtin` gets the offline engines.
 */
export type Endpoint =
  | { kind: 'builtin'; model: string }
  | { kind: 'openai'; baseURL: string; apiKey: string; model: string }
  | { kind: 'azure'; endpoint: string; apiKey: string; apiVersion: string; deployment: string };

/** Vendor base URLs of factories whose APIs are OpenAI-compatible, per role where they differ. */
const DEFAULT_BASES: Readonly<Record<string, string | Partial<Record<ModelRole, string>>>> = {
  OpenAI: 'https://api.openai.com/v1',
  DeepSeek: 'https://api.deepseek.com/v1',
  'ZHIPU-AI': 'https://open.bigmodel.cn/api/paas/v4',
  Moonshot: 'https://api.moonshot.cn/v1',
  SILICONFLOW: 'https://api.siliconflow.cn/v1',
  'Tongyi-Qianwen': { chat: 'https://dashscope.aliyuncs.com/compatible-mode/v1', embedding: 'https://dashscope.aliyuncs.com/compatible-mode/v1' },
  Ollama: 'http://localhost:11434/v1',
  'LM-Studio': 'http://localhost:1234/v1',
  VLLM: 'http://localhost:8000/v1',
  Xinference: 'http://localhost:9997/v1',
  LocalAI: 'http://localhost:8080/v1',
  xAI: { chat: 'https://api.x.ai/v1' },
  Groq: { chat: 'https://api.groq.com/openai/v1' },
  OpenRouter: { chat: 'https://openrouter.ai/api/v1' },
  Mistral: { chat: 'https://api.mistral.ai/v1', embedding: 'https://api.mistral.ai/v1' },
  TogetherAI: { chat: 'https://api.together.xyz/v1', embedding: 'https://api.together.xyz/v1' },
  DeepInfra: { chat: 'https://api.deepinfra.com/v1/openai', embedding: 'https://api.deepinfra.com/v1/openai' },
  NVIDIA: { chat: 'https://integrate.api.nvidia.com/v1', embedding: 'https://integrate.api.nvidia.com/v1' },
  Jina: { embedding: 'https://api.jina.ai/v1', rerank: 'https://api.jina.ai/v1' },
  Cohere: { rerank: 'https://api.cohere.com/v2' },
  Gemini: { chat: 'https://generativelanguage.googleapis.com/v1beta/openai', embedding: 'https://generativelanguage.googleapis.com/v1beta/openai' },
};

/** Self-hosted servers: a bare `http://host:port` means their OpenAI-compatible `/v1` root. */
const SELF_HOSTED = new Set(['Ollama', 'LM-Studio', 'VLLM', 'Xinference', 'LocalAI']);

/** Factories that only exist at a URL the user gives. */
const NEEDS_API_BASE = new Set(['OpenAI-API-Compatible', 'GPUStack', 'Azure-OpenAI']);

const AZURE_DEFAULT_API_VERSION = '2024-10-21';
const NO_KEY = 'EMPTY';

const SUFFIXES = Object.values(NAME_SUFFIX_FACTORIES);

/** The name the vendor knows: the stored name without its `___OpenAI-API`-style suffix (§5.4). */
export function vendorModelName(name: string): string {
  for (const suffix of SUFFIXES) if (name.endsWith(suffix)) return name.slice(0, -suffix.length);
  return name;
}

/** The factory's public base URL for a role, if it has one. */
export function defaultBaseUrl(factory: string, role: ModelRole): string | undefined {
  const base = DEFAULT_BASES[factory];
  return typeof base === 'string' ? base : base?.[role];
}

export function resolveEndpoint(spec: ModelSpec): Endpoint {
  const model = vendorModelName(spec.name);
  const apiBase = spec.api_base?.trim() || undefined;
  const creds = unpackApiKey(spec.api_key);
  if (spec.factory === 'Azure-OpenAI') {
    if (!apiBase) throw ModelErrors.needsApiBase(spec.factory);
    return { kind: 'azure', endpoint: apiBase, apiKey: creds.apiKey, apiVersion: creds.apiVersion ?? AZURE_DEFAULT_API_VERSION, deployment: model };
  }
  if (apiBase) return { kind: 'openai', baseURL: normaliseBase(spec.factory, apiBase), apiKey: creds.apiKey, model: creds.model ?? model };
  if (spec.factory === 'Builtin') return { kind: 'builtin', model };
  if (NEEDS_API_BASE.has(spec.factory)) throw ModelErrors.needsApiBase(spec.factory);
  const base = defaultBaseUrl(spec.factory, spec.type);
  if (!base) throw ModelErrors.unknownFactory(spec.factory, spec.type);
  return { kind: 'openai', baseURL: base, apiKey: creds.apiKey, model: creds.model ?? model };
}

function normaliseBase(factory: string, base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  if (!SELF_HOSTED.has(factory)) return trimmed;
  try {
    const url = new URL(trimmed);
    if (url.pathname === '/' || url.pathname === '') return `${trimmed}/v1`;
  } catch {
    /* not a URL: let the client report it */
  }
  return trimmed;
}

/**
 * Multi-field credentials are stored as one JSON string (Azure `{api_key, api_version}`,
 * VolcEngine `{ark_api_key, endpoint_id}`, OpenRouter `{api_key, provider_order}`).
 */
export function unpackApiKey(raw: string | null | undefined): { apiKey: string; apiVersion?: string; model?: string } {
  const text = raw?.trim() ?? '';
  if (text.startsWith('{')) {
    try {
      const obj = JSON.parse(text) as Record<string, unknown>;
      const str = (k: string) => (typeof obj[k] === 'string' && obj[k] ? (obj[k] as string) : undefined);
      const out: { apiKey: string; apiVersion?: string; model?: string } = { apiKey: str('api_key') ?? str('ark_api_key') ?? NO_KEY };
      const version = str('api_version');
      if (version) out.apiVersion = version;
      const endpointId = str('endpoint_id');
      if (endpointId) out.model = endpointId;
      return out;
    } catch {
      /* a key that merely starts with "{" */
    }
  }
  return { apiKey: text || NO_KEY };
}
