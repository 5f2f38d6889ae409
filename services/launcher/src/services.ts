import { ServiceNames } from '@rag/contracts';

/** How the launcher knows a child is ready to take work. */
export type Readiness =
  /** Answers `$SRV.PING.<name>` (the NATS Service API every `startService` registers). */
  | { kind: 'nats-service' }
  /** Answers 200 on this path of its HTTP port (PORT). */
  | { kind: 'http'; path: string };

export interface ServiceEntry {
  /** The folder `services/<name>`, the NATS service name and the log prefix. */
  name: string;
  ready: Readiness;
  /** Whether this child serves HTTP on HOST:PORT (it then gets no PROBE_PORT). */
  http?: boolean;
}

/**
 * Every process `make up` runs, in start order; the launcher stops them in reverse. The gateway
 * starts last, so its first request finds every responder, and stops first, so no request reaches
 * a stopped service. document-svc comes before parse-worker because it creates the PARSE_TASKS
 * stream and the durable consumer the workers pull from; parse-worker answers no request subjects
 * but registers the NATS service `parse-worker` (no endpoints) once it pulls, so `$SRV.PING`
 * tells when it is ready like any other service. New services go above the gateway.
 * An entry whose `services/<name>/dist/main.js` is missing is skipped with a warning.
 */
export const SERVICES: readonly ServiceEntry[] = [
  { name: ServiceNames.account, ready: { kind: 'nats-service' } },
  { name: ServiceNames.dataset, ready: { kind: 'nats-service' } },
  { name: ServiceNames.document, ready: { kind: 'nats-service' } },
  { name: ServiceNames.dialog, ready: { kind: 'nats-service' } },
  { name: ServiceNames.canvas, ready: { kind: 'nats-service' } },
  { name: ServiceNames.parseWorker, ready: { kind: 'nats-service' } },
  { name: 'gateway', ready: { kind: 'http', path: '/readyz' }, http: true },
];
