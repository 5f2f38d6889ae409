import type { Knex } from '@rag/platform';
import type { DomainEvent } from '../domain/ports.js';

/** The outbox as the repositories see it (platform's `Outbox`): an insert inside their transaction. */
export interface EventRecorder {
  add(trx: Knex | Knex.Transaction, type: DomainEvent['type'], tenantId: string, data: unknown): Promise<void>;
}

export async function recordAll(trx: Knex.Transaction, recorder: EventRecorder, events: readonly DomainEvent[]): Promise<void> {
  for (const e of events) await recorder.add(trx, e.type, e.tenantId, e.data);
}
