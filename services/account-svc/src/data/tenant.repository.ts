import type { Knex } from '@rag/platform';
import type { DomainEvent } from '../domain/ports.js';
import { recordAll, type EventRecorder } from './event-recorder.js';

export interface TenantRecord {
  id: string;
  name: string;
  llm_id: string;
  embd_id: string;
  rerank_id: string;
  asr_id: string;
  img2txt_id: string;
  tts_id: string | null;
  parser_ids: string;
  credit: number;
  status: string;
  create_time: number;
  update_time: number;
}

/** The settings a tenant owner may change through set_tenant_info. */
export type TenantSettings = Partial<Pick<TenantRecord, 'name' | 'llm_id' | 'embd_id' | 'rerank_id' | 'asr_id' | 'img2txt_id' | 'tts_id' | 'parser_ids'>>;

function toTenant(row: Record<string, unknown>): TenantRecord {
  return { ...(row as unknown as TenantRecord), credit: Number(row.credit), create_time: Number(row.create_time), update_time: Number(row.update_time) };
}

export class TenantRepository {
  constructor(
    private readonly db: Knex,
    private readonly recorder: EventRecorder,
  ) {}

  async findById(id: string): Promise<TenantRecord | undefined> {
    const row = await this.db('tenants').where({ id, status: '1' }).first();
    return row ? toTenant(row) : undefined;
  }

  /** The tenant a user owns (RAGFlow's `TenantService.get_info_by`). */
  async ownedBy(userId: string): Promise<TenantRecord | undefined> {
    const row = await this.db('tenants')
      .join('user_tenant', 'user_tenant.tenant_id', 'tenants.id')
      .where({ 'user_tenant.user_id': userId, 'user_tenant.role': 'owner', 'tenants.status': '1' })
      .first('tenants.*');
    return row ? toTenant(row) : undefined;
  }

  async update(id: string, settings: TenantSettings, now: number, events: readonly DomainEvent[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx('tenants').where({ id }).update({ ...settings, update_time: now });
      await recordAll(trx, this.recorder, events);
    });
  }
}
