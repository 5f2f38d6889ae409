import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { EventTypes, Streams, Subjects, eventEntityFilter, eventSubject, type TypedEvent } from '@rag/contracts';
import { startNatsServer, type NatsServer } from '../../../test/support/nats-server.js';
import { publishAnswerControl, subscribeAnswerControl } from './answer-stream.js';
import { Bus, encodeJson } from './bus.js';
import { consumeEvents } from './event-consumer.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';

let nats: NatsServer;
let bus: Bus;
let publisher: Bus;
const metrics = createMetrics('consumer');
const logLines: Record<string, unknown>[] = [];

before(async () => {
  nats = await startNatsServer();
  const logs = new Writable({ write: (chunk, _enc, done) => void (logLines.push(JSON.parse(String(chunk))), done()) });
  bus = await Bus.connect({ url: nats.url, name: 'consumer', requestTimeoutMs: 1000, logger: createLogger('consumer', 'info', logs), metrics });
  publisher = await Bus.connect({ url: nats.url, name: 'publisher', requestTimeoutMs: 1000, logger: createLogger('publisher', 'silent'), metrics: createMetrics('publisher') });
  await bus.ensureEventsStream();
});

after(async () => {
  await bus.drain();
  await publisher.drain();
  await nats.stop();
});

const rejected = async (subject: string, reason: string) => (await metrics.messagesRejected.get()).values.find((v) => v.labels.subject === subject && v.labels.reason === reason)?.value ?? 0;

test('a malformed event is terminated with its reason recorded; the consumer goes on with the next one', async () => {
  const seen: TypedEvent[] = [];
  let gotGood!: () => void;
  const good = new Promise<void>((resolve) => (gotGood = resolve));
  const consumer = await consumeEvents(bus, bus.logger, {
    durable: 'test-document-events',
    filter: eventEntityFilter('document'),
    handle: async (event) => {
      seen.push(event);
      if (event.id === 'good1') gotGood();
    },
  });
  const subject = eventSubject(EventTypes.documentDeleted);
  const envelope = (data: unknown, type: string = EventTypes.documentDeleted) => ({ id: `e${Math.random()}`, type, time: new Date().toISOString(), tenant_id: 't1', source: 'test', data });
  await publisher.js.publish(subject, new TextEncoder().encode('}{ not an event'));
  await publisher.js.publish(subject, encodeJson(envelope({ dataset_id: 'ds1', document_ids: 'doc1', chunk_delta: -1, token_delta: -1, document_delta: -1 })));
  await publisher.js.publish(subject, encodeJson(envelope({ dataset_id: 'ds1', document_id: 'doc1', chunk_delta: 1, token_delta: 1 }, EventTypes.documentCountsChanged)));
  await publisher.js.publish(subject, encodeJson({ ...envelope({ dataset_id: 'ds1', document_ids: ['doc1'], chunk_delta: -1, token_delta: -5, document_delta: -1 }), id: 'good1' }));
  await good;
  await consumer.stop();

  assert.deepEqual(seen.map((e) => e.id), ['good1'], 'only the well-formed event reached the handler');
  const first = seen[0]!;
  assert.ok(first.type === EventTypes.documentDeleted && first.data.document_ids[0] === 'doc1', 'its data is typed by its type');
  assert.equal(await rejected(subject, 'json'), 1);
  assert.equal(await rejected(subject, 'schema'), 2);
  const reasons = logLines.filter((l) => l.msg === 'message rejected').map((l) => String(l.reason));
  assert.ok(reasons.some((r) => /document\.deleted data: Field: <document_ids> - Message: <Input should be a valid list>/.test(r)), reasons.join('\n'));
  assert.ok(reasons.some((r) => /an event of type document\.counts_changed on rag\.v1\.events\.document\.deleted/.test(r)), reasons.join('\n'));
  const info = await (await bus.jsm()).consumers.info(Streams.events.name, 'test-document-events');
  assert.equal(info.num_ack_pending, 0, 'nothing is left waiting for an ack');
  assert.equal(info.num_redelivered, 0, 'no malformed event was offered again');
});

test('the outbox and publishEvent refuse event data that does not match the event type', async () => {
  await assert.rejects(publisher.publishEvent(EventTypes.datasetDeleted, 't1', { ids: 'all' } as never, 'test'), /refusing to publish a dataset\.deleted event: Field: <ids>/);
});

test('answer control: a malformed detach is recorded and dropped; the next good one arrives', async () => {
  const controls: string[] = [];
  let arrived!: () => void;
  const wait = new Promise<void>((resolve) => (arrived = resolve));
  const sub = subscribeAnswerControl(bus, (kind, streamId) => {
    controls.push(`${kind}:${streamId}`);
    if (kind === 'attach') arrived();
  });
  await bus.nc.flush();
  publisher.nc.publish(Subjects.answer.detach, new TextEncoder().encode('not json'));
  publisher.nc.publish(Subjects.answer.detach, encodeJson({ stream: 'x' }));
  publishAnswerControl(publisher, 'detach', 's1');
  publishAnswerControl(publisher, 'attach', 's1');
  await wait;
  sub.unsubscribe();
  assert.deepEqual(controls, ['detach:s1', 'attach:s1']);
  assert.equal(await rejected(Subjects.answer.detach, 'json'), 1);
  assert.equal(await rejected(Subjects.answer.detach, 'schema'), 1);
});

test('a plain event subscription skips malformed events and survives a throwing callback', async () => {
  const hashes: string[] = [];
  let arrived!: () => void;
  const wait = new Promise<void>((resolve) => (arrived = resolve));
  bus.subscribeEvents([EventTypes.apiKeyRevoked], (event) => {
    if (event.data.token_hash === 'f'.repeat(64)) throw new Error('callback bug');
    hashes.push(event.data.token_hash);
    arrived();
  });
  await bus.nc.flush();
  const subject = eventSubject(EventTypes.apiKeyRevoked);
  publisher.nc.publish(subject, new TextEncoder().encode('garbage'));
  publisher.nc.publish(subject, encodeJson({ id: 'x1', type: EventTypes.apiKeyRevoked, time: '', tenant_id: 't', source: 's', data: { token_hash: 'nope' } }));
  publisher.nc.publish(subject, encodeJson({ id: 'x2', type: EventTypes.apiKeyRevoked, time: '', tenant_id: 't', source: 's', data: { token_hash: 'f'.repeat(64) } }));
  publisher.nc.publish(subject, encodeJson({ id: 'x3', type: EventTypes.apiKeyRevoked, time: '', tenant_id: 't', source: 's', data: { token_hash: 'a'.repeat(64) } }));
  await wait;
  assert.deepEqual(hashes, ['a'.repeat(64)]);
  assert.equal(await rejected(subject, 'json'), 1);
  assert.equal(await rejected(subject, 'schema'), 1);
  assert.ok(logLines.some((l) => l.msg === 'event callback failed'), 'the throwing callback was logged');
});
