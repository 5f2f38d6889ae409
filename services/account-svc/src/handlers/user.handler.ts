import { Subjects } from '@rag/contracts';
import type { Handlers } from '@rag/platform';
import { authenticated } from './caller.js';
import type { SessionService } from '../domain/sessions.js';
import type { UserService } from '../domain/users.js';

/** Registration, sessions and the user profile. Bodies are the gateway's lenient parse of the request. */
export function userHandlers(users: UserService, sessions: SessionService): Handlers {
  return {
    [Subjects.account.register]: (req) => users.register(req.body ?? {}),
    [Subjects.account.passwordParams]: (req, ctx) => sessions.passwordParams(req.body ?? {}, ctx.userId),
    [Subjects.account.login]: (req) => sessions.login(req.body ?? {}),
    [Subjects.account.logout]: (_req, ctx) => sessions.logout(authenticated(ctx).userId),
    [Subjects.account.resolveSession]: (req) => sessions.resolve(req.body?.user_id, req.body?.access_token),
    [Subjects.account.userInfo]: (_req, ctx) => users.info(authenticated(ctx).userId),
    [Subjects.account.userSetting]: (req, ctx) => users.updateSetting(authenticated(ctx).userId, req.body ?? {}),
  };
}
