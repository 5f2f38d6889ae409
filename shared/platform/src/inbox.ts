import type { Knex, Migration } from './db.js';

/**
 * Idempotent event handling: an event's id is recorded in the same transaction as its effect, so a
 * redelivered event is recognised and skipped (at-least-once delivery, exactly-once effect).
 */
export class Inbox {
  constructor(private readonly table: string) {}

  static migration(table: string): Migration {
    return {
      name: `901_${table}`,
      async up(db) {
        await db.schema.createTable(table, (t) => {
          t.string('event_id', 32).primary();
          t.bigInteger('processed_at').notNullable();
        });
      },
    };
  }

  /**
   * True when this call claimed the event; false when it was processed before. Two replicas racing
   * on one event: the second insert hits the primary key, its transaction rolls back, and the
   * redelivery then finds the event claimed.
   */
  async claim(trx: Knex | Knex.Transaction, eventId: string): Promise<boolean> {
    if (await trx(this.table).where({ event_id: eventId }).first('event_id')) return false;
    await trx(this.table).insert({ event_id: eventId, processed_at: Date.now() });
    return true;
  }
}
