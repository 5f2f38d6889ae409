import { context, propagation, trace, SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { MsgHdrs } from 'nats';

export { SpanKind };

let sdk: NodeSDK | undefined;

// Trace context must flow through async code and NATS headers even when no exporter is set:
// a context manager and the W3C propagator are registered once, whatever the SDK does later.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

/**
 * Starts OpenTelemetry when an OTLP endpoint is configured. Without one the API stays a no-op,
 * but W3C trace context still passes through NATS headers unchanged.
 */
export function startTracing(service: string, endpoint: string | undefined): void {
  if (!endpoint || sdk) return;
  sdk = new NodeSDK({
    serviceName: service,
    contextManager: new AsyncLocalStorageContextManager(),
    textMapPropagator: new W3CTraceContextPropagator(),
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }),
  });
  sdk.start();
}

export async function stopTracing(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
  sdk = undefined;
}

const tracer = () => trace.getTracer('rag');

const natsSetter = { set: (carrier: MsgHdrs, key: string, value: string) => carrier.set(key, value) };
const natsGetter = {
  get: (carrier: MsgHdrs | undefined, key: string) => carrier?.get(key) || undefined,
  keys: (carrier: MsgHdrs | undefined) => (carrier ? [...carrier.keys()] : []),
};

/** Writes the active trace context (traceparent, tracestate) into NATS headers. */
export function injectTraceContext(headers: MsgHdrs): void {
  propagation.inject(context.active(), headers, natsSetter);
}

/** Runs `fn` in a span that continues the trace carried by incoming NATS headers. */
export async function withSpanFromHeaders<T>(name: string, headers: MsgHdrs | undefined, kind: SpanKind, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = propagation.extract(context.active(), headers, natsGetter);
  return context.with(parent, () => withSpan(name, kind, fn));
}

export async function withSpan<T>(name: string, kind: SpanKind, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { kind }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The current trace id, for log lines. */
export function currentTraceId(): string | undefined {
  const id = trace.getSpan(context.active())?.spanContext().traceId;
  return id && id !== '00000000000000000000000000000000' ? id : undefined;
}
