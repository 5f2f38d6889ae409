import type { Knex } from '@rag/platform';
import type { DomainEvent } from '../domain/ports.js';
import { recordAll, type EventRecorder } from './event-recorder.js';

/** A model a tenant configured (RAGFlow's `tenant_llm` row). */
export interface TenantModelRecord {
  tenant_id: string;
  llm_factory: string;
  llm_name: string;
  model_type: string;
  api_key: string | null;
  api_base: string | null;
  max_tokens: number | null;
  used_tokens: number;
  status: string;
  create_time: number;
  update_time: number;
}

export type TenantModelKey = Pick<TenantModelRecord, 'tenant_id' | 'llm_factory' | 'llm_name'>;

function toModel(row: Record<string, unknown>): TenantModelRecord {
  return {
    ...(row as unknown as TenantModelRecord),
    max_tokens: row.max_tokens === null || row.max_tokens === undefined ? null : Number(row.max_tokens),
    used_tokens: Number(row.used_tokens),
    create_time: Number(row.create_time),
    update_time: Number(row.update_time),
  };
}

/** A tenant's models. Every change records its events in the same transaction. */
export class TenantModelRepository {
  constructor(
    private readonly db: Knex,
    private readonly recorder: EventRecorder,
  ) {}

  async listFor(tenantId: string): Promise<TenantModelRecord[]> {
    const rows = await this.db('tenant_llm').where({ tenant_id: tenantId }).orderBy([{ column: 'create_time' }, { column: 'llm_factory' }, { column: 'llm_name' }]);
    return rows.map(toModel);
  }

  /** Inserts the models or, for those the tenant already has, updates the given columns. */
  async upsert(records: TenantModelRecord[], updateColumns: Array<keyof TenantModelRecord>, events: readonly DomainEvent[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      for (const record of records) {
        const key = { tenant_id: record.tenant_id, llm_factory: record.llm_factory, llm_name: record.llm_name };
        const patch = Object.fromEntries(updateColumns.map((c) => [c, record[c]]));
        const updated = await trx('tenant_llm').where(key).update(patch);
        if (!updated) await trx('tenant_llm').insert(record);
      }
      await recordAll(trx, this.recorder, events);
    });
  }

  /** Adds tokens to a model's usage counter (one atomic increment). */
  async addUsage(key: TenantModelKey, tokens: number): Promise<void> {
    await this.db('tenant_llm').where(key).increment('used_tokens', tokens);
  }

  async setStatus(key: TenantModelKey, status: string, now: number, events: readonly DomainEvent[]): Promise<void> {
    await this.change((trx) => trx('tenant_llm').where(key).update({ status, update_time: now }), events);
  }

  async delete(key: TenantModelKey, events: readonly DomainEvent[]): Promise<void> {
    await this.change((trx) => trx('tenant_llm').where(key).delete(), events);
  }

  async deleteFactory(tenantId: string, factory: string, events: readonly DomainEvent[]): Promise<void> {
    await this.change((trx) => trx('tenant_llm').where({ tenant_id: tenantId, llm_factory: factory }).delete(), events);
  }

  /** Runs one statement; its events are recorded only when it touched a row. */
  private async change(statement: (trx: Knex.Transaction) => Promise<number>, events: readonly DomainEvent[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      if ((await statement(trx)) > 0) await recordAll(trx, this.recorder, events);
    });
  }
}
