import { Type, type Static } from '@sinclair/typebox';

/**
 * Web routes (`/v1/user`, `/v1/system`, `/v1/llm`) parse bodies leniently and check only that the
 * required keys are present (`required argument are missing: a,b; `). Each body lists its required
 * keys in declaration order; types are checked loosely so that odd values reach the same code paths
 * RAGFlow's handlers take.
 */
export interface RequiredFieldsSchema {
  required: readonly string[];
}

export const RegisterBody = { required: ['nickname', 'email', 'password'] } as const;
export const LoginBody = { required: [] } as const;
export const SetTenantInfoBody = { required: ['tenant_id', 'asr_id', 'embd_id', 'img2txt_id', 'llm_id'] } as const;
export const SetApiKeyBody = { required: ['llm_factory', 'api_key'] } as const;
export const AddModelBody = { required: ['llm_factory'] } as const;
export const DeleteModelBody = { required: ['llm_factory', 'llm_name'] } as const;
export const EnableModelBody = { required: ['llm_factory', 'llm_name'] } as const;
export const DeleteFactoryBody = { required: ['llm_factory'] } as const;

export const MODEL_TYPES = ['chat', 'embedding', 'rerank', 'image2text', 'tts', 'speech2text', 'ocr'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

/** A tenant's configured model, as account-svc hands it to other services. */
export const TenantModelSchema = Type.Object({
  llm_factory: Type.String(),
  llm_name: Type.String(),
  model_type: Type.String(),
  api_base: Type.Union([Type.String(), Type.Null()]),
  max_tokens: Type.Integer(),
  used_tokens: Type.Integer(),
  status: Type.String(),
});
export type TenantModel = Static<typeof TenantModelSchema>;

/** What account-svc tells other services about a tenant: its defaults and its models (keys never leave account-svc except to model callers). */
export interface TenantProfile {
  tenant_id: string;
  name: string;
  llm_id: string;
  embd_id: string;
  rerank_id: string;
  asr_id: string;
  img2txt_id: string;
  tts_id: string | null;
  parser_ids: string;
  models: TenantModel[];
}

/** The user row of register/login/info (§3.2), password omitted. */
export interface UserRow {
  id: string;
  nickname: string;
  email: string;
  avatar: string | null;
  language: string;
  color_schema: string;
  timezone: string;
  last_login_time: string | null;
  is_authenticated: string;
  is_active: string;
  is_anonymous: string;
  login_channel: string;
  status: string;
  is_superuser: boolean;
  create_time: number;
  create_date: string;
  update_time: number;
  update_date: string;
}
