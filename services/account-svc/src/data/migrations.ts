import { isMysql, type Migration } from '@rag/platform';

/**
 * account-svc's tables. Times are epoch milliseconds (the `*_date` strings of the wire are derived
 * from them). API keys are stored only as their SHA-256 plus a masked form for display.
 */
export const migrations: Migration[] = [
  {
    name: '001_accounts',
    async up(db) {
      await db.schema.createTable('users', (t) => {
        t.string('id', 32).primary();
        t.string('email', 255).notNullable().unique();
        t.text('nickname').notNullable();
        t.string('password', 255).nullable();
        t.string('access_token', 64).nullable().index();
        t.text('avatar', 'longtext').nullable();
        t.string('language', 32).notNullable().defaultTo('English');
        t.string('color_schema', 32).notNullable().defaultTo('Bright');
        t.string('timezone', 64).notNullable().defaultTo('UTC+8\tAsia/Shanghai');
        t.bigInteger('last_login_time').nullable();
        t.string('is_authenticated', 1).notNullable().defaultTo('1');
        t.string('is_active', 1).notNullable().defaultTo('1');
        t.string('is_anonymous', 1).notNullable().defaultTo('0');
        t.string('login_channel', 32).notNullable().defaultTo('password');
        t.string('status', 1).notNullable().defaultTo('1');
        t.boolean('is_superuser').notNullable().defaultTo(false);
        t.bigInteger('create_time').notNullable();
        t.bigInteger('update_time').notNullable();
      });
      // E-mails are unique without regard to case: MySQL's _ci collation does it for the plain
      // unique key; SQLite needs an index on the lower-cased value.
      if (!isMysql(db)) await db.raw('CREATE UNIQUE INDEX users_email_lower_unique ON users (lower(email))');
      await db.schema.createTable('tenants', (t) => {
        t.string('id', 32).primary();
        t.text('name').notNullable();
        t.string('llm_id', 255).notNullable().defaultTo('');
        t.string('embd_id', 255).notNullable().defaultTo('');
        t.string('rerank_id', 255).notNullable().defaultTo('');
        t.string('asr_id', 255).notNullable().defaultTo('');
        t.string('img2txt_id', 255).notNullable().defaultTo('');
        t.string('tts_id', 255).nullable();
        t.text('parser_ids').notNullable();
        t.integer('credit').notNullable().defaultTo(512);
        t.string('status', 1).notNullable().defaultTo('1');
        t.bigInteger('create_time').notNullable();
        t.bigInteger('update_time').notNullable();
      });
      await db.schema.createTable('user_tenant', (t) => {
        t.string('id', 32).primary();
        t.string('user_id', 32).notNullable().index();
        t.string('tenant_id', 32).notNullable().index();
        t.string('role', 32).notNullable();
        t.string('invited_by', 32).notNullable();
        t.string('status', 1).notNullable().defaultTo('1');
        t.bigInteger('create_time').notNullable();
        t.bigInteger('update_time').notNullable();
        t.unique(['user_id', 'tenant_id']);
      });
      await db.schema.createTable('api_tokens', (t) => {
        t.string('token_hash', 64).primary();
        t.string('tenant_id', 32).notNullable().index();
        t.string('token_masked', 64).notNullable();
        t.string('beta', 32).nullable().index();
        t.string('dialog_id', 32).nullable();
        t.string('source', 16).nullable();
        t.bigInteger('create_time').notNullable();
        t.bigInteger('update_time').nullable();
      });
      await db.schema.createTable('tenant_llm', (t) => {
        t.string('tenant_id', 32).notNullable();
        t.string('llm_factory', 128).notNullable();
        t.string('llm_name', 255).notNullable();
        t.string('model_type', 32).notNullable();
        t.text('api_key').nullable();
        t.text('api_base').nullable();
        t.integer('max_tokens').nullable();
        t.bigInteger('used_tokens').notNullable().defaultTo(0);
        t.string('status', 1).notNullable().defaultTo('1');
        t.bigInteger('create_time').notNullable();
        t.bigInteger('update_time').notNullable();
        t.primary(['tenant_id', 'llm_factory', 'llm_name']);
      });
    },
    async down(db) {
      for (const table of ['tenant_llm', 'api_tokens', 'user_tenant', 'tenants', 'users']) await db.schema.dropTableIfExists(table);
    },
  },
];
