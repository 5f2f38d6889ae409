import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Logger } from './logger.js';

export type { Knex };

export interface DbOptions {
  /** `mysql://…` for MySQL/MariaDB; otherwise SQLite at `<dataDir>/<name>.sqlite`. */
  url: string | undefined;
  dataDir: string;
  /** The owning service's name: the SQLite file name and the migrations table suffix. */
  name: string;
  poolMax?: number;
}

export function isMysql(db: Knex): boolean {
  return db.client.config.client === 'mysql2';
}

/** Opens the metadata database: MySQL/MariaDB through mysql2, or SQLite through better-sqlite3. */
export function openDb(opts: DbOptions): Knex {
  if (opts.url && /^mysql2?:\/\//.test(opts.url)) {
    return knexFactory({
      client: 'mysql2',
      connection: { uri: opts.url.replace(/^mysql2:/, 'mysql:'), charset: 'utf8mb4', supportBigNumbers: true, dateStrings: true } as never,
      // At least two: migrations hold one connection for their advisory lock while running on another.
      pool: { min: 0, max: Math.max(2, opts.poolMax ?? 10) },
    });
  }
  if (opts.url) throw new Error(`DATABASE_URL must start with mysql:// (got "${opts.url.split(':')[0]}:"); leave it unset for SQLite`);
  const file = opts.dataDir === ':memory:' ? ':memory:' : path.resolve(opts.dataDir, `${opts.name}.sqlite`);
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: { pragma: (s: string) => unknown }, done: (err: Error | null, conn: unknown) => void) => {
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
        done(null, conn);
      },
    },
  });
}

export interface Migration {
  name: string;
  up(db: Knex): Promise<void>;
  down?(db: Knex): Promise<void>;
}

/**
 * Runs a service's migrations. Safe when several replicas start at once: on MySQL/MariaDB the
 * whole run holds a server-side advisory lock (GET_LOCK, released by the server if the holder
 * dies), so replicas take turns and later ones find nothing left to do. Without it, knex's own
 * lock table can be created twice by racing replicas and then stays "locked" for everyone. On
 * SQLite a busy or locked database is retried.
 */
export async function migrate(db: Knex, service: string, migrations: Migration[], logger: Logger): Promise<void> {
  if (!isMysql(db)) return migrateLatest(db, service, migrations, logger);
  const lockName = `rag_migrate_${service}`.slice(0, 64);
  await db.transaction(async (holder) => {
    // The transaction pins one pooled connection: the lock lives exactly as long as it does.
    const [rows] = (await holder.raw('SELECT GET_LOCK(?, 300) AS got', [lockName])) as unknown as [{ got: number | null }[]];
    if (Number(rows[0]?.got) !== 1) throw new Error(`could not take the migration lock ${lockName} within 300 s`);
    try {
      await migrateLatest(db, service, migrations, logger);
    } finally {
      await holder.raw('SELECT RELEASE_LOCK(?)', [lockName]);
    }
  });
}

async function migrateLatest(db: Knex, service: string, migrations: Migration[], logger: Logger): Promise<void> {
  const table = `migrations_${service.replace(/[^a-z0-9]/gi, '_')}`;
  const source: Knex.MigrationSource<Migration> = {
    getMigrations: async () => migrations,
    getMigrationName: (m) => m.name,
    getMigration: async (m) => ({ up: m.up, down: m.down ?? (async () => undefined) }),
  };
  const deadline = Date.now() + 120_000;
  for (let attempt = 0; ; attempt++) {
    try {
      const [, applied] = (await db.migrate.latest({ migrationSource: source, tableName: table })) as [number, string[]];
      if (applied.length) logger.info({ applied }, 'migrations applied');
      return;
    } catch (err) {
      const msg = String((err as Error).message ?? err);
      const contended = /already locked|Duplicate entry|ER_TABLE_EXISTS|already exists|SQLITE_BUSY|database is locked|Deadlock/i.test(msg);
      if (!contended || Date.now() > deadline) throw err;
      logger.info({ attempt, reason: msg.slice(0, 120) }, 'migrations locked by another replica; waiting');
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
    }
  }
}

/** JSON columns are TEXT on SQLite and LONGTEXT on MariaDB: read them back as values. */
export function parseJsonColumn<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined || value === '') return fallback;
  if (typeof value !== 'string') return value as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}
