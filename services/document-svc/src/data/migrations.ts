import type { Migration } from '@rag/platform';

export const migrations: Migration[] = [
  {
    name: '001_documents',
    async up(db) {
      await db.schema.createTable('documents', (t) => {
        t.string('id', 32).primary();
        t.string('tenant_id', 32).notNullable();
        t.string('dataset_id', 32).notNullable();
        t.string('name', 255).notNullable();
        t.string('location', 1024).notNullable();
        t.bigInteger('size').notNullable().defaultTo(0);
        t.string('type', 16).notNullable();
        t.string('suffix', 32).notNullable();
        t.string('source_type', 16).notNullable().defaultTo('local');
        t.string('chunk_method', 32).notNullable();
        t.string('pipeline_id', 32).nullable();
        t.text('parser_config', 'longtext').notNullable();
        t.text('meta_fields', 'longtext').notNullable();
        t.string('created_by', 32).notNullable();
        t.text('thumbnail', 'longtext').nullable();
        t.integer('chunk_count').notNullable().defaultTo(0);
        t.bigInteger('token_count').notNullable().defaultTo(0);
        t.double('progress').notNullable().defaultTo(0);
        t.text('progress_msg', 'longtext').notNullable();
        t.bigInteger('process_begin_at').nullable();
        t.double('process_duration').notNullable().defaultTo(0);
        t.string('run', 1).notNullable().defaultTo('0');
        t.string('status', 1).notNullable().defaultTo('1');
        t.string('current_task_id', 32).nullable();
        t.bigInteger('create_time').notNullable();
        t.bigInteger('update_time').notNullable();
        t.index(['dataset_id', 'create_time'], 'documents_dataset_created');
        t.index(['dataset_id', 'name'], 'documents_dataset_name');
        t.index(['tenant_id'], 'documents_tenant');
      });
      await db.schema.createTable('parse_tasks', (t) => {
        t.string('id', 32).primary();
        t.string('document_id', 32).notNullable();
        t.string('dataset_id', 32).notNullable();
        t.string('state', 16).notNullable();
        t.integer('attempts').notNullable().defaultTo(0);
        t.text('error', 'longtext').nullable();
        t.bigInteger('create_time').notNullable();
        t.bigInteger('update_time').notNullable();
        t.index(['document_id'], 'parse_tasks_document');
      });
    },
  },
];
