import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { RagError, Subjects, type CallerContext } from '@rag/contracts';
import { startNatsServer, type NatsServer } from '../../../test/support/nats-server.js';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { Bus, reply } from './bus.js';
import { currentTraceId } from './tracing.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';

let nats: NatsServer;
let server: Bus;
let client: Bus;
const logger = createLogger('test', 'silent');

before(async () => {
  nats = await startNatsServer();
  const opts = { url: nats.url, requestTimeoutMs: 500, logger };
  server = await Bus.connect({ ...opts, name: 'server', metrics: createMetrics('server') });
  client = await Bus.connect({ ...opts, name: 'client', metrics: createMetrics('client') });
  await server.serve('echo-svc', '0.0.1', 'test service', {
    'rag.v1.echo.ok': async (req, ctx: CallerContext) => ({ body: req.body, params: req.params, ctx }),
    'rag.v1.echo.extra': async () => reply([1, 2], { total: 2 }),
    'rag.v1.echo.trace': async () => ({ trace_id: currentTraceId() }),
    'rag.v1.echo.huge': async () => ({ blob: 'x'.repeat(2 * 1024 * 1024) }),
    'rag.v1.echo.rag_error': async () => {
      throw new RagError('DATASET_NAME_TAKEN', { name: 'x' });
    },
    'rag.v1.echo.crash': async () => {
      throw new TypeError('boom');
    },
    'rag.v1.echo.slow': async () => new Promise((r) => setTimeout(() => r('late'), 2000)),
  });
});

after(async () => {
  await client.drain();
  await server.stopServing(100);
  await server.drain();
  await nats.stop();
});

test('request/reply carries body, params and the caller context in headers', async () => {
  const r = await client.request<{ body: unknown; params: unknown; ctx: CallerContext }>('rag.v1.echo.ok', { body: { a: 1 }, params: { id: 'x' } }, { tenantId: 't1', userId: 'u1', tenantIds: ['t1', 't2'], requestId: 'r1' });
  assert.equal(r.code, 0);
  assert.deepEqual(r.data, { body: { a: 1 }, params: { id: 'x' }, ctx: { tenantId: 't1', userId: 'u1', tenantIds: ['t1', 't2'], requestId: 'r1' } });
});

test('replies with extras, registered errors and crashes keep the contract envelope', async () => {
  assert.deepEqual(await client.request('rag.v1.echo.extra', { body: {} }, {}), { code: 0, data: [1, 2], extra: { total: 2 } });
  assert.deepEqual(await client.request('rag.v1.echo.rag_error', { body: {} }, {}), { code: 102, message: "Dataset name 'x' already exists" });
  assert.deepEqual(await client.request('rag.v1.echo.crash', { body: {} }, {}), { code: 100, message: "TypeError('boom')" });
});

test('no responders and timeouts become registered errors', async () => {
  await assert.rejects(client.request(Subjects.dataset.create, { body: {} }, {}), (err: RagError) => err.code === 100 && /dataset-svc is not reachable/.test(err.message));
  await assert.rejects(client.request('rag.v1.echo.slow', { body: {} }, {}, 200), (err: RagError) => err.code === 100 && /did not answer within 200 ms/.test(err.message));
});

test('the service registers with the NATS Service API', async () => {
  const infos = [];
  for await (const info of await client.nc.services.client().info('echo-svc')) infos.push(info);
  assert.equal(infos.length, 1);
  assert.ok(infos[0]!.endpoints.some((e) => e.subject === 'rag.v1.echo.ok' && e.queue_group === 'echo-svc'));
});

test('events are published once per id on the EVENTS stream', async () => {
  await server.ensureEventsStream();
  const e = await server.publishEvent('dataset.created', 't1', { id: 'd1' }, 'test');
  await server.publishEvent('dataset.created', 't1', { id: 'd1' }, 'test', e.id);
  const jsm = await server.jsm();
  const info = await jsm.streams.info('EVENTS');
  assert.equal(info.state.messages, 1, 'the repeat was dropped by Nats-Msg-Id');
  const stored = await jsm.streams.getMessage('EVENTS', { last_by_subj: 'rag.v1.events.dataset.created' });
  assert.deepEqual({ ...stored.json<{ id: string; type: string; data: unknown }>(), time: undefined }, { id: e.id, type: 'dataset.created', time: undefined, tenant_id: 't1', source: 'test', data: { id: 'd1' } });
});

test('W3C trace context crosses NATS in the traceparent header', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parent = trace.setSpanContext(context.active(), { traceId, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true });
  const r = await context.with(parent, () => client.request<{ trace_id: string }>('rag.v1.echo.trace', { body: {} }, {}));
  assert.equal(r.data?.trace_id, traceId);
});

test('a reply over the NATS payload limit becomes an error reply, not a crash', async () => {
  const r = await client.request('rag.v1.echo.huge', { body: {} }, {});
  assert.equal(r.code, 102);
  assert.match(r.message ?? '', /too large to send/);
  const again = await client.request('rag.v1.echo.extra', { body: {} }, {});
  assert.equal(again.code, 0, 'the service is still serving');
});
