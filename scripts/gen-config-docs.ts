/**
 * Writes docs/configuration.md from the config specs in the code, so the doc names every variable
 * each process reads, with its default and meaning. `make docs` runs it; test/docs/config-docs.test.ts
 * fails when the committed file differs from what this renders.
 *
 *   node --conditions=development --import tsx scripts/gen-config-docs.ts [--check]
 */
import path from 'node:path';
import { ROOT, runDocGenerator } from './generated-doc.js';
import { blobStoreConfig } from '@rag/blob-store';
import { commonConfig, databaseConfig, env, type ConfigSpec, type Spec } from '@rag/platform';
import { SERVICES, launcherConfig } from '@rag/launcher';
import { gatewayConfig } from '../services/gateway/src/config.js';
import { benchConfig } from '../test/bench/config.js';

export { ROOT };
export const DOC_PATH = path.join(ROOT, 'docs', 'configuration.md');

/**
 * The probe keys every `startService` process reads. runtime.ts keeps its spec private, so its text
 * is mirrored here; the docs test checks that every key declared in the code is in the doc.
 */
const probeConfig = {
  PROBE_PORT: env.int(0, 'Port of the /healthz, /readyz and /metrics listener of a service (0 = off)', 0, 65535),
  PROBE_HOST: env.string('0.0.0.0', 'Interface the probe listener binds'),
} satisfies ConfigSpec;

/** Read by the test support code, the test runner, the benchmark and the scripts, not by services. */
const toolingConfig = {
  NATS_SERVER_BIN: env.string('nats-server', 'nats-server executable the tests start their private servers with (test/support/nats-server.ts); the launcher reads it too'),
  TEST_MARIADB_URL: env.string('mysql://root@127.0.0.1:3306/test', 'MariaDB server the tests create throwaway databases on (test/support/mariadb.ts)'),
  TEST_LOG_LEVEL: env.string('silent', 'LOG_LEVEL of the in-process stack the end-to-end tests start (test/support/stack.ts)'),
  TEST_CONCURRENCY: env.int(2, 'Test files run at once by scripts/run-tests.mjs', 1, 64),
  TEST_TIMEOUT_MS: env.int(300000, 'Bound on each test (scripts/run-tests.mjs)', 1000, 3600000),
  MARIADB_WAIT_SECONDS: env.int(60, 'How long scripts/ensure-services.sh waits for a MariaDB it started to answer', 1, 3600),
  RAG_SAMPLE_DOCS: env.optional("Folder of the team's sample documents (with MANIFEST.tsv) the parsing tests read; unset = shared/data/docs beside the checkout. Tests that need them are skipped when it is absent (shared/parsing/src/test-support/sample-docs.ts)"),
  BEIR_ROOT: env.string('/work/shared/data/beir', "Folder of the BEIR sets the chunk index's own retrieval bench reads (shared/chunk-index/src/bench)"),
  ...benchConfig,
  NO_COLOR: env.optional('Set to turn off the colours of the launcher\'s name prefixes'),
} satisfies ConfigSpec;

interface Section {
  title: string;
  intro: string;
  spec: ConfigSpec;
}

function defaultText(s: Spec<unknown>): string {
  if (s.fallback === undefined) return '**required**';
  const value = typeof s.fallback === 'function' ? (s.fallback as () => unknown)() : s.fallback;
  if (value === undefined) return 'unset';
  if (value === '') return 'empty';
  return `\`${String(value)}\``;
}

/** A table cell: pipes escaped, and `<x>` outside code spans kept visible rather than read as HTML. */
const cell = (text: string) =>
  text
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ')
    .split('`')
    .map((part, i) => (i % 2 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('`');

function table(spec: ConfigSpec, seeAlso: Map<Spec<unknown>, string>): string {
  const rows = Object.entries(spec).map(([name, s]) => {
    const shared = seeAlso.get(s);
    return shared ? `| \`${name}\` | see ${shared} | Same as in ${shared} |` : `| \`${name}\` | ${defaultText(s)} | ${cell(s.doc)} |`;
  });
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}

interface ServiceDef {
  name: string;
  config: ConfigSpec;
  migrations: unknown[] | false;
}

/** The ServiceDefinition a service package exports (the one whose `name` is the package's). */
async function serviceDefinition(name: string): Promise<ServiceDef> {
  const mod = (await import(`@rag/${name}`)) as Record<string, unknown>;
  const def = Object.values(mod).find((v): v is ServiceDef => !!v && typeof v === 'object' && (v as { name?: unknown }).name === name && 'config' in v);
  if (!def) throw new Error(`@rag/${name} exports no service definition named ${name}`);
  return def;
}

/** What each service's own section says about it, besides its keys. */
const SERVICE_NOTES: Record<string, string> = {
  'account-svc': 'Users, tenants, API keys and tenant models.',
  'dataset-svc': 'Datasets; keeps their document/chunk/token counters from document events.',
  'document-svc': 'Documents, parse control (it creates the PARSE_TASKS work queue and its consumer), chunks, retrieval. Reads and deletes document files in the blob store and opens the chunk index.',
  'dialog-svc': 'Chats, sessions and completions (answers streamed on the ANSWERS stream).',
  'canvas-svc': 'Agents (canvas workflows), their DSL version snapshots and agent sessions.',
  'parse-worker': 'No tables: reads files from the blob store, writes chunks to the chunk index, asks account-svc for model credentials.',
};

export async function sections(): Promise<Section[]> {
  const services = await Promise.all(SERVICES.filter((s) => !s.http).map((s) => serviceDefinition(s.name)));
  const withTables = services.filter((d) => d.migrations !== false).map((d) => d.name);
  const withoutTables = services.filter((d) => d.migrations === false).map((d) => d.name);
  const out: Section[] = [
    { title: 'Every process', intro: 'Read by every service, the gateway and the workers (`commonConfig`, shared/platform/src/config.ts).', spec: commonConfig },
    {
      title: 'Every service: tables and data folder',
      intro: `Read by every service started with \`startService\` (${services.map((d) => d.name).join(', ')}; \`databaseConfig\`, shared/platform/src/config.ts). ${withTables.join(', ')} keep their tables where \`DATABASE_URL\` says${withoutTables.length ? `; ${withoutTables.join(', ')} ${withoutTables.length > 1 ? 'have' : 'has'} none and use${withoutTables.length > 1 ? '' : 's'} only \`DATA_DIR\` (the embedded chunk index and blob folder)` : ''}.`,
      spec: databaseConfig,
    },
    { title: 'Probe listener', intro: 'Read by every service started with `startService` (shared/platform/src/runtime.ts). In Kubernetes set `PROBE_PORT` (e.g. 9400) and point the probes at it; the launcher leaves it off unless `LAUNCHER_PROBE_PORT_BASE` is set.', spec: probeConfig },
    {
      title: 'Blob store',
      intro: 'Read by the gateway (it stores uploaded files), document-svc (it deletes the files of deleted documents) and parse-worker (it reads the files it parses): all three must name the same store (`blobStoreConfig`, shared/blob-store/src/blob-store.config.ts).',
      spec: blobStoreConfig,
    },
    { title: 'gateway', intro: 'Besides the keys of every process (services/gateway/src/config.ts).', spec: gatewayConfig },
  ];
  for (const def of services) {
    out.push({ title: def.name, intro: `${SERVICE_NOTES[def.name] ?? ''} Besides the keys of every process, every service and the probe listener (services/${def.name}/src).`.trim(), spec: def.config });
  }
  out.push(
    { title: 'launcher (`make up`)', intro: 'services/launcher/src/config.ts. The launcher passes its whole environment on to the children, with NATS_URL, DATA_DIR (made absolute), HOST, PORT and LAUNCHER_STATUS_FILE set, and, when its nats-server requires users (LAUNCHER_NATS_AUTH), each child\'s own NATS_USER, NATS_PASSWORD and NATS_INBOX_PREFIX.', spec: launcherConfig },
    { title: 'Tests, benchmark and tooling', intro: 'Not read by the services.', spec: toolingConfig },
  );
  return out;
}

export async function renderConfigDocs(): Promise<string> {
  // A spec object shared by several processes is described once, where it first appears.
  const seeAlso = new Map<Spec<unknown>, string>();
  const parts = [
    '# Configuration',
    '',
    '<!-- Generated by `make docs` (scripts/gen-config-docs.ts) from the config specs in the code; edit those, not this file. test/docs/config-docs.test.ts fails when it is stale. -->',
    '',
    'Every process reads environment variables only, validated once at start: a bad value stops the process with a message that names the variable. An unset variable (or an empty one, where there is a default) takes the default. Integers are checked against their bounds, booleans accept `true/false/1/0/yes/no/on/off`.',
    '',
    'Storage follows the variables: with `DATABASE_URL` unset each service keeps its tables in `DATA_DIR/<service>.sqlite`; with `DATABASE_URL=mysql://…` they live in MySQL/MariaDB. Document files go to `DATA_DIR/blobs` unless `BLOB_STORE_URL` names an S3/MinIO store; the chunk index is the SQLite file `DATA_DIR/index/chunks.sqlite`, which document-svc and every parse-worker open, unless `ES_URL` names an Elasticsearch cluster (set it in both). NATS is wherever `NATS_URL` points (the launcher starts its own on port 4250 unless `NATS_URL` is set).',
  ];
  for (const s of await sections()) {
    const keys = Object.keys(s.spec);
    parts.push('', `## ${s.title}`, '', s.intro, '', keys.length ? table(s.spec, seeAlso) : '_No keys of its own._');
    for (const spec of Object.values(s.spec)) if (!seeAlso.has(spec)) seeAlso.set(spec, `*${s.title}*`);
  }
  return parts.join('\n') + '\n';
}

await runDocGenerator(import.meta.url, DOC_PATH, renderConfigDocs);
