import { EventTypes, RagError, type UserRow } from '@rag/contracts';
import { randomHexId, uuid1 } from '@rag/platform';
import { DuplicateEmailError, type UserPatch, type UserRecord, type UserRepository } from '../data/user.repository.js';
import type { PasswordHasher } from './password.js';
import { fieldError, isValidEmail, requireString } from './field-rules.js';
import { DEFAULT_PARSER_IDS, initialModels, type TenantDefaults } from './tenant-defaults.js';
import { toUserRow } from './user-view.js';
import { now, type EventRelay } from './ports.js';

/** A user row plus the fresh access token the gateway signs into a login token. */
export interface SignedInUser {
  user: UserRow;
  access_token: string;
}

/** Columns `/v1/user/setting` never writes (RAGFlow's list), and ones we never let a client write. */
const SETTING_SKIPPED = new Set(['password', 'new_password', 'password_hash', 'new_password_hash', 'email', 'status', 'is_superuser', 'login_channel', 'is_anonymous', 'is_active', 'is_authenticated', 'last_login_time']);
const SETTING_IGNORED = new Set(['id', 'access_token', 'create_time', 'create_date', 'update_time', 'update_date']);
const SETTING_TEXT = new Set(['nickname', 'language', 'color_schema', 'timezone']);

/** Registration and the profile of a user (CONTRACT §3.2). */
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly defaults: TenantDefaults,
    private readonly events: EventRelay,
  ) {}

  /**
   * Creates the user, the tenant it owns (same id), the owner membership and the tenant's first
   * models. The gateway has checked the required keys and whether registration is open; a string
   * password arrives as `password_hash`, the stored form the gateway derived (`''` for an empty one).
   */
  async register(body: Record<string, unknown>): Promise<SignedInUser> {
    const email = requireString(body, 'email', false);
    if (!isValidEmail(email)) throw new RagError('INVALID_EMAIL', { email }, false);
    if (await this.users.findByEmail(email)) throw new RagError('EMAIL_TAKEN', { email }, false);
    const password = this.newPassword(body);
    const nickname = requireString(body, 'nickname', false);

    const at = now();
    const id = uuid1();
    const accessToken = randomHexId();
    const user: UserRecord = {
      id,
      email,
      nickname,
      password,
      access_token: accessToken,
      avatar: null,
      language: 'English',
      color_schema: 'Bright',
      timezone: 'UTC+8\tAsia/Shanghai',
      last_login_time: at,
      is_authenticated: '1',
      is_active: '1',
      is_anonymous: '0',
      login_channel: 'password',
      status: '1',
      is_superuser: false,
      create_time: at,
      update_time: at,
    };
    const { api_key: _key, base_url: _url, ...ids } = this.defaults;
    try {
      await this.users.createAccount({
        user,
        tenant: { id, name: `${nickname}‘s Kingdom`, ...ids, tts_id: null, parser_ids: DEFAULT_PARSER_IDS, credit: 512, status: '1', create_time: at, update_time: at },
        membership: { id: uuid1(), user_id: id, tenant_id: id, role: 'owner', invited_by: id, status: '1', create_time: at, update_time: at },
        models: initialModels(id, this.defaults, at),
      }, [{ type: EventTypes.userRegistered, tenantId: id, data: { user_id: id, email } }]);
    } catch (err) {
      if (err instanceof DuplicateEmailError) throw new RagError('EMAIL_TAKEN', { email }, false);
      throw new RagError('REGISTRATION_FAILURE', { error: err instanceof Error ? err.message : String(err) }, false);
    }
    await this.events.flush();
    return { user: toUserRow(user), access_token: accessToken };
  }

  /** The stored form of a registering user's password; the contract's messages for what is not a usable one. */
  private newPassword(body: Record<string, unknown>): string {
    if (body.password_hash === '') throw fieldError('password', 'String should have at least 1 character', '', false);
    const stored = this.hasher.accept(body.password_hash);
    if (stored) return stored;
    requireString(body, 'password', false);
    throw fieldError('password', 'String should be the password hash the gateway derives', '***', false);
  }

  async info(userId: string): Promise<UserRow> {
    const user = await this.users.findById(userId);
    if (!user) throw new RagError('WEB_UNAUTHORIZED');
    return toUserRow(user);
  }

  /**
   * `/v1/user/setting`: profile columns are written; a password change needs the old password
   * (`password_hash`: its key derived by the gateway; `new_password_hash`: the new stored form).
   * Anything that is not a profile column, or a value of the wrong type, is RAGFlow's
   * `Update failure!` (its ORM rejects such updates the same way).
   */
  async updateSetting(userId: string, body: Record<string, unknown>): Promise<true> {
    const user = await this.users.findById(userId);
    if (!user) throw new RagError('WEB_UNAUTHORIZED');
    const patch: UserPatch = {};
    if (body.password_hash !== undefined) {
      if (!this.hasher.verify(body.password_hash, user.password)) throw new RagError('PASSWORD_ERROR', {}, false);
      if (body.new_password_hash !== undefined) {
        const stored = this.hasher.accept(body.new_password_hash);
        if (!stored) throw new RagError('UPDATE_FAILURE', {}, false);
        patch.password = stored;
      }
    }
    for (const [key, value] of Object.entries(body)) {
      if (SETTING_SKIPPED.has(key) || SETTING_IGNORED.has(key)) continue;
      if (SETTING_TEXT.has(key) && typeof value === 'string') (patch as Record<string, unknown>)[key] = value;
      else if (key === 'avatar' && (typeof value === 'string' || value === null)) patch.avatar = value;
      else throw new RagError('UPDATE_FAILURE', {}, false);
    }
    await this.users.update(userId, { ...patch, update_time: now() });
    return true;
  }
}
