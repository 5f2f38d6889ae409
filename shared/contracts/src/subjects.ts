/**
 * Every NATS subject, stream and event type, named once. Call sites import these; no subject is
 * spelled anywhere else. Request/reply: `rag.v1.<service>.<operation>`; events:
 * `rag.v1.events.<entity>.<verb>`; answer streams: `rag.v1.stream.<id>`.
 */
export const SUBJECT_PREFIX = 'rag.v1';

export const ServiceNames = {
  account: 'account-svc',
  dataset: 'dataset-svc',
  document: 'document-svc',
  parseWorker: 'parse-worker',
  dialog: 'dialog-svc',
  canvas: 'canvas-svc',
} as const;

export const Subjects = {
  account: {
    register: 'rag.v1.account.register',
    /** The method and salt a password is derived with (gateway only): only derived keys cross the bus. */
    passwordParams: 'rag.v1.account.password_params',
    login: 'rag.v1.account.login',
    logout: 'rag.v1.account.logout',
    resolveApiKey: 'rag.v1.account.resolve_api_key',
    resolveSession: 'rag.v1.account.resolve_session',
    userInfo: 'rag.v1.account.user_info',
    userSetting: 'rag.v1.account.user_setting',
    tenantInfo: 'rag.v1.account.tenant_info',
    setTenantInfo: 'rag.v1.account.set_tenant_info',
    tenantModels: 'rag.v1.account.tenant_models',
    newToken: 'rag.v1.account.new_token',
    listTokens: 'rag.v1.account.list_tokens',
    deleteToken: 'rag.v1.account.delete_token',
    listFactories: 'rag.v1.account.list_factories',
    myModels: 'rag.v1.account.my_models',
    listModels: 'rag.v1.account.list_models',
    setApiKey: 'rag.v1.account.set_api_key',
    addModel: 'rag.v1.account.add_model',
    deleteModel: 'rag.v1.account.delete_model',
    enableModel: 'rag.v1.account.enable_model',
    deleteFactory: 'rag.v1.account.delete_factory',
    /** Internal: a tenant model's provider settings including its key, for model callers only. */
    modelCredentials: 'rag.v1.account.model_credentials',
    /** Internal: tokens a model call used, added to the tenant model's `used_tokens`. */
    recordUsage: 'rag.v1.account.record_usage',
  },
  dataset: {
    create: 'rag.v1.dataset.create',
    list: 'rag.v1.dataset.list',
    update: 'rag.v1.dataset.update',
    delete: 'rag.v1.dataset.delete',
    get: 'rag.v1.dataset.get',
  },
  document: {
    uploadCheck: 'rag.v1.document.upload_check',
    upload: 'rag.v1.document.upload',
    list: 'rag.v1.document.list',
    update: 'rag.v1.document.update',
    delete: 'rag.v1.document.delete',
    download: 'rag.v1.document.download',
    parse: 'rag.v1.document.parse',
    stopParsing: 'rag.v1.document.stop_parsing',
    /** parse-worker → document-svc: progress, completion and failure of a task. */
    taskProgress: 'rag.v1.document.task_progress',
    metadataSummary: 'rag.v1.document.metadata_summary',
    metadataUpdate: 'rag.v1.document.metadata_update',
  },
  chunk: {
    list: 'rag.v1.chunk.list',
    add: 'rag.v1.chunk.add',
    update: 'rag.v1.chunk.update',
    delete: 'rag.v1.chunk.delete',
  },
  retrieval: {
    search: 'rag.v1.retrieval.search',
    dify: 'rag.v1.retrieval.dify',
  },
  /** Chat assistants and their sessions (dialog-svc). */
  dialog: {
    createChat: 'rag.v1.dialog.create_chat',
    listChats: 'rag.v1.dialog.list_chats',
    updateChat: 'rag.v1.dialog.update_chat',
    deleteChats: 'rag.v1.dialog.delete_chats',
    createSession: 'rag.v1.dialog.create_session',
    listSessions: 'rag.v1.dialog.list_sessions',
    updateSession: 'rag.v1.dialog.update_session',
    deleteSessions: 'rag.v1.dialog.delete_sessions',
  },
  /** Agents (canvas workflows) and their sessions (canvas-svc). */
  canvas: {
    createAgent: 'rag.v1.canvas.create_agent',
    listAgents: 'rag.v1.canvas.list_agents',
    updateAgent: 'rag.v1.canvas.update_agent',
    deleteAgent: 'rag.v1.canvas.delete_agent',
    createSession: 'rag.v1.canvas.create_session',
    listSessions: 'rag.v1.canvas.list_sessions',
    deleteSessions: 'rag.v1.canvas.delete_sessions',
  },
  /** Completions (dialog-svc): a stream request answers `{stream_id}` at once, then deltas flow on ANSWERS. */
  completion: {
    native: 'rag.v1.completion.native',
    openai: 'rag.v1.completion.openai',
    relatedQuestions: 'rag.v1.completion.related_questions',
  },
  answer: {
    /** Gateway → producer: a client detached from / re-attached to an answer stream. */
    detach: 'rag.v1.answer_control.detach',
    attach: 'rag.v1.answer_control.attach',
  },
  parse: {
    /** Work-queue subject of parse tasks (stream PARSE_TASKS). */
    task: 'rag.v1.parse.task',
    /** Core-NATS broadcast: stop the named task now. */
    cancel: 'rag.v1.parse.cancel',
  },
} as const;

/** The EVENTS stream captures every `rag.v1.events.>` subject. */
export const Streams = {
  events: { name: 'EVENTS', subjects: ['rag.v1.events.>'] },
  parseTasks: { name: 'PARSE_TASKS', subjects: ['rag.v1.parse.task'], consumer: 'parse-worker' },
  /** Answer deltas of streamed completions, one subject per answer, kept briefly for resumes. */
  answers: { name: 'ANSWERS', subjects: ['rag.v1.stream.>'] },
} as const;

/** Durable consumers on the EVENTS stream, one per service and purpose (shared by its replicas). */
export const EventConsumers = {
  /** dataset-svc: a dataset's document/chunk/token counters follow `rag.v1.events.document.>`. */
  datasetCounters: 'dataset-svc-document-counters',
  /** document-svc: a deleted dataset's documents, files and chunks go with it. */
  documentDatasetDeleted: 'document-svc-dataset-deleted',
} as const;

/** The advisory JetStream publishes when a message of `stream` ran out of deliveries on `consumer`. */
export function maxDeliveriesAdvisory(stream: string, consumer: string): string {
  return `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${consumer}`;
}

/** JetStream key-value buckets (each is the stream `KV_<bucket>`). */
export const KvBuckets = {
  /** Failed-login counts shared by every gateway replica. */
  loginThrottle: 'login_throttle',
} as const;

export const EventTypes = {
  datasetCreated: 'dataset.created',
  datasetUpdated: 'dataset.updated',
  datasetDeleted: 'dataset.deleted',
  documentUploaded: 'document.uploaded',
  documentParseStarted: 'document.parse_started',
  documentParsed: 'document.parsed',
  documentParseFailed: 'document.parse_failed',
  documentDeleted: 'document.deleted',
  /** A change of a document's chunk/token counters (manual chunks, deletions, re-parse). */
  documentCountsChanged: 'document.counts_changed',
  userRegistered: 'user.registered',
  userLoggedOut: 'user.logged_out',
  apiKeyCreated: 'api_key.created',
  apiKeyRevoked: 'api_key.revoked',
  tenantUpdated: 'tenant.updated',
  tenantModelsChanged: 'tenant.models_changed',
  chatCreated: 'chat.created',
  chatUpdated: 'chat.updated',
  chatDeleted: 'chat.deleted',
  sessionCreated: 'session.created',
  sessionDeleted: 'session.deleted',
  agentCreated: 'agent.created',
  agentUpdated: 'agent.updated',
  agentDeleted: 'agent.deleted',
} as const;

export type EventType = (typeof EventTypes)[keyof typeof EventTypes];

export function eventSubject(type: EventType): string {
  return `${SUBJECT_PREFIX}.events.${type}`;
}

/** Every event of one entity (`document` → `rag.v1.events.document.>`), for a consumer filter. */
export function eventEntityFilter(entity: 'dataset' | 'document' | 'user' | 'api_key' | 'tenant' | 'agent'): string {
  return `${SUBJECT_PREFIX}.events.${entity}.>`;
}

/** The subject of one answer's deltas. */
export function answerSubject(streamId: string): string {
  return `${SUBJECT_PREFIX}.stream.${streamId}`;
}

/** NATS header names carried on every request and event. */
export const Headers = {
  tenantId: 'rag-tenant-id',
  userId: 'rag-user-id',
  tenantIds: 'rag-tenant-ids',
  requestId: 'rag-request-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** On an answer delta: `1` marks the last message of the answer. */
  answerEnd: 'rag-answer-end',
} as const;
