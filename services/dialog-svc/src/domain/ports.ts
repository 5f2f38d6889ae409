import type { CallerContext, Dataset, EventType, TenantProfile } from '@rag/contracts';
import type { Knex } from '@rag/platform';

/**
 * What the chat domain needs from the outside, as narrow ports. index.ts binds them to the bus
 * (dataset-svc, account-svc) and to the outbox.
 */
export interface DatasetPort {
  /** Live datasets the caller may read (own, or team datasets of its tenants); unknown ids are left out. */
  accessible(ctx: CallerContext, ids: string[]): Promise<Dataset[]>;
}

export interface TenantPort {
  /** The tenant's default models and its configured models; null when the tenant does not exist. */
  profile(ctx: CallerContext): Promise<TenantProfile | null>;
}

export interface EventPort {
  add(trx: Knex | Knex.Transaction, type: EventType, tenantId: string, data: unknown): Promise<void>;
  flush(): Promise<void>;
}
