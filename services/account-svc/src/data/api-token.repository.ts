import type { Knex } from '@rag/platform';
import type { DomainEvent } from '../domain/ports.js';
import { recordAll, type EventRecorder } from './event-recorder.js';

/** An API key as stored: its SHA-256, never the key itself. */
export interface ApiTokenRecord {
  token_hash: string;
  tenant_id: string;
  token_masked: string;
  beta: string | null;
  dialog_id: string | null;
  source: string | null;
  create_time: number;
  update_time: number | null;
}

function toToken(row: Record<string, unknown>): ApiTokenRecord {
  return { ...(row as unknown as ApiTokenRecord), create_time: Number(row.create_time), update_time: row.update_time === null || row.update_time === undefined ? null : Number(row.update_time) };
}

export class ApiTokenRepository {
  constructor(
    private readonly db: Knex,
    private readonly recorder: EventRecorder,
  ) {}

  async insert(record: ApiTokenRecord, events: readonly DomainEvent[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx('api_tokens').insert(record);
      await recordAll(trx, this.recorder, events);
    });
  }

  async findByHash(tokenHash: string): Promise<ApiTokenRecord | undefined> {
    const row = await this.db('api_tokens').where({ token_hash: tokenHash }).first();
    return row ? toToken(row) : undefined;
  }

  async listFor(tenantId: string): Promise<ApiTokenRecord[]> {
    const rows = await this.db('api_tokens').where({ tenant_id: tenantId }).orderBy([{ column: 'create_time' }, { column: 'token_hash' }]);
    return rows.map(toToken);
  }

  async setBeta(tokenHash: string, beta: string): Promise<void> {
    await this.db('api_tokens').where({ token_hash: tokenHash }).update({ beta });
  }

  /**
   * Deletes the tenant's keys matching the hash or the masked form, recording the events
   * `eventsFor` gives for the hashes removed; returns those hashes.
   */
  async deleteMatching(tenantId: string, tokenHash: string, masked: string, eventsFor: (hashes: string[]) => DomainEvent[]): Promise<string[]> {
    return this.db.transaction(async (trx) => {
      const rows: Array<{ token_hash: string }> = await trx('api_tokens')
        .where({ tenant_id: tenantId })
        .andWhere((q) => q.where({ token_hash: tokenHash }).orWhere({ token_masked: masked }))
        .select('token_hash');
      const hashes = rows.map((r) => r.token_hash);
      if (hashes.length) {
        await trx('api_tokens').whereIn('token_hash', hashes).delete();
        await recordAll(trx, this.recorder, eventsFor(hashes));
      }
      return hashes;
    });
  }
}
