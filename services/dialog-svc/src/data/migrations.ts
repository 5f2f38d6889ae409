import { isMysql, type Knex, type Migration } from '@rag/platform';

/**
 * Names compare and sort case-insensitively, as RAGFlow's do under MySQL's default collation;
 * SQLite gets the same with NOCASE (equality filters also use `lower()` for non-ASCII safety).
 */
function nameColumn(db: Knex, t: Knex.CreateTableBuilder): void {
  if (isMysql(db)) t.string('name', 255).notNullable();
  else t.specificType('name', 'varchar(255) collate nocase').notNullable();
}

export const migrations: Migration[] = [
  {
    name: '001_chats_and_sessions',
    async up(db) {
      await db.schema.createTable('chats', (t) => {
        t.string('id', 32).primary();
        t.string('tenant_id', 32).notNullable();
        nameColumn(db, t);
        t.text('description', 'longtext').nullable();
        t.text('avatar', 'longtext').nullable();
        t.string('language', 32).nullable();
        t.string('llm_id', 128).notNullable();
        t.text('llm_setting', 'longtext').notNullable();
        t.string('prompt_type', 16).notNullable().defaultTo('simple');
        t.text('prompt_config', 'longtext').notNullable();
        t.text('meta_data_filter', 'longtext').nullable();
        t.double('similarity_threshold').notNullable().defaultTo(0.2);
        t.double('vector_similarity_weight').notNullable().defaultTo(0.3);
        t.integer('top_n').notNullable().defaultTo(6);
        t.integer('top_k').notNullable().defaultTo(1024);
        t.string('do_refer', 1).notNullable().defaultTo('1');
        t.string('rerank_id', 128).notNullable().defaultTo('');
        t.text('dataset_ids', 'longtext').notNullable();
        t.string('status', 1).notNullable().defaultTo('1');
        t.bigInteger('create_time').notNullable();
        t.bigInteger('update_time').notNullable();
        t.index(['tenant_id', 'status', 'create_time'], 'chats_tenant_created');
        t.index(['tenant_id', 'name'], 'chats_tenant_name');
      });
      await db.schema.createTable('chat_sessions', (t) => {
        t.string('id', 32).primary();
        t.string('chat_id', 32).notNullable();
        t.string('tenant_id', 32).notNullable();
        nameColumn(db, t);
        t.text('messages', 'longtext').notNullable();
        t.text('reference', 'longtext').notNullable();
        t.string('user_id', 255).nullable();
        t.bigInteger('create_time').notNullable();
        t.bigInteger('update_time').notNullable();
        t.index(['chat_id', 'create_time'], 'chat_sessions_chat_created');
      });
    },
    async down(db) {
      await db.schema.dropTableIfExists('chat_sessions');
      await db.schema.dropTableIfExists('chats');
    },
  },
];
