import { isMysql, type Knex, type Migration } from '@rag/platform';

/**
 * Titles compare case-insensitively, as RAGFlow's do under MySQL's default collation; SQLite gets
 * the same with NOCASE.
 */
function titleColumn(db: Knex, t: Knex.CreateTableBuilder): void {
  if (isMysql(db)) t.string('title', 255).nullable();
  else t.specificType('title', 'varchar(255) collate nocase').nullable();
}

/** RAGFlow's `user_canvas`, `user_canvas_version` and the agent rows of `api_4_conversation`. */
export const migrations: Migration[] = [
  {
    name: '001_agents_versions_sessions',
    async up(db) {
      await db.schema.createTable('agents', (t) => {
        t.string('id', 32).primary();
        t.string('tenant_id', 32).notNullable();
        titleColumn(db, t);
        t.text('avatar', 'longtext').nullable();
        t.text('description', 'longtext').nullable();
        t.string('permission', 16).notNullable().defaultTo('me');
        t.string('canvas_type', 32).nullable();
        t.string('canvas_category', 32).notNullable().defaultTo('agent_canvas');
        t.text('dsl', 'longtext').notNullable();
        t.bigInteger('create_time').notNullable();
        t.bigInteger('update_time').notNullable();
        t.index(['tenant_id', 'canvas_category', 'update_time'], 'agents_tenant_updated');
        t.index(['tenant_id', 'title'], 'agents_tenant_title');
      });
      await db.schema.createTable('agent_versions', (t) => {
        t.string('id', 32).primary();
        t.string('agent_id', 32).notNullable();
        t.string('title', 512).notNullable();
        t.text('dsl', 'longtext').notNullable();
        t.bigInteger('create_time').notNullable();
        t.index(['agent_id', 'create_time'], 'agent_versions_agent_created');
      });
      await db.schema.createTable('agent_sessions', (t) => {
        t.string('id', 32).primary();
        t.string('agent_id', 32).notNullable();
        t.string('tenant_id', 32).notNullable();
        t.string('user_id', 255).notNullable().defaultTo('');
        t.text('messages', 'longtext').notNullable();
        t.text('reference', 'longtext').notNullable();
        t.integer('tokens').notNullable().defaultTo(0);
        t.string('source', 16).notNullable().defaultTo('agent');
        t.text('dsl', 'longtext').notNullable();
        t.double('duration').notNullable().defaultTo(0);
        t.integer('round').notNullable().defaultTo(0);
        t.integer('thumb_up').notNullable().defaultTo(0);
        t.text('errors', 'longtext').nullable();
        t.bigInteger('create_time').notNullable();
        t.bigInteger('update_time').notNullable();
        t.index(['agent_id', 'update_time'], 'agent_sessions_agent_updated');
      });
    },
    async down(db) {
      await db.schema.dropTableIfExists('agent_sessions');
      await db.schema.dropTableIfExists('agent_versions');
      await db.schema.dropTableIfExists('agents');
    },
  },
];
