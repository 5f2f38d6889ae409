/**
 * Who may publish and subscribe to what on NATS: one user per process kind, each allowed exactly the
 * subjects its code uses, derived from the constants in subjects.ts. The launcher writes the
 * nats-server configuration from this map (`make up`), and `gen-nats-auth` writes the same for
 * Kubernetes; bus-permissions tests prove the server enforces it.
 *
 * What it rules out, among others: the gateway cannot ask for a tenant model's provider key
 * (`model_credentials`) or record usage, subscribe to a service's request subjects, or publish an
 * answer delta; parse-worker cannot read answers; only dialog-svc and canvas-svc (answers of chats and of
 * agents) publish to `rag.v1.stream.>`.
 */
import { EventConsumers, EventTypes, KvBuckets, ServiceNames, Streams, Subjects, maxDeliveriesAdvisory, SUBJECT_PREFIX } from './subjects.js';

export const BusUsers = {
  gateway: 'gateway',
  account: ServiceNames.account,
  dataset: ServiceNames.dataset,
  document: ServiceNames.document,
  dialog: ServiceNames.dialog,
  canvas: ServiceNames.canvas,
  parseWorker: ServiceNames.parseWorker,
  /** `make up`'s launcher: pings services (`$SRV.PING`) to know they are ready. */
  launcher: 'launcher',
} as const;

export type BusUser = (typeof BusUsers)[keyof typeof BusUsers];

export interface BusPermissions {
  publish: string[];
  subscribe: string[];
  /**
   * May answer requests it received (nats-server `allow_responses`: one reply to the message's
   * reply subject). Every process that serves requests or registers a NATS service needs it; the
   * gateway answers nothing, so it cannot forge a reply (or a JetStream ack) to anyone.
   */
  respond: boolean;
}

/**
 * Each user's replies arrive under its own inbox prefix, so no user can subscribe to another's
 * replies (with a shared `_INBOX.>` anyone could read every reply, provider keys included).
 */
export function inboxPrefix(user: string | undefined): string {
  return user ? `_INBOX_${user.replace(/[^A-Za-z0-9_-]/g, '_')}` : '_INBOX';
}

const JS = '$JS.API';

/** Creating or updating a stream (each service ensures the streams it uses at start). */
function streamAdmin(stream: string): string[] {
  return [`${JS}.STREAM.INFO.${stream}`, `${JS}.STREAM.CREATE.${stream}`, `${JS}.STREAM.UPDATE.${stream}`];
}

/** Creating (or updating) a durable consumer by name: the subject forms of nats-server 2.9 and later. */
function consumerAdmin(stream: string, consumer: string): string[] {
  return [`${JS}.CONSUMER.INFO.${stream}.${consumer}`, `${JS}.CONSUMER.CREATE.${stream}.${consumer}`, `${JS}.CONSUMER.CREATE.${stream}.${consumer}.>`, `${JS}.CONSUMER.DURABLE.CREATE.${stream}.${consumer}`];
}

/** Pulling from an existing durable consumer and acking (ack, nak, in-progress) what it delivers. */
function consumerPull(stream: string, consumer: string): string[] {
  return [`${JS}.CONSUMER.INFO.${stream}.${consumer}`, `${JS}.CONSUMER.MSG.NEXT.${stream}.${consumer}`, `$JS.ACK.${stream}.${consumer}.>`, `$JS.ACK.*.*.${stream}.${consumer}.>`];
}

/** Reading a stream through ephemeral (ordered) consumers and by sequence; nothing that writes. */
function streamReader(stream: string): string[] {
  return [
    `${JS}.STREAM.INFO.${stream}`,
    `${JS}.STREAM.MSG.GET.${stream}`,
    `${JS}.DIRECT.GET.${stream}`,
    `${JS}.DIRECT.GET.${stream}.>`,
    `${JS}.CONSUMER.CREATE.${stream}`,
    `${JS}.CONSUMER.CREATE.${stream}.>`,
    `${JS}.CONSUMER.INFO.${stream}.*`,
    `${JS}.CONSUMER.DELETE.${stream}.*`,
    `${JS}.CONSUMER.MSG.NEXT.${stream}.*`,
  ];
}

/** Opening (creating) a key-value bucket, reading its keys and writing them; nothing of other buckets. */
function kvBucket(bucket: string): string[] {
  const stream = `KV_${bucket}`;
  return [...streamAdmin(stream), `${JS}.STREAM.MSG.GET.${stream}`, `${JS}.DIRECT.GET.${stream}`, `${JS}.DIRECT.GET.${stream}.>`, `$KV.${bucket}.>`];
}

/** The NATS Service API subjects a service named `name` answers (`$SRV.PING`, `$SRV.INFO.<name>`, ...). */
function serviceApi(name: string): string[] {
  return ['$SRV.PING', '$SRV.INFO', '$SRV.STATS', `$SRV.*.${name}`, `$SRV.*.${name}.*`];
}

/** Every subject of one group of Subjects, optionally without some. */
function all(group: Record<string, string>, except: readonly string[] = []): string[] {
  return Object.values(group).filter((s) => !except.includes(s));
}

/** Events of the entities a service owns: it alone publishes them. */
function eventsOf(...entities: string[]): string[] {
  return entities.map((e) => `${SUBJECT_PREFIX}.events.${e}.>`);
}

function eventSubjects(...types: (typeof EventTypes)[keyof typeof EventTypes][]): string[] {
  return types.map((t) => `${SUBJECT_PREFIX}.events.${t}`);
}

/** What every service process does through `startService`: JetStream's account check and the EVENTS stream. */
const serviceBase = [`${JS}.INFO`, ...streamAdmin(Streams.events.name)];

/** Requests only services send to each other: never the gateway, whatever route it serves. */
const serviceToService = [Subjects.account.modelCredentials, Subjects.account.recordUsage, Subjects.account.tenantModels, Subjects.dataset.get, Subjects.document.taskProgress] as const;

/** The permissions of every bus user (inboxes are added by `busPermissions`). */
const PERMISSIONS: Record<BusUser, BusPermissions> = {
  [BusUsers.gateway]: {
    publish: [
      ...all(Subjects.account, serviceToService),
      ...all(Subjects.dataset, serviceToService),
      ...all(Subjects.document, serviceToService),
      ...all(Subjects.chunk),
      ...all(Subjects.retrieval),
      ...all(Subjects.dialog),
      ...all(Subjects.completion),
      ...all(Subjects.canvas),
      ...all(Subjects.answer),
      `${JS}.INFO`,
      ...streamReader(Streams.answers.name),
      ...kvBucket(KvBuckets.loginThrottle),
    ],
    subscribe: eventSubjects(EventTypes.apiKeyRevoked, EventTypes.userLoggedOut),
    respond: false,
  },
  [BusUsers.account]: {
    publish: [...serviceBase, ...eventsOf('user', 'api_key', 'tenant')],
    subscribe: [...all(Subjects.account), ...serviceApi(ServiceNames.account)],
    respond: true,
  },
  [BusUsers.dataset]: {
    publish: [...serviceBase, Subjects.account.tenantModels, ...eventsOf('dataset'), ...consumerAdmin(Streams.events.name, EventConsumers.datasetCounters), ...consumerPull(Streams.events.name, EventConsumers.datasetCounters)],
    subscribe: [...all(Subjects.dataset), ...serviceApi(ServiceNames.dataset)],
    respond: true,
  },
  [BusUsers.document]: {
    publish: [
      ...serviceBase,
      Subjects.dataset.get,
      Subjects.account.tenantModels,
      Subjects.account.modelCredentials,
      ...eventsOf('document'),
      ...consumerAdmin(Streams.events.name, EventConsumers.documentDatasetDeleted),
      ...consumerPull(Streams.events.name, EventConsumers.documentDatasetDeleted),
      ...streamAdmin(Streams.parseTasks.name),
      ...consumerAdmin(Streams.parseTasks.name, Streams.parseTasks.consumer),
      `${JS}.STREAM.MSG.GET.${Streams.parseTasks.name}`,
      `${JS}.STREAM.MSG.DELETE.${Streams.parseTasks.name}`,
      Subjects.parse.task,
      Subjects.parse.cancel,
    ],
    subscribe: [...all(Subjects.document), ...all(Subjects.chunk), ...all(Subjects.retrieval), maxDeliveriesAdvisory(Streams.parseTasks.name, Streams.parseTasks.consumer), ...serviceApi(ServiceNames.document)],
    respond: true,
  },
  [BusUsers.dialog]: {
    publish: [
      ...serviceBase,
      Subjects.dataset.get,
      Subjects.account.tenantModels,
      Subjects.account.modelCredentials,
      Subjects.account.recordUsage,
      Subjects.retrieval.search,
      ...eventsOf('chat', 'session'),
      ...streamAdmin(Streams.answers.name),
      ...Streams.answers.subjects,
    ],
    subscribe: [...all(Subjects.dialog), ...all(Subjects.completion), ...all(Subjects.answer), ...serviceApi(ServiceNames.dialog)],
    respond: true,
  },
  [BusUsers.canvas]: {
    // Agent answers (issue #8's completions) go to the ANSWERS stream like dialog-svc's.
    publish: [...serviceBase, ...eventsOf('agent'), ...streamAdmin(Streams.answers.name), ...Streams.answers.subjects],
    subscribe: [...all(Subjects.canvas), ...serviceApi(ServiceNames.canvas)],
    respond: true,
  },
  [BusUsers.parseWorker]: {
    publish: [...serviceBase, Subjects.document.taskProgress, Subjects.account.modelCredentials, ...consumerPull(Streams.parseTasks.name, Streams.parseTasks.consumer)],
    subscribe: [Subjects.parse.cancel, ...serviceApi(ServiceNames.parseWorker)],
    respond: true,
  },
  [BusUsers.launcher]: {
    publish: [`${JS}.INFO`, '$SRV.PING', '$SRV.PING.*'],
    subscribe: [],
    respond: false,
  },
};

/** The permissions of one bus user, its own inbox included (replies and JetStream deliveries arrive there). */
export function busPermissions(user: BusUser): BusPermissions {
  const p = PERMISSIONS[user];
  return { publish: [...new Set(p.publish)], subscribe: [...new Set([...p.subscribe, `${inboxPrefix(user)}.>`])], respond: p.respond };
}

export function isBusUser(name: string): name is BusUser {
  return Object.values(BusUsers).includes(name as BusUser);
}

/** Whether a NATS subject pattern (`*` one token, `>` the rest) covers `subject`. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

export function allows(patterns: readonly string[], subject: string): boolean {
  return patterns.some((p) => subjectMatches(p, subject));
}
