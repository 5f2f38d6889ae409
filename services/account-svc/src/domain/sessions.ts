import { randomBytes } from 'node:crypto';
import { EventTypes, RagError, pythonRepr } from '@rag/contracts';
import { randomHexId, type PasswordParams } from '@rag/platform';
import type { UserRepository } from '../data/user.repository.js';
import type { PasswordHasher } from './password.js';
import type { SignedInUser } from './users.js';
import { toUserRow } from './user-view.js';
import { now, type EventRelay, type ResolvedPrincipal } from './ports.js';

/** RAGFlow's admin account lives on the admin server; it may not sign in here. */
const DEFAULT_ADMIN_EMAIL = 'admin@ragflow.io';

/**
 * Login sessions: a login rotates the user's access token (the gateway signs it into the token
 * the client holds); logout replaces it with an unusable value, so every issued token dies.
 */
export class SessionService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly events: EventRelay,
  ) {}

  /**
   * How the gateway derives the key of a password: the stored method and salt of the account with
   * `email` (a stable stand-in for an unknown one), of the caller's own account without one, or a
   * fresh salt for a new password (`new: true`).
   */
  async passwordParams(body: Record<string, unknown>, callerUserId: string): Promise<PasswordParams> {
    if (body.new === true) return this.hasher.fresh();
    if (typeof body.email === 'string') return this.hasher.paramsFor((await this.users.findByEmail(body.email))?.password, body.email);
    const user = callerUserId ? await this.users.findById(callerUserId) : undefined;
    if (!user) throw new RagError('WEB_UNAUTHORIZED');
    return this.hasher.paramsFor(user.password, user.email);
  }

  /** The checks of §3.2, in RAGFlow's order. A string password arrives as `password_hash`, its key derived by the gateway. */
  async login(body: Record<string, unknown>): Promise<SignedInUser> {
    if (!Object.keys(body).length) throw new RagError('LOGIN_EMPTY', {}, false);
    const email = body.email ?? '';
    if (email === DEFAULT_ADMIN_EMAIL) throw new RagError('LOGIN_DEFAULT_ADMIN', {}, false);
    const user = typeof email === 'string' ? await this.users.findByEmail(email) : undefined;
    if (!user) throw new RagError('LOGIN_UNKNOWN_EMAIL', { email: pythonRepr(email) }, false);
    if (typeof body.password_hash !== 'string') throw new RagError('LOGIN_CRYPT', {}, false);
    const matches = user.status === '1' && this.hasher.verify(body.password_hash, user.password);
    if (!matches) throw new RagError('LOGIN_MISMATCH', {}, false);
    if (user.is_active === '0') throw new RagError('LOGIN_DISABLED', {}, false);

    // A new login retires the previous token (one session per user, as upstream); the event makes
    // the gateways drop what they cached for it before this reply arrives.
    const accessToken = randomHexId();
    const at = now();
    await this.users.update(user.id, { access_token: accessToken, update_time: at }, [{ type: EventTypes.userLoggedOut, tenantId: user.id, data: { user_id: user.id, reason: 'new_login' } }]);
    await this.events.flush();
    return { user: toUserRow({ ...user, update_time: at }), access_token: accessToken };
  }

  async logout(userId: string): Promise<true> {
    const invalid = `INVALID_${randomBytes(16).toString('hex')}`;
    await this.users.update(userId, { access_token: invalid, update_time: now() }, [{ type: EventTypes.userLoggedOut, tenantId: userId, data: { user_id: userId, reason: 'logout' } }]);
    await this.events.flush();
    return true;
  }

  /** A login token's claims → the principal, when the token is still the user's current one. */
  async resolve(userId: unknown, accessToken: unknown): Promise<ResolvedPrincipal> {
    if (typeof userId !== 'string' || typeof accessToken !== 'string' || accessToken.startsWith('INVALID_')) throw new RagError('WEB_UNAUTHORIZED');
    const user = await this.users.findById(userId);
    if (!user || user.access_token !== accessToken || user.status !== '1') throw new RagError('WEB_UNAUTHORIZED');
    const tenantIds = await this.users.tenantIdsOf(user.id);
    return { tenant_id: tenantIds[0] ?? user.id, user_id: user.id, tenant_ids: tenantIds.length ? tenantIds : [user.id] };
  }
}
