import type { Request } from 'express';
import {
  AddModelBody,
  DeleteFactoryBody,
  DeleteModelBody,
  EnableModelBody,
  RagError,
  RegisterBody,
  SetApiKeyBody,
  SetTenantInfoBody,
  Subjects,
  jsonEnvelopeNoNulls,
  type RequiredFieldsSchema,
  type UserRow,
} from '@rag/contracts';
import { PasswordParamsRefused, newPasswordStoredForm, passwordKey } from '../auth/password.js';
import { lenientBody, lenientBodyOrEmpty, queryStrings, requireFields } from '../http/body.js';
import { sendReply } from '../http/reply.js';
import { forward, route, type BodyOnlySubject, type RouteContext, type RouteDef } from '../http/route.js';
import { throttledLogin } from '../auth/throttle.js';

/**
 * Web routes of account-svc (CONTRACT §3, §17): users and sessions under `/v1/user`, API keys under
 * `/v1/system` (plus the later `/api/v1/system/tokens` spellings), tenant models under `/v1/llm`.
 * All answer in the J envelope; `web` routes take a login token or `Bearer <API key>`.
 */

const WELCOME_BACK = 'Welcome back!';
const welcomeAboard = (nickname: unknown) => `${String(nickname)}, welcome aboard!`;

interface SignedIn {
  user: UserRow;
  access_token: string;
}

/**
 * Passwords never cross the bus: each string password is turned into its canonical text (§3.3), then
 * into a key derived with the account's method and salt (login, the old password of a change) or
 * into the stored form of a new password (register, the new password of a change). Anything that
 * cannot be derived goes on as `null` (or, for register, the non-string as it was) so account-svc
 * answers exactly as RAGFlow does.
 */
async function loginWithKey(ctx: RouteContext, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (!('password' in body)) return body;
  const { password, ...rest } = body;
  const key = typeof password === 'string' && typeof body.email === 'string' ? await passwordKey(ctx.deps.bus, ctx.deps.passwords.canonical(password), ctx.caller, body.email) : null;
  return { ...rest, password_hash: key };
}

async function registerWithHash(ctx: RouteContext, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { password, ...rest } = body;
  if (typeof password !== 'string') return body;
  const canonical = ctx.deps.passwords.canonical(password);
  return { ...rest, password_hash: canonical === '' ? '' : await newPasswordStoredForm(ctx.deps.bus, canonical, ctx.caller) };
}

/** RAGFlow's setting skips a falsy `password` (and then `new_password`). */
async function settingWithHashes(ctx: RouteContext, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { password, new_password: newPassword, ...out } = body;
  if (!password) return out;
  const canonical = (v: unknown) => (typeof v === 'string' ? ctx.deps.passwords.canonical(v) : undefined);
  const old = canonical(password);
  out.password_hash = old === undefined ? null : await passwordKey(ctx.deps.bus, old, ctx.caller);
  if (newPassword) {
    const next = canonical(newPassword);
    out.new_password_hash = next === undefined ? null : await newPasswordStoredForm(ctx.deps.bus, next, ctx.caller);
  }
  return out;
}

/** A refusal of password parameters answers as account-svc's reply would. */
const answeringRefusals =
  (handle: (ctx: RouteContext) => Promise<void>) =>
  async (ctx: RouteContext): Promise<void> => {
    try {
      await handle(ctx);
    } catch (err) {
      if (err instanceof PasswordParamsRefused) return sendReply(ctx.res, 'J', err.reply);
      throw err;
    }
  };

/** Login reads `request.json`: a non-JSON body is no body at all. */
function loginBody(req: Request): Record<string, unknown> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  return type.startsWith('application/json') ? lenientBody(req) : {};
}

/** Register and login answer the user row without null keys and hand the login token over in a header. */
async function signIn(ctx: RouteContext, subject: typeof Subjects.account.login | typeof Subjects.account.register, body: Record<string, unknown>, message: (data: SignedIn) => string): Promise<void> {
  const reply = await ctx.deps.bus.request(subject, { body }, ctx.caller);
  if (reply.code !== 0 || !reply.data) return sendReply(ctx.res, 'J', reply);
  const token = ctx.deps.auth.signLoginToken(reply.data.user.id, reply.data.access_token);
  ctx.res.setHeader('Authorization', token);
  ctx.res.json(jsonEnvelopeNoNulls(0, message(reply.data), reply.data.user));
}

/** A `validate_request` route: parse failures read as `{}`, then the required keys are checked. */
function checkedBody(ctx: RouteContext, schema: RequiredFieldsSchema): Record<string, unknown> {
  const body = lenientBodyOrEmpty(ctx.req);
  requireFields(body, schema);
  return body;
}

const forwardChecked = (subject: BodyOnlySubject, schema: RequiredFieldsSchema) => (ctx: RouteContext) => forward(ctx, subject, { body: checkedBody(ctx, schema) }, 'J');
const forwardEmpty = (subject: BodyOnlySubject) => (ctx: RouteContext) => forward(ctx, subject, { body: {} }, 'J');

function userRoutes(): RouteDef[] {
  const login = answeringRefusals(async (ctx) => signIn(ctx, Subjects.account.login, await loginWithKey(ctx, loginBody(ctx.req)), () => WELCOME_BACK));
  const throttled = throttledLogin((ctx) => loginBody(ctx.req).email, login);
  return [
    route(
      'POST',
      '/v1/user/register',
      'none',
      'J',
      answeringRefusals(async (ctx) => {
        const body = checkedBody(ctx, RegisterBody);
        if (!ctx.deps.config.REGISTER_ENABLED) throw new RagError('REGISTRATION_DISABLED', {}, false);
        await signIn(ctx, Subjects.account.register, await registerWithHash(ctx, body), () => welcomeAboard(body.nickname));
      }),
    ),
    route('POST', '/v1/user/login', 'none', 'J', throttled),
    route('GET', '/v1/user/login', 'none', 'J', throttled),
    route('GET', '/v1/user/logout', 'web', 'J', async (ctx) => {
      await forward(ctx, Subjects.account.logout, { body: {} }, 'J');
      ctx.deps.auth.forget(ctx.caller.userId);
    }),
    route('GET', '/v1/user/info', 'web', 'J', forwardEmpty(Subjects.account.userInfo)),
    route(
      'POST',
      '/v1/user/setting',
      'web',
      'J',
      answeringRefusals(async (ctx) => forward(ctx, Subjects.account.userSetting, { body: await settingWithHashes(ctx, lenientBody(ctx.req)) }, 'J')),
    ),
    route('GET', '/v1/user/tenant_info', 'web', 'J', forwardEmpty(Subjects.account.tenantInfo)),
    route('POST', '/v1/user/set_tenant_info', 'web', 'J', forwardChecked(Subjects.account.setTenantInfo, SetTenantInfoBody)),
  ];
}

function apiKeyRoutes(paths: { create: string; list: string; remove: string }): RouteDef[] {
  return [
    route('POST', paths.create, 'web', 'J', forwardEmpty(Subjects.account.newToken)),
    route('GET', paths.list, 'web', 'J', forwardEmpty(Subjects.account.listTokens)),
    route('DELETE', paths.remove, 'web', 'J', (ctx) => forward(ctx, Subjects.account.deleteToken, { body: {}, params: { token: String(ctx.req.params.token ?? '') } }, 'J')),
  ];
}

function modelRoutes(): RouteDef[] {
  return [
    route('GET', '/v1/llm/factories', 'web', 'J', forwardEmpty(Subjects.account.listFactories)),
    route('GET', '/v1/llm/my_llms', 'web', 'J', (ctx) => forward(ctx, Subjects.account.myModels, { body: { include_details: queryStrings(ctx.req).include_details ?? 'false' } }, 'J')),
    route('GET', '/v1/llm/list', 'web', 'J', (ctx) => forward(ctx, Subjects.account.listModels, { body: { model_type: queryStrings(ctx.req).model_type } }, 'J')),
    route('POST', '/v1/llm/set_api_key', 'web', 'J', forwardChecked(Subjects.account.setApiKey, SetApiKeyBody)),
    route('POST', '/v1/llm/add_llm', 'web', 'J', forwardChecked(Subjects.account.addModel, AddModelBody)),
    route('POST', '/v1/llm/delete_llm', 'web', 'J', forwardChecked(Subjects.account.deleteModel, DeleteModelBody)),
    route('POST', '/v1/llm/enable_llm', 'web', 'J', forwardChecked(Subjects.account.enableModel, EnableModelBody)),
    route('POST', '/v1/llm/delete_factory', 'web', 'J', forwardChecked(Subjects.account.deleteFactory, DeleteFactoryBody)),
  ];
}

export function accountRoutes(): RouteDef[] {
  return [
    ...userRoutes(),
    ...apiKeyRoutes({ create: '/v1/system/new_token', list: '/v1/system/token_list', remove: '/v1/system/token/:token' }),
    ...apiKeyRoutes({ create: '/api/v1/system/tokens', list: '/api/v1/system/tokens', remove: '/api/v1/system/tokens/:token' }),
    ...modelRoutes(),
  ];
}
