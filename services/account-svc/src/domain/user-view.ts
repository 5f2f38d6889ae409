import type { UserRow } from '@rag/contracts';
import { httpDate } from '@rag/platform';
import type { UserRecord } from '../data/user.repository.js';

/** The user row of register/login/info (§3.2): the stored columns minus the password and the access token. */
export function toUserRow(u: UserRecord): UserRow {
  return {
    id: u.id,
    nickname: u.nickname,
    email: u.email,
    avatar: u.avatar,
    language: u.language,
    color_schema: u.color_schema,
    timezone: u.timezone,
    last_login_time: u.last_login_time === null ? null : httpDate(u.last_login_time),
    is_authenticated: u.is_authenticated,
    is_active: u.is_active,
    is_anonymous: u.is_anonymous,
    login_channel: u.login_channel,
    status: u.status,
    is_superuser: u.is_superuser,
    create_time: u.create_time,
    create_date: httpDate(u.create_time),
    update_time: u.update_time,
    update_date: httpDate(u.update_time),
  };
}
