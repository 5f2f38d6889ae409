import { MODEL_TYPES, NAME_SUFFIX_FACTORIES, type ModelType } from '@rag/contracts';

/** §5.4: models added for self-hosted OpenAI-style factories are stored with a factory suffix. */
export function storedModelName(factory: string, name: string): string {
  return name + (NAME_SUFFIX_FACTORIES[factory] ?? '');
}

/** The name sent to the vendor: the stored name without its `___<suffix>`. */
export function vendorModelName(stored: string): string {
  return stored.split('___')[0] ?? stored;
}

export function isModelType(value: unknown): value is ModelType {
  return typeof value === 'string' && (MODEL_TYPES as readonly string[]).includes(value);
}

export function modelRef(name: string, factory: string): string {
  return `${name}@${factory}`;
}

/**
 * Factories whose credentials are several fields: add_llm packs those fields into the stored
 * key as a JSON object (absent fields as ""), which the model clients unpack.
 */
const COMPOSITE_KEY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  VolcEngine: ['ark_api_key', 'endpoint_id'],
  'Tencent Hunyuan': ['hunyuan_sid', 'hunyuan_sk'],
  'Tencent Cloud': ['tencent_cloud_sid', 'tencent_cloud_sk'],
  Bedrock: ['bedrock_ak', 'bedrock_sk', 'bedrock_region'],
  BaiduYiyan: ['yiyan_ak', 'yiyan_sk'],
  'Fish Audio': ['fish_audio_ak', 'fish_audio_refid'],
  'Google Cloud': ['google_project_id', 'google_region', 'google_service_account_key'],
  'Azure-OpenAI': ['api_key', 'api_version'],
  OpenRouter: ['api_key', 'provider_order'],
  MinerU: ['llm_name', 'mineru_apiserver', 'mineru_output_dir', 'mineru_backend', 'mineru_server_url', 'mineru_delete_output'],
};

/** Factories RAGFlow configures as a whole (set_api_key semantics) even when add_llm is called. */
export const WHOLE_FACTORY_ADD = new Set(['Tencent Hunyuan', 'Tencent Cloud']);

export function compositeApiKey(factory: string, modelType: unknown, body: Record<string, unknown>): string | undefined {
  const pack = (fields: readonly string[]) => JSON.stringify(Object.fromEntries(fields.map((f) => [f, body[f] ?? ''])));
  if (factory === 'XunFei Spark') {
    if (modelType === 'chat') return typeof body.spark_api_password === 'string' ? body.spark_api_password : '';
    if (modelType === 'tts') return pack(['spark_app_id', 'spark_api_secret', 'spark_api_key']);
    return undefined;
  }
  const fields = COMPOSITE_KEY_FIELDS[factory];
  return fields ? pack(fields) : undefined;
}
