/**
 * The envelope of every NATS request and reply between the gateway and the services.
 * Auth context travels in headers (see `Headers` in subjects.ts), the payload here.
 */
export interface BusRequest<B = unknown, P = Record<string, string>> {
  /** The validated HTTP body (or query) the operation acts on. */
  body: B;
  /** Path parameters, already decoded. */
  params?: P;
}

/** A reply: RAGFlow's code/message/data, passed through by the gateway into the route's envelope. */
export interface BusReply<D = unknown> {
  code: number;
  message?: string;
  data?: D;
  /** Extra top-level keys for the HTTP envelope (e.g. `total_datasets`). */
  extra?: Record<string, unknown>;
}

/** The auth context every request carries. */
export interface CallerContext {
  tenantId: string;
  userId: string;
  /** Tenants the caller is a member of (own tenant first). */
  tenantIds: string[];
  requestId: string;
}

/** The envelope of every event on the EVENTS stream (documented in docs/events.md). */
export interface EventEnvelope<D = unknown> {
  id: string;
  type: string;
  time: string;
  tenant_id: string;
  source: string;
  data: D;
}
