import { EventContract, checkMessage, decodeMessage, type EventData, type EventType } from '@rag/contracts';
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

  /**
   * Records an event inside the caller's transaction. Its data is checked against the type's
   * contract first: a change whose event would be malformed fails (and rolls back) here.
   */
  async add<T extends EventType>(trx: Knex | Knex.Transaction, type: T, tenantId: string, data: EventData<T>): Promise<void> {
    const checked = checkMessage(EventContract[type], data);
    if (!checked.ok) throw new Error(`refusing to record a ${type} event: ${checked.reason}`);
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
        const type = row.type as EventType;
        const data = Object.hasOwn(EventContract, type) ? decodeMessage(EventContract[type], row.payload) : undefined;
        if (data?.ok) await this.bus.publishEvent(type, row.tenant_id, data.value as EventData<typeof type>, this.source, row.id);
        // A row that no longer matches its contract (written by an older version) would be refused by every consumer.
        else this.bus.rejected(`${this.table}:${row.type}`, data?.problem ?? 'schema', data?.reason ?? 'unknown event type', { event_id: row.id });
        await this.db(this.table).where({ id: row.id }).delete();
      }
    }
  }
}
