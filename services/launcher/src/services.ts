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
 * Every process `make up` runs, in start order; the launcher stops them in reverse. New services
 * (dialog-svc, canvas-svc, parse-worker) go above the gateway: the gateway starts last
 * so its first request finds every responder, and stops first so no request reaches a stopped
 * service. An entry whose `services/<name>/dist/main.js` is missing is skipped with a warning.
 */
export const SERVICES: readonly ServiceEntry[] = [
  { name: ServiceNames.account, ready: { kind: 'nats-service' } },
  { name: ServiceNames.dataset, ready: { kind: 'nats-service' } },
  { name: ServiceNames.document, ready: { kind: 'nats-service' } },
  { name: 'gateway', ready: { kind: 'http', path: '/readyz' }, http: true },
];
