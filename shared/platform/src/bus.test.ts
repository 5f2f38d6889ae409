import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EmptyBody, RagError, Subjects, Type, op, type CallerContext, type ContractMap } from '@rag/contracts';
import { startNatsServer, type NatsServer } from '../../../test/support/nats-server.js';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { Bus, reply } from './bus.js';
import { currentTraceId } from './tracing.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';

/** The test's own subjects, each with a contract like the real ones. */
const Echo = {
  'rag.v1.echo.ok': op('echo', Type.Record(Type.String(), Type.Unknown()), Type.Unknown(), Type.Object({ id: Type.String() })),
  'rag.v1.echo.extra': op('extras', EmptyBody, Type.Array(Type.Integer())),
  'rag.v1.echo.trace': op('trace', EmptyBody, Type.Object({ trace_id: Type.Optional(Type.String()) })),
  'rag.v1.echo.huge': op('huge', EmptyBody, Type.Object({ blob: Type.String() })),
  'rag.v1.echo.rag_error': op('registered error', EmptyBody, Type.Null()),
  'rag.v1.echo.crash': op('crash', EmptyBody, Type.Null()),
  'rag.v1.echo.slow': op('slow', EmptyBody, Type.String()),
  'rag.v1.echo.typed': op('typed body', Type.Object({ name: Type.String(), size: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }), Type.String()),
} satisfies ContractMap;

let nats: NatsServer;
let server: Bus;
let client: Bus;
const logger = createLogger('test', 'silent');
const serverMetrics = createMetrics('server');

before(async () => {
  nats = await startNatsServer();
  const opts = { url: nats.url, requestTimeoutMs: 500, logger };
  server = await Bus.connect({ ...opts, name: 'server', metrics: serverMetrics });
  client = await Bus.connect({ ...opts, name: 'client', metrics: createMetrics('client') });
  await server.serve('echo-svc', '0.0.1', 'test service', {
    'rag.v1.echo.ok': async (req, ctx: CallerContext) => ({ body: req.body, params: req.params, ctx }),
    'rag.v1.echo.typed': async (req) => `${req.body.name}:${req.body.size}`,
    'rag.v1.echo.extra': async () => reply([1, 2], { total: 2 }),
    'rag.v1.echo.trace': async () => ({ trace_id: currentTraceId() }),
    'rag.v1.echo.huge': async () => ({ blob: 'x'.repeat(2 * 1024 * 1024) }),
    'rag.v1.echo.rag_error': async () => {
      throw new RagError('DATASET_NAME_TAKEN', { name: 'x' });
    },
    'rag.v1.echo.crash': async () => {
      throw new TypeError('boom');
    },
    'rag.v1.echo.slow': async () => new Promise<string>((r) => setTimeout(() => r('late'), 2000)),
  }, Echo);
});

after(async () => {
  await client.drain();
  await server.stopServing(100);
  await server.drain();
  await nats.stop();
});

test('request/reply carries body, params and the caller context in headers', async () => {
  const r = await client.requestIn(Echo, 'rag.v1.echo.ok', { body: { a: 1 }, params: { id: 'x' } }, { tenantId: 't1', userId: 'u1', tenantIds: ['t1', 't2'], requestId: 'r1' });
  assert.equal(r.code, 0);
  assert.deepEqual(r.data, { body: { a: 1 }, params: { id: 'x' }, ctx: { tenantId: 't1', userId: 'u1', tenantIds: ['t1', 't2'], requestId: 'r1' } });
});

test('replies with extras, registered errors and crashes keep the contract envelope', async () => {
  assert.deepEqual(await client.requestIn(Echo, 'rag.v1.echo.extra', { body: {} }, {}), { code: 0, data: [1, 2], extra: { total: 2 } });
  assert.deepEqual(await client.requestIn(Echo, 'rag.v1.echo.rag_error', { body: {} }, {}), { code: 102, message: "Dataset name 'x' already exists" });
  assert.deepEqual(await client.requestIn(Echo, 'rag.v1.echo.crash', { body: {} }, {}), { code: 100, message: "TypeError('boom')" });
});

test('no responders and timeouts become registered errors', async () => {
  const unreachable = client.request(Subjects.dataset.get, { body: { ids: [] } }, {});
  await assert.rejects(unreachable, (err: RagError) => err.code === 100 && /dataset-svc is not reachable/.test(err.message));
  await assert.rejects(client.requestIn(Echo, 'rag.v1.echo.slow', { body: {} }, {}, 200), (err: RagError) => err.code === 100 && /did not answer within 200 ms/.test(err.message));
});

test('the service registers with the NATS Service API', async () => {
  const infos = [];
  for await (const info of await client.nc.services.client().info('echo-svc')) infos.push(info);
  assert.equal(infos.length, 1);
  assert.ok(infos[0]!.endpoints.some((e) => e.subject === 'rag.v1.echo.ok' && e.queue_group === 'echo-svc'));
});

test('events are published once per id on the EVENTS stream', async () => {
  await server.ensureEventsStream();
  const e = await server.publishEvent('dataset.created', 't1', { id: 'd1', tenant_id: 't1' }, 'test');
  await server.publishEvent('dataset.created', 't1', { id: 'd1', tenant_id: 't1' }, 'test', e.id);
  const jsm = await server.jsm();
  const info = await jsm.streams.info('EVENTS');
  assert.equal(info.state.messages, 1, 'the repeat was dropped by Nats-Msg-Id');
  const stored = await jsm.streams.getMessage('EVENTS', { last_by_subj: 'rag.v1.events.dataset.created' });
  assert.deepEqual({ ...stored.json<{ id: string; type: string; data: unknown }>(), time: undefined }, { id: e.id, type: 'dataset.created', time: undefined, tenant_id: 't1', source: 'test', data: { id: 'd1', tenant_id: 't1' } });
});

test('W3C trace context crosses NATS in the traceparent header', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parent = trace.setSpanContext(context.active(), { traceId, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true });
  const r = await context.with(parent, () => client.requestIn(Echo, 'rag.v1.echo.trace', { body: {} }, {}));
  assert.equal(r.data?.trace_id, traceId);
});

test('a reply over the NATS payload limit becomes an error reply, not a crash', async () => {
  const r = await client.requestIn(Echo, 'rag.v1.echo.huge', { body: {} }, {});
  assert.equal(r.code, 102);
  assert.match(r.message ?? '', /too large to send/);
  const again = await client.requestIn(Echo, 'rag.v1.echo.extra', { body: {} }, {});
  assert.equal(again.code, 0, 'the service is still serving');
});

test('a request that is not JSON, or does not match its contract, gets a code-101 reply and the service keeps serving', async () => {
  const raw = async (subject: string, payload: string) => JSON.parse(new TextDecoder().decode((await client.nc.request(subject, new TextEncoder().encode(payload), { timeout: 2000 })).data));
  assert.deepEqual(await raw('rag.v1.echo.typed', '{"body": {"name": "a"'), { code: 101, message: 'Malformed request to rag.v1.echo.typed: not JSON' });
  assert.deepEqual(await raw('rag.v1.echo.typed', '[1, 2]'), { code: 101, message: 'Malformed request to rag.v1.echo.typed: the request must be a JSON object {body, params}' });
  assert.deepEqual(await raw('rag.v1.echo.typed', '{"body": {"name": "a", "size": 1}, "sql": "drop"}'), { code: 101, message: 'Malformed request to rag.v1.echo.typed: unknown keys sql' });
  assert.deepEqual(await raw('rag.v1.echo.typed', '{"body": "x"}'), { code: 101, message: 'Malformed request to rag.v1.echo.typed: body: Input should be a valid dictionary' });
  assert.deepEqual(await raw('rag.v1.echo.ok', '{"body": {}, "params": {"id": 5}}'), { code: 101, message: 'Malformed request to rag.v1.echo.ok: params: Field: <id> - Message: <Input should be a valid string> - Value: <5>' });
  // Field errors of the body read as pydantic's, like the gateway's own validation.
  const bad = await client.requestIn(Echo, 'rag.v1.echo.typed', { body: { name: 'a', size: -1, extra: true } as never }, {});
  assert.deepEqual(bad, { code: 101, message: 'Field: <size> - Message: <Input should be greater than or equal to 0> - Value: <-1>\nField: <extra> - Message: <Extra inputs are not permitted> - Value: <True>' });
  assert.deepEqual(await client.requestIn(Echo, 'rag.v1.echo.typed', { body: { name: 'a', size: 2 } }, {}), { code: 0, data: 'a:2' });
  const rejected = await serverMetrics.messagesRejected.get();
  assert.ok(rejected.values.some((v) => v.labels.subject === 'rag.v1.echo.typed' && v.labels.reason === 'json' && v.value === 1), 'the non-JSON request was counted');
});

test('serving a subject without a contract fails at start, not on the first request', async () => {
  await assert.rejects(server.serve('nocontract-svc', '0.0.1', 'test', { 'rag.v1.echo.unknown': async () => null } as never, Echo), /rag\.v1\.echo\.unknown, which has no contract/);
});

test('a malformed reply becomes a registered error for the caller', async () => {
  const sub = server.nc.subscribe('rag.v1.echo.liar', { callback: (_err, msg) => msg.respond(new TextEncoder().encode('{"data": 1}')) });
  await server.nc.flush();
  await assert.rejects(client.requestIn({ 'rag.v1.echo.liar': op('liar', EmptyBody, Type.Unknown()) }, 'rag.v1.echo.liar', { body: {} }, {}), (err: RagError) => err.code === 100 && /echo-svc sent a malformed reply: Field: <code> - Message: <Field required>/.test(err.message));
  sub.unsubscribe();
});
