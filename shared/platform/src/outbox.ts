import type { EventType } from '@rag/contracts';
import type { Bus } from './bus.js';
import type { Knex, Migration } from './db.js';
import { uuid1 } from './ids.js';
import type { Logger } from './logger.js';

interface OutboxRow {
  id: string;
  type: string;
  tenant_id: string;
  payload: string;
  created_at: number;
}

/**
 * Transactional outbox: an event is written in the same transaction as the change it reports,
 * then relayed to the EVENTS stream. A crash between commit and publish loses nothing: the relay
 * publishes leftovers on the next tick, and JetStream drops repeats by Nats-Msg-Id (the event id).
 */
export class Outbox {
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly db: Knex,
    private readonly bus: Bus,
    private readonly table: string,
    private readonly source: string,
    private readonly logger: Logger,
  ) {}

  static migration(table: string): Migration {
    return {
      name: `900_${table}`,
      async up(db) {
        await db.schema.createTable(table, (t) => {
          t.string('id', 32).primary();
          t.string('type', 64).notNullable();
          t.string('tenant_id', 32).notNullable();
          t.text('payload', 'longtext').notNullable();
          t.bigInteger('created_at').notNullable();
        });
      },
    };
  }

  /** Records an event inside the caller's transaction. */
  async add(trx: Knex | Knex.Transaction, type: EventType, tenantId: string, data: unknown): Promise<void> {
    await trx(this.table).insert({ id: uuid1(), type, tenant_id: tenantId, payload: JSON.stringify(data), created_at: Date.now() });
  }

  /** Publishes pending events in order; safe to call concurrently (calls coalesce). */
  flush(): Promise<void> {
    this.flushing ??= this.publishPending().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.flush().catch((err) => this.logger.warn({ err }, 'outbox relay failed; will retry')), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }

  private async publishPending(): Promise<void> {
    for (;;) {
      const rows = (await this.db(this.table).orderBy([{ column: 'created_at' }, { column: 'id' }]).limit(100)) as OutboxRow[];
      if (!rows.length) return;
      for (const row of rows) {
        await this.bus.publishEvent(row.type as EventType, row.tenant_id, JSON.parse(row.payload), this.source, row.id);
        await this.db(this.table).where({ id: row.id }).delete();
      }
    }
  }
}
