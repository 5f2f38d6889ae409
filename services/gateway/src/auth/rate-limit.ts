/**
 * Per-API-key request limits: a token bucket per key, in this gateway process. A key holds up to
 * `burst` tokens, gains `perMinute / 60` a second, and each request takes one; an empty bucket
 * means HTTP 429 with the seconds until the next token.
 *
 * Per replica on purpose: a bucket shared through NATS KV would cost a JetStream round trip and a
 * compare-and-set write on every API call (the hot path, where logins are rare), and a KV outage
 * would have to either block or wave through all traffic. With N gateway replicas a key can make
 * up to N times the limit; operators divide by the replica count (load balancers spread a key's
 * requests roughly evenly).
 */
export interface RateLimit {
  perMinute: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Above this many tracked keys, full (idle) buckets are dropped: they equal a fresh one. */
const SWEEP_AT = 10_000;

export class ApiKeyRateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #capacity: number;
  readonly #perMs: number;

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    this.#capacity = Math.max(1, limit.burst || Math.ceil(limit.perMinute / 10));
    this.#perMs = limit.perMinute / 60_000;
  }

  get enabled(): boolean {
    return this.limit.perMinute > 0;
  }

  /** Takes a token for `key`: 0 when the request may go, else the seconds to wait (for Retry-After). */
  take(key: string): number {
    if (!this.enabled) return 0;
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#capacity, at: now };
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.at) * this.#perMs);
    bucket.at = now;
    if (this.#buckets.size >= SWEEP_AT && !this.#buckets.has(key)) this.sweep(now);
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000));
  }

  private sweep(now: number): void {
    for (const [key, b] of this.#buckets) if (b.tokens + (now - b.at) * this.#perMs >= this.#capacity) this.#buckets.delete(key);
  }
}
