import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { StorageType, type JetStreamClient, type KV, type KvEntry } from 'nats';
import { KvBuckets, RagError } from '@rag/contracts';
import type { Logger } from '@rag/platform';
import type { RouteContext, RouteDef } from '../http/route.js';

/**
 * Login throttling, shared by every gateway replica through one NATS KV bucket. Login attempts are
 * counted per account and per client address inside a window, before the password is checked: an
 * attempt takes a slot with compare-and-set (it counts as a failure until it succeeds), so a burst
 * of parallel guesses gets no more attempts than the limit, whichever replicas it lands on; the
 * rest are told to retry in a second. When a failure fills the window's slots, the account or
 * address is locked for the lockout time: attempts get the contract's failed-login code (109) with
 * the wait in the message, without asking account-svc (so a locked attacker costs no password
 * hashing either). A success clears the account's count and gives the address its slot back, so
 * one valid account cannot launder guesses at others and a busy shared address is never locked
 * by its successes.
 *
 * One throttle per login surface (`scope`): the user login today, the admin login later, each with
 * its own keys and limits in the same bucket.
 */
export interface ThrottleLimits {
  /** Failed attempts per account in the window before a lockout; 0 = not counted. */
  maxFailuresPerAccount: number;
  /** Failed attempts per client address in the window before a lockout; 0 = not counted. */
  maxFailuresPerAddress: number;
  windowMs: number;
  lockoutMs: number;
}

export interface LoginParty {
  /** The e-mail (or user name) tried; compared without case. */
  account?: string | undefined;
  /** The client address (express `req.ip`). */
  address?: string | undefined;
}

/** What is stored per key; times are epoch ms, so every replica reads the same state. */
interface Counter {
  failures: number;
  windowStart: number;
  lockedUntil: number;
}

export const THROTTLE_BUCKET = KvBuckets.loginThrottle;
/** Writers racing on one key retry with a little jitter; a login storm on one account stays well inside this. */
const CAS_ATTEMPTS = 25;
const KV_TIMEOUT_MS = 2000;

const keyPart = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 40);

export class LoginThrottle {
  #kv: Promise<KV> | undefined;

  constructor(
    private readonly js: JetStreamClient,
    private readonly scope: string,
    private readonly limits: ThrottleLimits,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The bucket, opened (and created, in memory storage) on first use; a failure is retried next time. */
  private bucket(): Promise<KV> {
    this.#kv ??= this.js.views
      .kv(THROTTLE_BUCKET, { history: 1, storage: StorageType.Memory, ttl: Math.max(this.limits.windowMs, this.limits.lockoutMs) * 2, timeout: KV_TIMEOUT_MS })
      .catch((err: unknown) => {
        this.#kv = undefined;
        throw err;
      });
    return this.#kv;
  }

  private accountKey(who: LoginParty): string | undefined {
    // KV keys allow few characters; e-mails and IPv6 addresses are hashed into them.
    return who.account && this.limits.maxFailuresPerAccount > 0 ? `${this.scope}.account.${keyPart(who.account.trim().toLowerCase())}` : undefined;
  }

  private addressKey(who: LoginParty): string | undefined {
    return who.address && this.limits.maxFailuresPerAddress > 0 ? `${this.scope}.address.${keyPart(who.address)}` : undefined;
  }

  private limitOf(key: string): number {
    return key.startsWith(`${this.scope}.account.`) ? this.limits.maxFailuresPerAccount : this.limits.maxFailuresPerAddress;
  }

  private static read(entry: KvEntry | null): Counter | undefined {
    return entry && entry.operation === 'PUT' && entry.length ? (entry.json() as Counter) : undefined;
  }

  /** Seconds until a locked account or address may try again; 0 when it may try now. */
  async waitSeconds(who: LoginParty): Promise<number> {
    const kv = await this.bucket();
    const now = this.now();
    let until = 0;
    for (const key of [this.accountKey(who), this.addressKey(who)]) {
      if (!key) continue;
      const c = LoginThrottle.read(await kv.get(key));
      if (c) until = Math.max(until, c.lockedUntil);
    }
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Read-modify-write of one key with compare-and-set, retried when another replica wrote first. */
  private async change<T>(kv: KV, key: string, edit: (current: Counter | undefined, now: number) => { next: Counter | null; result: T }): Promise<T> {
    for (let i = 0; ; i++) {
      const entry = await kv.get(key);
      const current = LoginThrottle.read(entry);
      const { next, result } = edit(current, this.now());
      // Nothing changed (a refusal, an unknown key): no write.
      if (next === current || (next === null && current === undefined)) return result;
      try {
        if (next === null) {
          if (entry) await kv.delete(key, { previousSeq: entry.revision });
        } else if (entry) await kv.update(key, JSON.stringify(next), entry.revision);
        else await kv.create(key, JSON.stringify(next));
        return result;
      } catch (err) {
        if (i >= CAS_ATTEMPTS - 1) throw err;
        await delay(Math.random() * 5 * (i + 1));
      }
    }
  }

  /**
   * Takes an attempt slot on a key: 0 when granted, else the seconds to wait: the lockout's rest,
   * or one second while the slots are held by attempts still running.
   */
  private take(kv: KV, key: string): Promise<number> {
    const limit = this.limitOf(key);
    return this.change(kv, key, (c, now) => {
      if (c && c.lockedUntil > now) return { next: c, result: Math.ceil((c.lockedUntil - now) / 1000) };
      const current = !c || now - c.windowStart > this.limits.windowMs ? { failures: 0, windowStart: now, lockedUntil: 0 } : c;
      if (current.failures >= limit) return { next: c ?? null, result: 1 };
      return { next: { ...current, failures: current.failures + 1 }, result: 0 };
    });
  }

  /** The attempt failed (its slot stays taken): a full window locks the key, counting afresh after the lockout. */
  private lockIfFull(kv: KV, key: string): Promise<void> {
    const limit = this.limitOf(key);
    return this.change(kv, key, (c, now) => {
      if (!c || c.lockedUntil > now || c.failures < limit) return { next: c ?? null, result: undefined };
      const lockedUntil = now + this.limits.lockoutMs;
      return { next: { failures: 0, windowStart: lockedUntil, lockedUntil }, result: undefined };
    });
  }

  /** Gives a slot back (the attempt succeeded, or was refused by another key). */
  private giveBack(kv: KV, key: string): Promise<void> {
    return this.change(kv, key, (c) => ({ next: c && c.failures > 0 ? { ...c, failures: c.failures - 1 } : (c ?? null), result: undefined }));
  }

  /**
   * Takes a slot for an attempt on each counted key (account first). Returns 0 when the attempt
   * may go ahead, else the seconds to wait; a refused attempt holds no slot.
   */
  async reserve(who: LoginParty): Promise<number> {
    const kv = await this.bucket();
    const account = this.accountKey(who);
    const address = this.addressKey(who);
    const accountWait = account ? await this.take(kv, account) : 0;
    if (accountWait) return accountWait;
    const addressWait = address ? await this.take(kv, address) : 0;
    if (addressWait && account) await this.giveBack(kv, account);
    return addressWait;
  }

  /** After a failed login: its slots stay taken; a key whose window is full is locked. */
  async failed(who: LoginParty): Promise<void> {
    const kv = await this.bucket();
    for (const key of [this.accountKey(who), this.addressKey(who)]) if (key) await this.lockIfFull(kv, key);
  }

  /** After a successful login: the account starts afresh, the address gets its slot back. */
  async succeeded(who: LoginParty): Promise<void> {
    const kv = await this.bucket();
    const account = this.accountKey(who);
    const address = this.addressKey(who);
    if (account) await kv.delete(account);
    if (address) await this.giveBack(kv, address);
  }

  /**
   * Runs one login attempt under the throttle: refuses while locked (code 109, `onLocked` gets the
   * seconds for a `Retry-After`), else runs `attempt`, which says whether the login succeeded. The
   * bucket being unreachable lets logins through (logged): throttling must not become an outage
   * of its own.
   */
  async around(who: LoginParty, attempt: () => Promise<boolean>, onLocked: (seconds: number) => void = () => undefined): Promise<void> {
    let wait = 0;
    try {
      wait = await this.reserve(who);
    } catch (err) {
      this.logger.warn({ err, scope: this.scope }, 'login throttle unavailable; login not throttled');
    }
    if (wait > 0) {
      onLocked(wait);
      throw new RagError('LOGIN_THROTTLED', { wait: wait === 1 ? '1 second' : `${wait} seconds` }, false);
    }
    const ok = await attempt();
    try {
      await (ok ? this.succeeded(who) : this.failed(who));
    } catch (err) {
      this.logger.warn({ err, scope: this.scope }, 'login throttle unavailable; outcome not recorded');
    }
  }
}

/**
 * A login route handler under a throttle: the account is what `account` reads from the request
 * (the e-mail), the address is express's `req.ip` (X-Forwarded-For only under TRUST_PROXY), and a
 * login token in the `Authorization` response header means the login succeeded. The answer is
 * held until the outcome is recorded, so a client that waits for it meets the lock at its very
 * next attempt.
 */
export function throttledLogin(
  account: (ctx: RouteContext) => unknown,
  handle: RouteDef['handle'],
  throttle: (ctx: RouteContext) => LoginThrottle = (ctx) => ctx.deps.loginThrottle,
): RouteDef['handle'] {
  return async (ctx) => {
    const email = account(ctx);
    const who = { account: typeof email === 'string' ? email : undefined, address: ctx.req.ip };
    const res = ctx.res;
    const send = res.json.bind(res);
    let held: { body: unknown } | undefined;
    res.json = ((body: unknown) => {
      held = { body };
      return res;
    }) as typeof res.json;
    try {
      await throttle(ctx).around(
        who,
        async () => {
          await handle(ctx);
          return res.hasHeader('Authorization');
        },
        (seconds) => res.setHeader('Retry-After', String(seconds)),
      );
    } finally {
      res.json = send;
      if (held) send(held.body);
    }
  };
}
