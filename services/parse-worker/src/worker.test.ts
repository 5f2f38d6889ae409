import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { AckPolicy, RetentionPolicy, StorageType, nanos } from 'nats';
import { Streams, Subjects, type ParseTaskMessage, type TaskReport } from '@rag/contracts';
import { createBlobStore } from '@rag/blob-store';
import { openChunkIndex, type ChunkIndex } from '@rag/chunk-index';
import { HashingEmbedder } from '@rag/models';
import { Bus, createLogger, createMetrics, encodeJson, type Metrics } from '@rag/platform';
import { startNatsServer, type NatsServer } from '../../../test/support/nats-server.js';
import { ParseWorker } from './worker.js';

let nats: NatsServer;
let workerBus: Bus;
let documentBus: Bus;
let worker: ParseWorker;
let index: ChunkIndex;
let dataDir: string;
const metrics: Metrics = createMetrics('parse-worker');
const logLines: Record<string, unknown>[] = [];
const reports: TaskReport[] = [];
let onReport: ((r: TaskReport) => void) | undefined;

before(async () => {
  nats = await startNatsServer();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'rag-worker-'));
  const logs = new Writable({ write: (chunk, _enc, done) => void (logLines.push(JSON.parse(String(chunk))), done()) });
  const logger = createLogger('parse-worker', 'info', logs);
  const quiet = createLogger('document-svc', 'silent');
  workerBus = await Bus.connect({ url: nats.url, name: 'parse-worker', requestTimeoutMs: 5000, logger, metrics });
  documentBus = await Bus.connect({ url: nats.url, name: 'document-svc', requestTimeoutMs: 5000, logger: quiet, metrics: createMetrics('document-svc') });
  // document-svc's side, as far as the worker sees it: the work queue and the progress subject.
  await documentBus.ensureStream({ name: Streams.parseTasks.name, subjects: [...Streams.parseTasks.subjects], retention: RetentionPolicy.Workqueue, storage: StorageType.File });
  await (await documentBus.jsm()).consumers.add(Streams.parseTasks.name, { durable_name: Streams.parseTasks.consumer, ack_policy: AckPolicy.Explicit, ack_wait: nanos(5000), max_deliver: 4 });
  await documentBus.serve('document-svc', '0.0.1', 'progress reports', {
    [Subjects.document.taskProgress]: async (req) => {
      reports.push(req.body);
      onReport?.(req.body);
      return { accepted: true, discard: false };
    },
  });
  const blobs = createBlobStore({ DATA_DIR: dataDir });
  await blobs.put('ds1', 'doc1', Buffer.from('Poison messages must not stop the worker.\n\nA good task after them is still parsed.'));
  index = openChunkIndex({ DATA_DIR: dataDir });
  worker = new ParseWorker(workerBus, { blobs, index, embedder: async () => new HashingEmbedder(), embedBatch: 16 }, logger, metrics, { concurrency: 1, heartbeatMs: 1000 });
  await worker.start();
});

after(async () => {
  await worker.stop(2000);
  await index.close();
  await workerBus.drain();
  await documentBus.stopServing(100);
  await documentBus.drain();
  await nats.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const goodTask: ParseTaskMessage = {
  task_id: 'task1',
  tenant_id: 'tenant1',
  dataset_id: 'ds1',
  document_id: 'doc1',
  name: 'notes.txt',
  bucket: 'ds1',
  key: 'doc1',
  chunk_method: 'naive',
  parser_config: {},
  embedding_model: 'hashing-embedder-384@Builtin',
  language: 'English',
  pagerank: 0,
};

const rejectedCount = async (subject: string, reason: string) =>
  (await metrics.messagesRejected.get()).values.find((v) => v.labels.subject === subject && v.labels.reason === reason)?.value ?? 0;

test('a non-JSON or schema-invalid parse task is terminated with its reason recorded, and the worker still parses the next good task', async () => {
  const done = new Promise<TaskReport>((resolve) => (onReport = (r) => r.kind !== 'progress' && resolve(r)));
  const js = workerBus.js;
  await js.publish(Subjects.parse.task, new TextEncoder().encode('{"task_id": "t-garbage", '), { msgID: 'garbage-1' });
  await js.publish(Subjects.parse.task, encodeJson({ task_id: 5, document_id: null }), { msgID: 'garbage-2' });
  // A garbage cancel broadcast on the same connection must not break its message loop either.
  workerBus.nc.publish(Subjects.parse.cancel, new TextEncoder().encode('\u0000not json'));
  await js.publish(Subjects.parse.task, encodeJson(goodTask), { msgID: goodTask.task_id });

  const last = await done;
  assert.equal(last.kind, 'done', JSON.stringify(last));
  assert.equal(last.task_id, 'task1');
  assert.ok(last.kind === 'done' && last.chunk_count > 0, 'the good task was chunked and indexed');
  assert.ok(reports.every((r) => r.task_id === 'task1'), 'nothing was reported for the poison messages');

  assert.equal(await rejectedCount(Subjects.parse.task, 'json'), 1);
  assert.equal(await rejectedCount(Subjects.parse.task, 'schema'), 1);
  assert.equal(await rejectedCount(Subjects.parse.cancel, 'json'), 1);
  const rejected = logLines.filter((l) => l.msg === 'message rejected' && l.subject === Subjects.parse.task);
  assert.equal(rejected.length, 2);
  assert.match(String(rejected[0]!.reason), /^not JSON/);
  assert.match(String(rejected[1]!.reason), /Field: <task_id> - Message: <Input should be a valid string>/);

  // Terminated, not left for redelivery: the work queue is empty and nothing waits for an ack.
  const jsm = await workerBus.jsm();
  const consumer = await jsm.consumers.info(Streams.parseTasks.name, Streams.parseTasks.consumer);
  assert.equal(consumer.num_ack_pending, 0);
  assert.equal(consumer.num_pending, 0);
  assert.equal(consumer.num_redelivered, 0, 'no poison message came back');
});

test('a malformed progress report gets a code-101 reply from document-svc, which keeps answering', async () => {
  const raw = async (payload: string) => JSON.parse(new TextDecoder().decode((await workerBus.nc.request(Subjects.document.taskProgress, new TextEncoder().encode(payload), { timeout: 2000 })).data));
  assert.deepEqual(await raw('progress 50%'), { code: 101, message: `Malformed request to ${Subjects.document.taskProgress}: not JSON` });
  const wrong = await raw(JSON.stringify({ body: { kind: 'done', task_id: 'task1', document_id: 'doc1', chunk_count: -3 } }));
  assert.equal(wrong.code, 101);
  assert.match(wrong.message, /chunk_count/);
  const before = reports.length;
  const ok = await workerBus.call(Subjects.document.taskProgress, { body: { kind: 'progress', task_id: 'task1', document_id: 'doc1', progress: 0.5 } }, {});
  assert.deepEqual(ok, { accepted: true, discard: false });
  assert.equal(reports.length, before + 1, 'only the well-formed report reached the handler');
});
