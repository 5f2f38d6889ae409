/** Request/reply contracts of account-svc (`rag.v1.account.*`). */
import { Type } from '@sinclair/typebox';
import { Subjects } from '../subjects.js';
import { AddModelBody, DeleteFactoryBody, DeleteModelBody, EnableModelBody, RegisterBody, SetApiKeyBody, SetTenantInfoBody, TenantModelSchema, type TenantProfile, type UserRow } from './account.js';
import { Described, Done, EmptyBody, LenientBody, LenientRequiring, TokenPath, op } from './bus-shapes.js';

const Id = Type.String({ minLength: 1 });

const UserRowSchema = Type.Unsafe<UserRow>(Type.Object({ id: Id, nickname: Type.String(), email: Type.String() }, { description: 'The user row of §3.2, password omitted.' }));
const SignedIn = Type.Object({ user: UserRowSchema, access_token: Type.String() });
const Principal = Type.Object({ tenant_id: Id, user_id: Id, tenant_ids: Type.Array(Id) });
const TenantProfileSchema = Type.Unsafe<TenantProfile>(
  Type.Object({ tenant_id: Id, llm_id: Type.String(), embd_id: Type.String(), models: Type.Array(TenantModelSchema) }, { description: "A tenant's defaults and configured models (keys never included)." }),
);
/** A tenant model's provider settings with its key: for model callers only. */
export const ModelCredentialsSchema = Type.Object({
  factory: Type.String(),
  name: Type.String(),
  type: Type.String(),
  api_base: Type.Union([Type.String(), Type.Null()]),
  api_key: Type.Union([Type.String(), Type.Null()]),
  max_tokens: Type.Integer(),
});
/** Internal lookups: the tenant comes from the caller context header, never from the body. */
const TenantModelsBody = Type.Object({});
const ModelLookupBody = Type.Object({ model: Type.Optional(Type.String()), model_type: Type.Optional(Type.String()) });
/** How the gateway derives a password's key: for `email`, for the caller (neither), or for a new password (`new`). */
const PasswordParamsBody = Type.Object({ email: Type.Optional(Type.String()), new: Type.Optional(Type.Boolean()) });
const PasswordParamsSchema = Type.Object({ method: Type.String({ description: '`scrypt:N:r:p` or `pbkdf2:<digest>:<iterations>`' }), salt: Type.String() });

export const AccountBus = {
  [Subjects.account.register]: op('POST /v1/user/register', LenientRequiring(RegisterBody.required), SignedIn),
  [Subjects.account.passwordParams]: op('gateway: the method and salt to derive a password key with (a stable stand-in for unknown e-mails)', PasswordParamsBody, PasswordParamsSchema),
  [Subjects.account.login]: op('POST /v1/user/login; GET /v1/user/login', LenientBody, SignedIn),
  [Subjects.account.logout]: op('GET /v1/user/logout', EmptyBody, Done),
  [Subjects.account.resolveApiKey]: op('gateway: who owns this API key (by its SHA-256)', Type.Object({ token_hash: Type.String() }), Principal),
  [Subjects.account.resolveSession]: op('gateway: who a login token belongs to', Type.Object({ user_id: Type.String(), access_token: Type.String() }), Principal),
  [Subjects.account.userInfo]: op('GET /v1/user/info', EmptyBody, UserRowSchema),
  [Subjects.account.userSetting]: op('POST /v1/user/setting', LenientBody, Done),
  [Subjects.account.tenantInfo]: op('GET /v1/user/tenant_info', EmptyBody, Described('The tenant of the caller with its default models (§3.3).')),
  [Subjects.account.setTenantInfo]: op('POST /v1/user/set_tenant_info', LenientRequiring(SetTenantInfoBody.required), Done),
  [Subjects.account.tenantModels]: op("services: the calling tenant's defaults and models (tenant from the caller context)", TenantModelsBody, TenantProfileSchema),
  [Subjects.account.newToken]: op('POST /v1/system/new_token; POST /api/v1/system/tokens', EmptyBody, Described('The new API key (§17).')),
  [Subjects.account.listTokens]: op('GET /v1/system/token_list; GET /api/v1/system/tokens', EmptyBody, Described('The API keys of the tenant (§17).')),
  [Subjects.account.deleteToken]: op('DELETE /v1/system/token/{token}; DELETE /api/v1/system/tokens/{token}', EmptyBody, Done, TokenPath),
  [Subjects.account.listFactories]: op('GET /v1/llm/factories', EmptyBody, Described('The model providers (§17).')),
  [Subjects.account.myModels]: op('GET /v1/llm/my_llms', Type.Object({ include_details: Type.Optional(Type.String()) }), Described("The tenant's models by provider (§17).")),
  [Subjects.account.listModels]: op('GET /v1/llm/list', Type.Object({ model_type: Type.Optional(Type.String()) }), Described('Models by provider, with availability (§17).')),
  [Subjects.account.setApiKey]: op('POST /v1/llm/set_api_key', LenientRequiring(SetApiKeyBody.required), Done),
  [Subjects.account.addModel]: op('POST /v1/llm/add_llm', LenientRequiring(AddModelBody.required), Done),
  [Subjects.account.deleteModel]: op('POST /v1/llm/delete_llm', LenientRequiring(DeleteModelBody.required), Done),
  [Subjects.account.enableModel]: op('POST /v1/llm/enable_llm', LenientRequiring(EnableModelBody.required), Done),
  [Subjects.account.deleteFactory]: op('POST /v1/llm/delete_factory', LenientRequiring(DeleteFactoryBody.required), Done),
  [Subjects.account.modelCredentials]: op('model callers: a model of the calling tenant with its key', ModelLookupBody, ModelCredentialsSchema),
  [Subjects.account.recordUsage]: op("dialog-svc: tokens a model call used", Type.Object({ model: Type.String(), model_type: Type.String(), tokens: Type.Number() }), Described('true, or nothing when the model is not configured')),
} as const;
