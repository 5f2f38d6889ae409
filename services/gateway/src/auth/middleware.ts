import { jsonEnvelope } from '@rag/contracts';
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
  return principal;
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
      if (words.length === 2 && words[1]) principal = await deps.auth.byApiKey(words[1], ctx.requestId);
    }
  }
  if (!principal) {
    res.status(401).json(jsonEnvelope(401, "<Unauthorized '401: Unauthorized'>", null));
    return null;
  }
  return principal;
}
