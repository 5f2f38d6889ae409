import type { EventType } from '@rag/contracts';

/** An event the domain announces; recorded in the same transaction as the change it reports. */
export interface DomainEvent {
  type: EventType;
  tenantId: string;
  data: Record<string, unknown>;
}

/**
 * Publishes the recorded events now, before the reply leaves: the gateway drops a revoked key or
 * session from its cache on the event, so it must arrive first. A failed publish stays recorded
 * and the relay retries it; it never fails the request.
 */
export interface EventRelay {
  flush(): Promise<void>;
}

/** Who a credential belongs to, as the gateway's authenticator expects it. */
export interface ResolvedPrincipal {
  tenant_id: string;
  user_id: string;
  tenant_ids: string[];
}

export const now = (): number => Date.now();
