import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { EventTypes, Subjects, type BusReplyOf, type CallerContext } from '@rag/contracts';
import type { Bus, Metrics } from '@rag/platform';

export interface Principal {
  tenantId: string;
  userId: string;
  tenantIds: string[];
  /** How the caller proved who it is. */
  via: 'api_key' | 'login';
}

interface CacheEntry {
  principal: Principal | null;
  expires: number;
}

export function hashApiKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

interface LoginClaims {
  sub: string;
  tok: string;
}

/**
 * Resolves credentials to a principal. API keys are looked up by their SHA-256 in account-svc;
 * login tokens are JWTs whose `tok` claim must still be the user's current access token (logout
 * rotates it). Both answers are cached briefly; revocation events clear the cache at once.
 */
export class Authenticator {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly bus: Bus,
    private readonly metrics: Metrics,
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly cacheTtlMs: number,
  ) {
    bus.subscribeEvents([EventTypes.apiKeyRevoked, EventTypes.userLoggedOut], (event) => {
      if (event.type === EventTypes.apiKeyRevoked) this.cache.delete(`k:${event.data.token_hash}`);
      else this.forget(event.data.user_id);
    });
  }

  signLoginToken(userId: string, accessToken: string): string {
    return jwt.sign({ tok: accessToken } satisfies Omit<LoginClaims, 'sub'>, this.secret, { subject: userId, expiresIn: this.ttlSeconds, algorithm: 'HS256' });
  }

  /** `undefined` when the value is not a login token at all (so callers may fall back to an API key). */
  decodeLoginToken(value: string): LoginClaims | null | undefined {
    try {
      const claims = jwt.verify(value, this.secret, { algorithms: ['HS256'] }) as jwt.JwtPayload;
      return typeof claims.sub === 'string' && typeof claims.tok === 'string' ? { sub: claims.sub, tok: claims.tok } : null;
    } catch (err) {
      // An expired token decodes but is no longer valid: reject without falling back.
      if (err instanceof jwt.TokenExpiredError) return null;
      return undefined;
    }
  }

  async byApiKey(token: string, requestId: string): Promise<Principal | null> {
    const hash = hashApiKey(token);
    return this.cached(`k:${hash}`, 'api_key', () => this.resolve(this.bus.request(Subjects.account.resolveApiKey, { body: { token_hash: hash } }, { requestId }), 'api_key'));
  }

  async byLoginClaims(claims: LoginClaims, requestId: string): Promise<Principal | null> {
    return this.cached(`s:${claims.sub}:${claims.tok}`, 'login', () =>
      this.resolve(this.bus.request(Subjects.account.resolveSession, { body: { user_id: claims.sub, access_token: claims.tok } }, { requestId }), 'login'),
    );
  }

  forget(userId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`s:${userId}:`)) this.cache.delete(key);
  }

  private async cached(key: string, kind: string, load: () => Promise<Principal | null>): Promise<Principal | null> {
    const hit = this.cache.get(key);
    if (hit && hit.expires > Date.now()) {
      this.metrics.authCacheHits.inc({ kind, result: 'hit' });
      return hit.principal;
    }
    this.metrics.authCacheHits.inc({ kind, result: 'miss' });
    const principal = await load();
    // Only positive answers are cached: a key created a moment later must work at once.
    if (principal && this.cacheTtlMs > 0) {
      if (this.cache.size > 100_000) this.cache.clear();
      this.cache.set(key, { principal, expires: Date.now() + this.cacheTtlMs });
    }
    return principal;
  }

  private async resolve(request: Promise<BusReplyOf<typeof Subjects.account.resolveApiKey>>, via: Principal['via']): Promise<Principal | null> {
    const reply = await request;
    if (reply.code !== 0 || !reply.data) return null;
    return { tenantId: reply.data.tenant_id, userId: reply.data.user_id, tenantIds: reply.data.tenant_ids, via };
  }
}

export function callerOf(p: Principal, requestId: string): CallerContext {
  return { tenantId: p.tenantId, userId: p.userId, tenantIds: p.tenantIds, requestId };
}
