import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric name, once (STYLE §3). */
export const MetricNames = {
  httpRequests: 'rag_http_requests_total',
  httpDuration: 'rag_http_request_duration_seconds',
  busRequests: 'rag_bus_requests_total',
  busDuration: 'rag_bus_request_duration_seconds',
  busHandled: 'rag_bus_handled_total',
  busHandleDuration: 'rag_bus_handle_duration_seconds',
  eventsPublished: 'rag_events_published_total',
  messagesRejected: 'rag_messages_rejected_total',
  authCacheHits: 'rag_auth_cache_hits_total',
  sseOpen: 'rag_sse_streams_open',
  parseTasksRunning: 'rag_parse_tasks_running',
  llmTokens: 'rag_llm_tokens_total',
} as const;

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  busRequests: Counter<'subject' | 'outcome'>;
  busDuration: Histogram<'subject'>;
  busHandled: Counter<'subject' | 'code'>;
  busHandleDuration: Histogram<'subject'>;
  eventsPublished: Counter<'type'>;
  /** Messages refused on receipt (not JSON, or not matching their contract), by subject and `json`/`schema`. */
  messagesRejected: Counter<'subject' | 'reason'>;
  authCacheHits: Counter<'kind' | 'result'>;
  sseOpen: Gauge<string>;
  llmTokens: Counter<'model' | 'kind'>;
  gauge(name: string, help: string, labelNames?: string[]): Gauge<string>;
}

/** One registry per process, labelled with the service name. */
export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const r = [registry];
  return {
    registry,
    httpRequests: new Counter({ name: MetricNames.httpRequests, help: 'HTTP requests served', labelNames: ['method', 'route', 'status'], registers: r }),
    httpDuration: new Histogram({ name: MetricNames.httpDuration, help: 'HTTP request duration', labelNames: ['method', 'route'], buckets: LATENCY_BUCKETS, registers: r }),
    busRequests: new Counter({ name: MetricNames.busRequests, help: 'NATS requests sent', labelNames: ['subject', 'outcome'], registers: r }),
    busDuration: new Histogram({ name: MetricNames.busDuration, help: 'NATS request round trip', labelNames: ['subject'], buckets: LATENCY_BUCKETS, registers: r }),
    busHandled: new Counter({ name: MetricNames.busHandled, help: 'NATS requests handled', labelNames: ['subject', 'code'], registers: r }),
    busHandleDuration: new Histogram({ name: MetricNames.busHandleDuration, help: 'NATS handler duration', labelNames: ['subject'], buckets: LATENCY_BUCKETS, registers: r }),
    eventsPublished: new Counter({ name: MetricNames.eventsPublished, help: 'Events published on the EVENTS stream', labelNames: ['type'], registers: r }),
    messagesRejected: new Counter({ name: MetricNames.messagesRejected, help: 'Messages refused on receipt: not JSON or not matching their contract', labelNames: ['subject', 'reason'], registers: r }),
    authCacheHits: new Counter({ name: MetricNames.authCacheHits, help: 'Gateway auth cache lookups', labelNames: ['kind', 'result'], registers: r }),
    sseOpen: new Gauge({ name: MetricNames.sseOpen, help: 'SSE answer streams open', registers: r }),
    llmTokens: new Counter({ name: MetricNames.llmTokens, help: 'Tokens used by model calls', labelNames: ['model', 'kind'], registers: r }),
    gauge: (name, help, labelNames = []) => new Gauge({ name, help, labelNames, registers: r }),
  };
}
