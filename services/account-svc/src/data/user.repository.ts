import type { Knex } from '@rag/platform';
import type { DomainEvent } from '../domain/ports.js';
import { recordAll, type EventRecorder } from './event-recorder.js';
import type { TenantRecord } from './tenant.repository.js';
import type { TenantModelRecord } from './tenant-model.repository.js';

export interface UserRecord {
  id: string;
  email: string;
  nickname: string;
  /** The salted hash; never leaves account-svc. */
  password: string | null;
  access_token: string | null;
  avatar: string | null;
  language: string;
  color_schema: string;
  timezone: string;
  last_login_time: number | null;
  is_authenticated: string;
  is_active: string;
  is_anonymous: string;
  login_channel: string;
  status: string;
  is_superuser: boolean;
  create_time: number;
  update_time: number;
}

export interface MembershipRecord {
  id: string;
  user_id: string;
  tenant_id: string;
  role: string;
  invited_by: string;
  status: string;
  create_time: number;
  update_time: number;
}

/** A new account: the user, the tenant it owns, the owner membership and the tenant's first models. */
export interface NewAccount {
  user: UserRecord;
  tenant: TenantRecord;
  membership: MembershipRecord;
  models: TenantModelRecord[];
}

export type UserPatch = Partial<Omit<UserRecord, 'id' | 'create_time'>>;

const num = (v: unknown): number => Number(v);

function toUser(row: Record<string, unknown>): UserRecord {
  return {
    ...(row as unknown as UserRecord),
    last_login_time: row.last_login_time === null || row.last_login_time === undefined ? null : num(row.last_login_time),
    is_superuser: Boolean(Number(row.is_superuser)),
    create_time: num(row.create_time),
    update_time: num(row.update_time),
  };
}

export class DuplicateEmailError extends Error {}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; message?: string };
  return e.code === 'ER_DUP_ENTRY' || e.errno === 1062 || /UNIQUE constraint failed/i.test(e.message ?? '');
}

/** Users and their tenant memberships. */
export class UserRepository {
  constructor(
    private readonly db: Knex,
    private readonly recorder: EventRecorder,
  ) {}

  async findById(id: string): Promise<UserRecord | undefined> {
    const row = await this.db('users').where({ id }).first();
    return row ? toUser(row) : undefined;
  }

  /** E-mail addresses compare case-insensitively on every database (MySQL's default collation does). */
  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const row = await this.db('users').whereRaw('lower(email) = ?', [email.toLowerCase()]).first();
    return row ? toUser(row) : undefined;
  }

  async update(id: string, patch: UserPatch, events: readonly DomainEvent[] = []): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx('users').where({ id }).update(patch);
      await recordAll(trx, this.recorder, events);
    });
  }

  /** Creates the whole account in one transaction; a concurrent registration of the same e-mail loses. */
  async createAccount(account: NewAccount, events: readonly DomainEvent[]): Promise<void> {
    try {
      await this.db.transaction(async (trx) => {
        await trx('users').insert(account.user);
        await trx('tenants').insert(account.tenant);
        await trx('user_tenant').insert(account.membership);
        if (account.models.length) await trx('tenant_llm').insert(account.models);
        await recordAll(trx, this.recorder, events);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateEmailError(account.user.email);
      throw err;
    }
  }

  /** The tenants a user belongs to, the one it owns first. */
  async tenantIdsOf(userId: string): Promise<string[]> {
    const rows: Array<{ tenant_id: string; role: string }> = await this.db('user_tenant').where({ user_id: userId, status: '1' }).select('tenant_id', 'role').orderBy('create_time', 'asc');
    return [...rows.filter((r) => r.role === 'owner'), ...rows.filter((r) => r.role !== 'owner')].map((r) => r.tenant_id);
  }

  async ownerOf(tenantId: string): Promise<string | undefined> {
    const row = await this.db('user_tenant').where({ tenant_id: tenantId, role: 'owner' }).first('user_id');
    return row?.user_id as string | undefined;
  }
}
