import { RagError, jsonEnvelope } from '@rag/contracts';
import type { RouteContext } from '../http/route.js';
import type { Principal } from './authenticator.js';

/**
 * `/api/v1` API-key routes (§3.4): only `Bearer <key>` works (the first word is not checked, the
 * second is the key). Failures are HTTP 200 with RAGFlow's exact bodies, including code 0 for a
 * missing header. Returns null after writing the refusal.
 */
export async function authenticateApiKey(ctx: RouteContext): Promise<Principal | null> {
  const { req, res, deps } = ctx;
  const header = req.headers.authorization;
  if (!header || deps.config.DISABLE_SDK) {
    res.json(jsonEnvelope(0, "`Authorization` can't be empty", false));
    return null;
  }
  const words = header.split(/\s+/).filter(Boolean);
  if (words.length < 2) {
    res.json(jsonEnvelope(0, 'Please check your authorization format.', false));
    return null;
  }
  const principal = await deps.auth.byApiKey(words[1]!, ctx.requestId);
  if (!principal) {
    res.json(jsonEnvelope(109, 'Authentication error: API key is invalid!', false));
    return null;
  }
  return withinRateLimit(ctx, words[1]!) ? principal : null;
}

/**
 * The per-API-key request limit (API_KEY_REQUESTS_PER_MINUTE), checked once the key is known to be
 * valid so that junk keys cannot fill the buckets. Over it: HTTP 429, `Retry-After`, and the error
 * envelope; returns false after writing that.
 */
function withinRateLimit(ctx: RouteContext, apiKey: string): boolean {
  const limiter = ctx.deps.rateLimiter;
  const wait = limiter.take(apiKey);
  if (wait === 0) return true;
  const err = new RagError('API_KEY_RATE_LIMITED', { limit: limiter.limit.perMinute, seconds: wait });
  ctx.res.status(429).setHeader('Retry-After', String(wait));
  ctx.res.json(jsonEnvelope(err.code, err.message, null));
  return false;
}

/**
 * Web `login_required` routes: the whole header as a login token; only when it does not decode as
 * one, `Bearer <API key>` (exactly two words). Every failure is HTTP 401.
 */
export async function authenticateWeb(ctx: RouteContext): Promise<Principal | null> {
  const { req, res, deps } = ctx;
  const header = req.headers.authorization?.trim();
  let principal: Principal | null = null;
  if (header) {
    const claims = deps.auth.decodeLoginToken(header);
    if (claims) principal = await deps.auth.byLoginClaims(claims, ctx.requestId);
    else if (claims === undefined) {
      const words = header.split(/\s+/);
      if (words.length === 2 && words[1]) {
        principal = await deps.auth.byApiKey(words[1], ctx.requestId);
        if (principal && !withinRateLimit(ctx, words[1])) return null;
      }
    }
  }
  if (!principal) {
    res.status(401).json(jsonEnvelope(401, "<Unauthorized '401: Unauthorized'>", null));
    return null;
  }
  return principal;
}
