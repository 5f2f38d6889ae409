/**
 * Every NATS subject, stream and event type, named once. Call sites import these; no subject is
 * spelled anywhere else. Request/reply: `rag.v1.<service>.<operation>`; events:
 * `rag.v1.events.<entity>.<verb>`; answer streams: `rag.v1.stream.<id>`.
 */
export const SUBJECT_PREFIX = 'rag.v1';

export const ServiceNames = {
  account: 'account-svc',
  dataset: 'dataset-svc',
} as const;

export const Subjects = {
  account: {
    register: 'rag.v1.account.register',
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
  },
  dataset: {
    create: 'rag.v1.dataset.create',
    list: 'rag.v1.dataset.list',
    update: 'rag.v1.dataset.update',
    delete: 'rag.v1.dataset.delete',
    get: 'rag.v1.dataset.get',
  },
} as const;

/** The EVENTS stream captures every `rag.v1.events.>` subject. */
export const Streams = {
  events: { name: 'EVENTS', subjects: ['rag.v1.events.>'] },
} as const;

export const EventTypes = {
  datasetCreated: 'dataset.created',
  datasetUpdated: 'dataset.updated',
  datasetDeleted: 'dataset.deleted',
  userRegistered: 'user.registered',
  userLoggedOut: 'user.logged_out',
  apiKeyCreated: 'api_key.created',
  apiKeyRevoked: 'api_key.revoked',
  tenantUpdated: 'tenant.updated',
  tenantModelsChanged: 'tenant.models_changed',
} as const;

export type EventType = (typeof EventTypes)[keyof typeof EventTypes];

export function eventSubject(type: EventType): string {
  return `${SUBJECT_PREFIX}.events.${type}`;
}

/** NATS header names carried on every request and event. */
export const Headers = {
  tenantId: 'rag-tenant-id',
  userId: 'rag-user-id',
  tenantIds: 'rag-tenant-ids',
  requestId: 'rag-request-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;
