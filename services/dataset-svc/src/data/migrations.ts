import type { Migration } from '@rag/platform';

export const migrations: Migration[] = [
  {
    name: '001_datasets',
    async up(db) {
      await db.schema.createTable('datasets', (t) => {
        t.string('id', 32).primary();
        t.string('tenant_id', 32).notNullable();
        t.string('created_by', 32).notNullable();
        t.string('name', 128).notNullable();
        t.text('avatar', 'longtext').nullable();
        t.text('description', 'longtext').nullable();
        t.string('language', 32).notNullable().defaultTo('English');
        t.string('embedding_model', 255).notNullable();
        t.string('permission', 16).notNullable().defaultTo('me');
        t.string('chunk_method', 32).notNullable().defaultTo('naive');
        t.string('pipeline_id', 32).nullable();
        t.integer('parse_type').nullable();
        t.text('parser_config', 'longtext').notNullable();
        t.integer('document_count').notNullable().defaultTo(0);
        t.integer('chunk_count').notNullable().defaultTo(0);
        t.bigInteger('token_num').notNullable().defaultTo(0);
        t.double('similarity_threshold').notNullable().defaultTo(0.2);
        t.double('vector_similarity_weight').notNullable().defaultTo(0.3);
        t.integer('pagerank').notNullable().defaultTo(0);
        for (const task of ['graphrag', 'raptor', 'mindmap']) {
          t.string(`${task}_task_id`, 32).nullable();
          t.string(`${task}_task_finish_at`, 64).nullable();
        }
        t.string('status', 1).notNullable().defaultTo('1');
        t.bigInteger('create_time').notNullable();
        t.bigInteger('update_time').notNullable();
        t.index(['tenant_id', 'status', 'create_time'], 'datasets_tenant_created');
        t.index(['tenant_id', 'name'], 'datasets_tenant_name');
      });
    },
    async down(db) {
      await db.schema.dropTableIfExists('datasets');
    },
  },
];
