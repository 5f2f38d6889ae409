import {
  connect,
  headers as natsHeaders,
  ErrorCode,
  RetentionPolicy,
  StorageType,
  nanos,
  type JetStreamClient,
  type JetStreamManager,
  type MsgHdrs,
  type NatsConnection,
  type Service,
  type ServiceMsg,
  type StreamConfig,
} from 'nats';
import {
  BusContract,
  BusReplySchema,
  EventContract,
  Headers,
  RagError,
  Streams,
  checkMessage,
  checkRequest,
  decodeMessage,
  decodeEvent,
  eventSubject,
  exceptionRepr,
  inboxPrefix,
  isRagError,
  type BusReply,
  type CallerContext,
  type ContractMap,
  type EventData,
  type EventEnvelope,
  type EventType,
  type MessageProblem,
  type ReplyIn,
  type ReplyOf,
  type RequestIn,
  type RequestOf,
  type RequestSubject,
  type TypedEvent,
} from '@rag/contracts';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { SpanKind, injectTraceContext, withSpanFromHeaders } from './tracing.js';
import { uuid1, newRequestId } from './ids.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Parses a message body; what it is must then be checked against its schema (`decodeMessage`). */
export function decodeJson(data: Uint8Array): unknown {
  return data.length ? JSON.parse(decoder.decode(data)) : undefined;
}

export interface BusOptions {
  url: string;
  name: string;
  token?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  /** Subject prefix of this connection's reply inboxes; unset = `inboxPrefix(user)` (`_INBOX_<user>`, or `_INBOX` without a user). */
  inboxPrefix?: string | undefined;
  /** PEM file of the CA that signed the server's certificate; set, the connection requires TLS. */
  tlsCaFile?: string | undefined;
  requestTimeoutMs: number;
  logger: Logger;
  metrics: Metrics;
}

/** The connection settings of `commonConfig` as `Bus.connect` options. */
export function natsConnectOptions(config: { NATS_URL: string; NATS_TOKEN: string | undefined; NATS_USER: string | undefined; NATS_PASSWORD: string | undefined; NATS_INBOX_PREFIX: string | undefined; NATS_TLS_CA: string | undefined }): Pick<BusOptions, 'url' | 'token' | 'user' | 'password' | 'inboxPrefix' | 'tlsCaFile'> {
  return { url: config.NATS_URL, token: config.NATS_TOKEN, user: config.NATS_USER, password: config.NATS_PASSWORD, inboxPrefix: config.NATS_INBOX_PREFIX, tlsCaFile: config.NATS_TLS_CA };
}

/** What a handler of subject `S` receives (its request, checked against the contract) and answers. */
export type Handler<S extends keyof C, C extends ContractMap = typeof BusContract> = (
  req: RequestIn<C, S>,
  ctx: CallerContext,
) => Promise<BusReply<ReplyIn<C, S>> | ReplyIn<C, S>>;

/** The handlers of a service, keyed by subject; each one's types come from the subject's contract. */
export type Handlers<C extends ContractMap = typeof BusContract> = { [S in keyof C]?: Handler<S, C> };

/** Marks a handler's return value as a full reply rather than bare data. */
export function reply<D>(data: D, extra?: Record<string, unknown>): BusReply<D> & { [REPLY]: true } {
  return { code: 0, data, ...(extra ? { extra } : {}), [REPLY]: true };
}
const REPLY = Symbol('reply');

/** A handler once its subject's types are erased (how `serve` stores them). */
type AnyHandler = (req: unknown, ctx: CallerContext) => Promise<unknown>;

function toReply(value: unknown): BusReply {
  if (value && typeof value === 'object' && REPLY in value) {
    const { [REPLY]: _mark, ...rest } = value as BusReply & { [REPLY]: true };
    return rest;
  }
  return { code: 0, data: value };
}

function callerFrom(h: MsgHdrs | undefined): CallerContext {
  const tenantIds = h?.get(Headers.tenantIds);
  return {
    tenantId: h?.get(Headers.tenantId) ?? '',
    userId: h?.get(Headers.userId) ?? '',
    tenantIds: tenantIds ? tenantIds.split(',') : [],
    requestId: h?.get(Headers.requestId) || newRequestId(),
  };
}

/**
 * The NATS bus of one process: typed request/reply over `rag.v1.<service>.<operation>` with the
 * NATS Service API (discovery, stats, a queue group per service), and events on JetStream.
 */
export class Bus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  private readonly services: Service[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  private constructor(
    nc: NatsConnection,
    private readonly opts: BusOptions,
  ) {
    this.nc = nc;
    this.js = nc.jetstream();
  }

  static async connect(opts: BusOptions): Promise<Bus> {
    const nc = await connect({
      servers: opts.url.split(',').map((s) => s.trim()),
      name: opts.name,
      token: opts.token,
      user: opts.user,
      pass: opts.password,
      inboxPrefix: opts.inboxPrefix || inboxPrefix(opts.user),
      ...(opts.tlsCaFile ? { tls: { caFile: opts.tlsCaFile } } : {}),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      waitOnFirstConnect: true,
    });
    (async () => {
      for await (const s of nc.status()) opts.logger.info({ nats: s.type, data: String(s.data ?? '') }, 'nats status');
    })().catch(() => undefined);
    return new Bus(nc, opts);
  }

  get logger(): Logger {
    return this.opts.logger;
  }

  async jsm(): Promise<JetStreamManager> {
    return this.nc.jetstreamManager();
  }

  /** Creates the stream, or updates it when it exists with another configuration. */
  async ensureStream(config: Partial<StreamConfig> & { name: string }): Promise<void> {
    const jsm = await this.jsm();
    try {
      await jsm.streams.info(config.name);
      await jsm.streams.update(config.name, config);
    } catch (err) {
      if ((err as { code?: string }).code === '404' || /stream not found/i.test(String(err))) await jsm.streams.add(config);
      else throw err;
    }
  }

  async ensureEventsStream(): Promise<void> {
    await this.ensureStream({
      name: Streams.events.name,
      subjects: [...Streams.events.subjects],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(7 * 24 * 3600 * 1000),
      duplicate_window: nanos(120 * 1000),
    });
  }

  /**
   * Serves a set of subjects as one NATS service. Every instance of the service joins the same
   * queue group (the service name), so requests are spread over replicas.
   */
  async serve<C extends ContractMap = typeof BusContract>(name: string, version: string, description: string, endpoints: Handlers<C>, contract: C = BusContract as unknown as C): Promise<Service> {
    const { logger, metrics } = this.opts;
    const routes = Object.entries(endpoints as Record<string, AnyHandler | undefined>).map(([subject, handler]) => {
      const operation = contract[subject];
      if (!operation || !handler) throw new Error(`${name} serves ${subject}, which has no contract in BusContract`);
      return { subject, handler, operation };
    });
    const srv = await this.nc.services.add({ name, version, description, queue: name });
    for (const { subject, handler, operation } of routes) {
      const endpointName = subject.split('.').slice(-2).join('-').replace(/[^A-Za-z0-9_-]/g, '_');
      srv.addEndpoint(endpointName, {
        subject,
        queue: name,
        handler: (err, msg) => {
          if (err) {
            logger.error({ err, subject }, 'endpoint stopped');
            return;
          }
          const p = this.handle(subject, operation, handler, msg, logger, metrics).finally(() => this.inFlight.delete(p));
          this.inFlight.add(p);
        },
      });
    }
    this.services.push(srv);
    return srv;
  }

  private async handle(subject: string, operation: ContractMap[string], handler: AnyHandler, msg: ServiceMsg, logger: Logger, metrics: Metrics): Promise<void> {
    const end = metrics.busHandleDuration.startTimer({ subject });
    const ctx = callerFrom(msg.headers);
    let out: BusReply;
    try {
      out = await withSpanFromHeaders(subject, msg.headers, SpanKind.SERVER, async () => {
        let raw: unknown;
        try {
          raw = decodeJson(msg.data) ?? { body: {} };
        } catch (err) {
          this.rejected(subject, 'json', (err as Error).message, { request_id: ctx.requestId });
          throw new RagError('BUS_REQUEST_MALFORMED', { subject, reason: 'not JSON' });
        }
        const checked = checkRequest(subject, operation, raw);
        if (!checked.ok) {
          this.rejected(subject, 'schema', checked.error.message, { request_id: ctx.requestId });
          throw checked.error;
        }
        return toReply(await handler(checked.value, ctx));
      });
    } catch (err) {
      if (isRagError(err)) {
        out = { code: err.code, message: err.message, ...(err.data !== undefined ? { data: err.data } : {}) };
      } else {
        logger.error({ err, subject, request_id: ctx.requestId, tenant_id: ctx.tenantId }, 'handler failed');
        out = { code: 100, message: exceptionRepr(err) };
      }
    }
    end();
    metrics.busHandled.inc({ subject, code: String(out.code) });
    let payload = encodeJson(out);
    const limit = this.nc.info?.max_payload ?? 1024 * 1024;
    if (payload.length > limit) {
      // NATS refuses messages over max_payload (and nats.js throws): answer with an error instead.
      logger.warn({ subject, bytes: payload.length, limit, request_id: ctx.requestId }, 'reply too large for NATS');
      const tooLarge = new RagError('REPLY_TOO_LARGE', { bytes: payload.length, limit });
      out = { code: tooLarge.code, message: tooLarge.message };
      payload = encodeJson(out);
    }
    try {
      msg.respond(payload);
    } catch (err) {
      logger.error({ err, subject, request_id: ctx.requestId }, 'could not send a reply');
    }
  }

  /**
   * Sends a request to a service and returns its reply, typed by the subject's contract; transport
   * failures and malformed replies become RagErrors.
   */
  async request<S extends RequestSubject>(subject: S, req: RequestOf<S>, ctx: Partial<CallerContext>, timeoutMs = this.opts.requestTimeoutMs): Promise<BusReply<ReplyOf<S>>> {
    return (await this.send(subject, req, ctx, timeoutMs)) as BusReply<ReplyOf<S>>;
  }

  /** Like `request`, but a non-zero reply code is thrown as a RagError-shaped error. */
  async call<S extends RequestSubject>(subject: S, req: RequestOf<S>, ctx: Partial<CallerContext>): Promise<ReplyOf<S>> {
    const r = await this.send(subject, req, ctx, this.opts.requestTimeoutMs);
    if (r.code !== 0) throw Object.assign(new Error(r.message ?? 'Error'), { code: r.code, reply: r });
    return r.data as ReplyOf<S>;
  }

  /** `request` on a contract other than `BusContract` (a test's or a tool's own subjects). */
  async requestIn<C extends ContractMap, S extends keyof C & string>(
    _contract: C,
    subject: S,
    req: RequestIn<C, S>,
    ctx: Partial<CallerContext>,
    timeoutMs = this.opts.requestTimeoutMs,
  ): Promise<BusReply<ReplyIn<C, S>>> {
    return (await this.send(subject, req, ctx, timeoutMs)) as BusReply<ReplyIn<C, S>>;
  }

  /** The untyped round trip under `request`: the reply envelope is checked, its data is the contract's. */
  private async send(subject: string, req: unknown, ctx: Partial<CallerContext>, timeoutMs: number): Promise<BusReply> {
    const { metrics } = this.opts;
    const h = natsHeaders();
    if (ctx.tenantId) h.set(Headers.tenantId, ctx.tenantId);
    if (ctx.userId) h.set(Headers.userId, ctx.userId);
    if (ctx.tenantIds?.length) h.set(Headers.tenantIds, ctx.tenantIds.join(','));
    h.set(Headers.requestId, ctx.requestId ?? newRequestId());
    injectTraceContext(h);
    const end = metrics.busDuration.startTimer({ subject });
    const service = `${subject.split('.')[2] ?? subject}-svc`;
    let data: Uint8Array;
    try {
      data = (await this.nc.request(subject, encodeJson(req), { timeout: timeoutMs, headers: h })).data;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === ErrorCode.NoResponders) {
        metrics.busRequests.inc({ subject, outcome: 'no_responders' });
        throw new RagError('SERVICE_UNAVAILABLE', { service });
      }
      if (code === ErrorCode.Timeout) {
        metrics.busRequests.inc({ subject, outcome: 'timeout' });
        throw new RagError('SERVICE_TIMEOUT', { service, ms: timeoutMs });
      }
      metrics.busRequests.inc({ subject, outcome: 'error' });
      throw err;
    } finally {
      end();
    }
    const reply = decodeMessage(BusReplySchema, data);
    if (!reply.ok) {
      metrics.busRequests.inc({ subject, outcome: 'malformed' });
      this.rejected(subject, reply.problem, reply.reason);
      throw new RagError('BUS_REPLY_MALFORMED', { service, reason: reply.problem === 'json' ? 'not JSON' : reply.reason });
    }
    metrics.busRequests.inc({ subject, outcome: 'ok' });
    return reply.value;
  }

  /**
   * Records a message this process refused (not JSON, or not matching its contract): a warning
   * with the reason, and `rag_messages_rejected_total{subject, reason}`. Never throws.
   */
  rejected(subject: string, problem: MessageProblem, reason: string, extra: Record<string, unknown> = {}): void {
    this.opts.metrics.messagesRejected.inc({ subject, reason: problem });
    this.opts.logger.warn({ subject, problem, reason, ...extra }, 'message rejected');
  }

  /** Publishes an event on the EVENTS stream, de-duplicated by its id; its data must match the type's schema. */
  async publishEvent<T extends EventType>(type: T, tenantId: string, data: EventData<T>, source: string, id = uuid1()): Promise<EventEnvelope<EventData<T>>> {
    const checked = checkMessage(EventContract[type], data);
    if (!checked.ok) throw new Error(`refusing to publish a ${type} event: ${checked.reason}`);
    const event: EventEnvelope<EventData<T>> = { id, type, time: new Date().toISOString(), tenant_id: tenantId, source, data };
    const h = natsHeaders();
    h.set(Headers.tenantId, tenantId);
    injectTraceContext(h);
    await this.js.publish(eventSubject(type), encodeJson(event), { msgID: event.id, headers: h });
    this.opts.metrics.eventsPublished.inc({ type });
    return event;
  }

  /**
   * Plain (non-durable) subscription to events, for caches that only need what happens while they
   * run. An event that does not match its contract is recorded and skipped; a throwing callback is
   * logged, never left to break the connection's message loop.
   */
  subscribeEvents<T extends EventType>(types: T[], onEvent: (e: TypedEvent<T>) => void): void {
    for (const type of types) {
      this.nc.subscribe(eventSubject(type), {
        callback: (err, msg) => {
          if (err) return;
          const event = decodeEvent(msg.data, msg.subject);
          if (!event.ok) return this.rejected(msg.subject, event.problem, event.reason);
          try {
            onEvent(event.value as TypedEvent<T>);
          } catch (e) {
            this.opts.logger.error({ err: e, subject: msg.subject }, 'event callback failed');
          }
        },
      });
    }
  }

  isConnected(): boolean {
    return !this.nc.isClosed() && !this.nc.isDraining();
  }

  /** Stops taking requests, then waits (up to `timeoutMs`) for the handlers already running. */
  async stopServing(timeoutMs = 10000): Promise<void> {
    await Promise.allSettled(this.services.map((s) => s.stop()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  /** Drains subscriptions (in-flight handlers finish and reply) and closes the connection. */
  async drain(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }
}
