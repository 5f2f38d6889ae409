import { RetCode } from './codes.js';

/**
 * The one error registry: every business error the services raise, its code and its message
 * template. Handlers throw `RagError`; the bus and the gateway map it to the wire in one place.
 * Templates use `{name}` placeholders and are byte-identical to the contract's strings.
 */
export const ErrorRegistry = {
  // generic
  ARGUMENT: { code: RetCode.ARGUMENT_ERROR, template: '{message}' },
  DATA: { code: RetCode.DATA_ERROR, template: '{message}' },
  EXCEPTION: { code: RetCode.EXCEPTION_ERROR, template: '{message}' },
  REQUIRED_ARGUMENTS: { code: RetCode.ARGUMENT_ERROR, template: 'required argument are missing: {fields}; ' },
  SERVICE_UNAVAILABLE: { code: RetCode.EXCEPTION_ERROR, template: "ServiceUnavailable('{service} is not reachable')" },
  REPLY_TOO_LARGE: { code: RetCode.DATA_ERROR, template: 'The answer is too large to send ({bytes} bytes, limit {limit}); ask for a smaller page.' },
  SERVICE_TIMEOUT: { code: RetCode.EXCEPTION_ERROR, template: "TimeoutError('{service} did not answer within {ms} ms')" },
  BUS_REQUEST_MALFORMED: { code: RetCode.ARGUMENT_ERROR, template: 'Malformed request to {subject}: {reason}' },
  BUS_REPLY_MALFORMED: { code: RetCode.EXCEPTION_ERROR, template: "ValueError('{service} sent a malformed reply: {reason}')" },
  // the gateway's edge (bounded request bodies)
  JSON_TOO_DEEP: { code: RetCode.ARGUMENT_ERROR, template: 'The JSON body is nested more than {limit} levels deep.' },
  // auth: /api/v1 API-key routes (§3.4)
  AUTH_EMPTY: { code: RetCode.SUCCESS, template: '`Authorization` can\'t be empty' },
  AUTH_FORMAT: { code: RetCode.SUCCESS, template: 'Please check your authorization format.' },
  AUTH_INVALID_KEY: { code: RetCode.AUTHENTICATION_ERROR, template: 'Authentication error: API key is invalid!' },
  // auth: web routes
  WEB_UNAUTHORIZED: { code: RetCode.UNAUTHORIZED, template: "<Unauthorized '401: Unauthorized'>" },
  // register / login (§3.2)
  REGISTRATION_DISABLED: { code: RetCode.OPERATING_ERROR, template: 'User registration is disabled!' },
  INVALID_EMAIL: { code: RetCode.OPERATING_ERROR, template: 'Invalid email address: {email}!' },
  EMAIL_TAKEN: { code: RetCode.OPERATING_ERROR, template: 'Email: {email} has already registered!' },
  REGISTRATION_FAILURE: { code: RetCode.EXCEPTION_ERROR, template: 'User registration failure, error: {error}' },
  LOGIN_EMPTY: { code: RetCode.AUTHENTICATION_ERROR, template: 'Unauthorized!' },
  LOGIN_DEFAULT_ADMIN: { code: RetCode.AUTHENTICATION_ERROR, template: 'Default admin account cannot be used to login normal services!' },
  LOGIN_UNKNOWN_EMAIL: { code: RetCode.AUTHENTICATION_ERROR, template: 'Email: {email} is not registered!' },
  LOGIN_CRYPT: { code: RetCode.SERVER_ERROR, template: 'Fail to crypt password' },
  LOGIN_DISABLED: { code: RetCode.FORBIDDEN, template: 'This account has been disabled, please contact the administrator!' },
  LOGIN_MISMATCH: { code: RetCode.AUTHENTICATION_ERROR, template: 'Email and password do not match!' },
  /** Login failures throttled per account and per client address (services/gateway/src/auth/throttle.ts). */
  LOGIN_THROTTLED: { code: RetCode.AUTHENTICATION_ERROR, template: 'Too many failed login attempts. Try again in {wait}.' },
  /** The per-API-key request limit (API_KEY_REQUESTS_PER_MINUTE), answered with HTTP 429 and Retry-After. */
  API_KEY_RATE_LIMITED: { code: RetCode.TOO_MANY_REQUESTS, template: 'Too many requests for this API key (limit {limit} per minute). Try again in {seconds} seconds.' },
  PASSWORD_ERROR: { code: RetCode.AUTHENTICATION_ERROR, template: 'Password error!' },
  UPDATE_FAILURE: { code: RetCode.EXCEPTION_ERROR, template: 'Update failure!' },
  TENANT_NOT_FOUND_WEB: { code: RetCode.DATA_ERROR, template: 'Tenant not found!' },
  TENANT_FORBIDDEN: { code: RetCode.DATA_ERROR, template: 'Only the owner of tenant {tenant_id} can change its settings.' },
  // models (§17)
  FACTORY_NOT_ALLOWED: { code: RetCode.DATA_ERROR, template: 'LLM factory {factory} is not allowed' },
  MODEL_TYPE_MISSING: { code: RetCode.EXCEPTION_ERROR, template: "KeyError('model_type')" },
  MODEL_TYPE_INVALID: { code: RetCode.ARGUMENT_ERROR, template: 'Unsupported model_type: {model_type}. Allowed: chat, embedding, rerank, image2text, tts, speech2text, ocr' },
  /** A model reference the tenant has not configured, as RAGFlow's model lookup raises it (repr of a LookupError). */
  MODEL_NOT_AUTHORIZED: { code: RetCode.EXCEPTION_ERROR, template: "LookupError('Model({model}) not authorized')" },
  MODEL_TYPE_NOT_SET: { code: RetCode.EXCEPTION_ERROR, template: "LookupError('Type of {model_type} model is not set.')" },
  MODEL_ENDPOINT_BLOCKED: {
    code: RetCode.DATA_ERROR,
    template: 'The model endpoint {url} is not allowed: {reason}. Private, loopback and link-local networks are only reachable when the operator allows them (MODEL_ALLOW_PRIVATE_NETWORKS, MODEL_ALLOWED_NETWORKS).',
  },
  // datasets (§5)
  DATASET_NAME_BYTES: { code: RetCode.DATA_ERROR, template: 'Dataset name length is {length} which is large than 128' },
  DATASET_TENANT_NOT_FOUND: { code: RetCode.PERMISSION_ERROR, template: 'Tenant not found' },
  DATASET_NO_PERMISSION: { code: RetCode.PERMISSION_ERROR, template: "User '{tenant_id}' lacks permission for dataset '{dataset}'" },
  DATASETS_NO_PERMISSION: { code: RetCode.PERMISSION_ERROR, template: "User '{tenant_id}' lacks permission for datasets: '{ids}'" },
  DATASET_NOTHING_MODIFIED: { code: RetCode.ARGUMENT_ERROR, template: 'No properties were modified' },
  DATASET_NAME_TAKEN: { code: RetCode.DATA_ERROR, template: "Dataset name '{name}' already exists" },
  DATASET_EMBEDDING_LOCKED: { code: RetCode.DATA_ERROR, template: 'When chunk_num ({chunk_count}) > 0, embedding_model must remain {embedding_model}' },
  DATASET_DELETE_FAILED: { code: RetCode.DATA_ERROR, template: 'Successfully deleted 0 datasets, {failed} failed. Details: {details}...' },
  UNSUPPORTED_MODEL: { code: RetCode.ARGUMENT_ERROR, template: 'Unsupported model: <{model}>' },
  UNAUTHORIZED_MODEL: { code: RetCode.ARGUMENT_ERROR, template: 'Unauthorized model: <{model}>' },
  PAGERANK_NEEDS_ES: { code: RetCode.ARGUMENT_ERROR, template: "'pagerank' can only be set when doc_engine is elasticsearch" },
  NO_AUTHORIZATION: { code: RetCode.AUTHENTICATION_ERROR, template: 'No authorization.' },
  // documents (§6)
  NO_FILE_PART: { code: RetCode.ARGUMENT_ERROR, template: 'No file part!' },
  NO_FILE_SELECTED: { code: RetCode.ARGUMENT_ERROR, template: 'No file selected!' },
  FILE_NAME_TOO_LONG: { code: RetCode.ARGUMENT_ERROR, template: 'File name must be 255 bytes or less.' },
  FILE_TOO_LARGE: { code: RetCode.ARGUMENT_ERROR, template: '{filename}: File size exceeds the limit of {limit} bytes.' },
  DATASET_LOOKUP: { code: RetCode.EXCEPTION_ERROR, template: 'LookupError("Can\'t find the dataset with ID {dataset_id}!")' },
  UPLOAD_FAILED: { code: RetCode.SERVER_ERROR, template: '{lines}' },
  UPLOAD_NOT_STAGED: { code: RetCode.SERVER_ERROR, template: '{filename}: The uploaded file was not found; upload it again.' },
  MULTIPART_MALFORMED: { code: RetCode.ARGUMENT_ERROR, template: 'Malformed multipart body: {reason}' },
  UPLOAD_LIMIT: { code: RetCode.ARGUMENT_ERROR, template: 'The upload exceeds the limit of {limit} {what} per request.' },
  DATASET_NOT_YOURS_TRAILING: { code: RetCode.DATA_ERROR, template: "You don't own the dataset {dataset_id}. " },
  DATASET_NOT_YOURS: { code: RetCode.DATA_ERROR, template: "You don't own the dataset {dataset_id}." },
  DATASET_NOT_OWNED: { code: RetCode.DATA_ERROR, template: "You don't own the dataset." },
  DATASET_NOT_OWNED_DOWNLOAD: { code: RetCode.DATA_ERROR, template: 'You do not own the dataset {dataset_id}.' },
  DOCUMENT_NOT_YOURS: { code: RetCode.DATA_ERROR, template: "You don't own the document {document}." },
  DOCUMENT_NOT_IN_DATASET: { code: RetCode.DATA_ERROR, template: "The dataset doesn't own the document." },
  DOCUMENT_NOT_IN_DATASET_DOWNLOAD: { code: RetCode.DATA_ERROR, template: 'The dataset not own the document {document_id}.' },
  FILE_EMPTY: { code: RetCode.DATA_ERROR, template: 'This file is empty.' },
  CANT_CHANGE: { code: RetCode.DATA_ERROR, template: "Can't change `{field}`." },
  META_NOT_DICT: { code: RetCode.DATA_ERROR, template: 'meta_fields must be a dictionary' },
  EXTENSION_CHANGED: { code: RetCode.ARGUMENT_ERROR, template: "The extension of file can't be changed" },
  DUPLICATE_DOCUMENT_NAME: { code: RetCode.DATA_ERROR, template: 'Duplicated document name in the same dataset.' },
  CHUNK_METHOD_UNKNOWN: { code: RetCode.DATA_ERROR, template: "`chunk_method` {value} doesn't exist" },
  NOT_SUPPORTED_YET: { code: RetCode.DATA_ERROR, template: 'Not supported yet!' },
  METADATA_CONDITION_JSON: { code: RetCode.DATA_ERROR, template: 'metadata_condition must be valid JSON.' },
  METADATA_CONDITION_OBJECT: { code: RetCode.DATA_ERROR, template: 'metadata_condition must be an object.' },
  DOCUMENTS_NOT_FOUND: { code: RetCode.DATA_ERROR, template: 'Documents not found: {ids}' },
  DOCUMENT_IDS_REQUIRED: { code: RetCode.DATA_ERROR, template: '`document_ids` is required' },
  PARSE_IN_PROGRESS: { code: RetCode.DATA_ERROR, template: "Can't parse document that is currently being processed" },
  STOP_AT_0_OR_1: { code: RetCode.DATA_ERROR, template: "Can't stop parsing document with progress at 0 or 1" },
  // metadata (§9.3)
  SELECTOR_OBJECT: { code: RetCode.DATA_ERROR, template: 'selector must be an object.' },
  UPDATES_DELETES_LISTS: { code: RetCode.DATA_ERROR, template: 'updates and deletes must be lists.' },
  DOCUMENT_IDS_LIST: { code: RetCode.DATA_ERROR, template: 'document_ids must be a list.' },
  UPDATE_NEEDS_KEY_VALUE: { code: RetCode.DATA_ERROR, template: 'Each update requires key and value.' },
  DELETE_NEEDS_KEY: { code: RetCode.DATA_ERROR, template: 'Each delete requires key.' },
  DOCUMENTS_NOT_IN_DATASET: { code: RetCode.DATA_ERROR, template: 'These documents do not belong to dataset {dataset_id}: {ids}' },
  // chunks (§8.2)
  CONTENT_REQUIRED: { code: RetCode.DATA_ERROR, template: '`content` is required' },
  KEYWORDS_REQUIRED_LIST: { code: RetCode.DATA_ERROR, template: '`important_keywords` is required to be a list' },
  QUESTIONS_REQUIRED_LIST: { code: RetCode.DATA_ERROR, template: '`questions` is required to be a list' },
  KEYWORDS_SHOULD_BE_LIST: { code: RetCode.DATA_ERROR, template: '`important_keywords` should be a list' },
  QUESTIONS_SHOULD_BE_LIST: { code: RetCode.DATA_ERROR, template: '`questions` should be a list' },
  POSITIONS_SHOULD_BE_LIST: { code: RetCode.DATA_ERROR, template: '`positions` should be a list' },
  CHUNK_NOT_FOUND: { code: RetCode.NOT_FOUND, template: 'Chunk not found: {dataset_id}/{chunk_id}' },
  CANT_FIND_CHUNK: { code: RetCode.DATA_ERROR, template: "Can't find this chunk {chunk_id}" },
  QA_SEPARATOR: { code: RetCode.DATA_ERROR, template: 'Q&A must be separated by TAB/ENTER key.' },
  DOCUMENT_LOOKUP: { code: RetCode.EXCEPTION_ERROR, template: 'LookupError("Can\'t find the document with ID {document_id}!")' },
  RM_CHUNK_SHORT: { code: RetCode.DATA_ERROR, template: 'rm_chunk deleted chunks {deleted}, expect {asked}' },
  // retrieval (§8.3, §16)
  DATASET_IDS_REQUIRED: { code: RetCode.DATA_ERROR, template: '`dataset_ids` is required.' },
  DATASET_IDS_LIST: { code: RetCode.DATA_ERROR, template: '`dataset_ids` should be a list' },
  QUESTION_REQUIRED: { code: RetCode.DATA_ERROR, template: '`question` is required.' },
  DOCUMENTS_SHOULD_BE_LIST: { code: RetCode.DATA_ERROR, template: '`documents` should be a list' },
  DATASETS_DONT_OWN_DOCUMENT: { code: RetCode.DATA_ERROR, template: "The datasets don't own the document {document_id}" },
  MIXED_EMBEDDING_MODELS: { code: RetCode.DATA_ERROR, template: 'Datasets use different embedding models."' },
  NO_CHUNK_FOUND: { code: RetCode.DATA_ERROR, template: 'No chunk found! Check the chunk status please!' },
  KNOWLEDGEBASE_NOT_FOUND: { code: RetCode.NOT_FOUND, template: 'Knowledgebase not found!' },
  MODEL_UNAVAILABLE: { code: RetCode.DATA_ERROR, template: 'Model {model} is not available: {reason}' },
  // completions (§12, §13, §15)
  COMPLETION_CHAT_NOT_YOURS: { code: RetCode.DATA_ERROR, template: "You don't own the chat {chat_id}" },
  COMPLETION_SESSION_NOT_YOURS: { code: RetCode.DATA_ERROR, template: "You don't own the session {session_id}" },
  EXTRA_BODY_OBJECT: { code: RetCode.DATA_ERROR, template: 'extra_body must be an object.' },
  NO_MESSAGES: { code: RetCode.DATA_ERROR, template: 'You have to provide messages.' },
  LAST_NOT_USER: { code: RetCode.DATA_ERROR, template: 'The last content of this conversation is not from user.' },
  STREAM_GONE: { code: RetCode.DATA_ERROR, template: 'The answer stream to resume is gone or not yours (Last-Event-ID {seq}).' },
  // chats (§10–11)
  CHAT_DATASET_NOT_YOURS: { code: RetCode.DATA_ERROR, template: "You don't own the dataset {dataset_id}" },
  CHAT_DATASET_NOT_PARSED: { code: RetCode.DATA_ERROR, template: "The dataset {dataset_id} doesn't own parsed file" },
  CHAT_MIXED_EMBEDDING_MODELS: { code: RetCode.AUTHENTICATION_ERROR, template: 'Datasets use different embedding models."' },
  CHAT_MODEL_NOT_FOUND: { code: RetCode.DATA_ERROR, template: "`model_name` {model} doesn't exist" },
  CHAT_RERANK_NOT_FOUND: { code: RetCode.DATA_ERROR, template: "`rerank_model` {model} doesn't exist" },
  CHAT_NAME_REQUIRED: { code: RetCode.DATA_ERROR, template: '`name` is required.' },
  CHAT_NAME_TAKEN_ON_CREATE: { code: RetCode.DATA_ERROR, template: 'Duplicated chat name in creating chat.' },
  CHAT_TENANT_ID_GIVEN: { code: RetCode.DATA_ERROR, template: '`tenant_id` must not be provided.' },
  CHAT_PARAMETER_UNUSED: { code: RetCode.DATA_ERROR, template: "Parameter '{key}' is not used" },
  CHAT_NOT_OWNED: { code: RetCode.DATA_ERROR, template: 'You do not own the chat' },
  CHAT_NAME_EMPTY: { code: RetCode.DATA_ERROR, template: '`name` cannot be empty.' },
  CHAT_NAME_TAKEN_ON_UPDATE: { code: RetCode.DATA_ERROR, template: 'Duplicated chat name in updating chat.' },
  CHAT_NOT_FOUND_FOR_DELETE: { code: RetCode.DATA_ERROR, template: 'Assistant({id}) not found.' },
  CHAT_DUPLICATE_IDS: { code: RetCode.DATA_ERROR, template: 'Duplicate assistant ids: {id}' },
  CHAT_NOT_EXIST: { code: RetCode.DATA_ERROR, template: "The chat doesn't exist" },
  SESSION_CHAT_NOT_OWNED_ON_CREATE: { code: RetCode.DATA_ERROR, template: 'You do not own the assistant.' },
  SESSION_CHAT_NOT_OWNED_ON_LIST: { code: RetCode.DATA_ERROR, template: "You don't own the assistant {chat_id}." },
  SESSION_CHAT_NOT_OWNED_ON_UPDATE: { code: RetCode.DATA_ERROR, template: 'You do not own the session' },
  SESSION_CHAT_NOT_OWNED_ON_DELETE: { code: RetCode.DATA_ERROR, template: "You don't own the chat" },
  SESSION_NAME_EMPTY: { code: RetCode.DATA_ERROR, template: '`name` can not be empty.' },
  SESSION_NOT_EXIST: { code: RetCode.DATA_ERROR, template: 'Session does not exist' },
  SESSION_MESSAGE_IMMUTABLE: { code: RetCode.DATA_ERROR, template: '`message` can not be change' },
  SESSION_REFERENCE_IMMUTABLE: { code: RetCode.DATA_ERROR, template: '`reference` can not be change' },
  SESSION_NOT_IN_CHAT: { code: RetCode.DATA_ERROR, template: "The chat doesn't own the session {id}" },
  SESSION_DUPLICATE_IDS: { code: RetCode.DATA_ERROR, template: 'Duplicate session ids: {id}' },
  // agents (§14.1) and agent sessions (§14.2); another tenant's agent reads as an unknown one
  AGENT_NO_DSL: { code: RetCode.ARGUMENT_ERROR, template: 'No DSL data in request.' },
  AGENT_NO_TITLE: { code: RetCode.ARGUMENT_ERROR, template: 'No title in request.' },
  AGENT_TITLE_TAKEN: { code: RetCode.DATA_ERROR, template: 'Agent with title {title} already exists.' },
  AGENT_NOT_OWNER: { code: RetCode.OPERATING_ERROR, template: 'Only owner of canvas authorized for this operation.' },
  AGENT_NOT_EXIST: { code: RetCode.DATA_ERROR, template: "The agent doesn't exist." },
  AGENT_NOT_FOUND: { code: RetCode.DATA_ERROR, template: 'Agent not found.' },
  AGENT_NOT_OWNED_ON_SESSION_LIST: { code: RetCode.DATA_ERROR, template: "You don't own the agent {agent_id}." },
  AGENT_NOT_OWNED_ON_SESSION_DELETE: { code: RetCode.DATA_ERROR, template: "You don't own the agent {agent_id}" },
  AGENT_HAS_NO_SESSIONS: { code: RetCode.DATA_ERROR, template: 'Agent {agent_id} has no sessions' },
  AGENT_SESSION_NOT_IN_AGENT: { code: RetCode.DATA_ERROR, template: "The agent doesn't own the session {id}" },
} as const satisfies Record<string, { code: number; template: string }>;

export type ErrorKey = keyof typeof ErrorRegistry;

export function formatTemplate(template: string, params: Record<string, unknown> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A business error with a registered code and message, thrown by domain code. */
export class RagError extends Error {
  readonly code: number;
  readonly key: ErrorKey;
  readonly data: unknown;

  constructor(key: ErrorKey, params: Record<string, unknown> = {}, data: unknown = undefined) {
    const entry = ErrorRegistry[key];
    super(formatTemplate(entry.template, params));
    this.name = 'RagError';
    this.key = key;
    this.code = entry.code;
    this.data = data;
  }
}

export function isRagError(value: unknown): value is RagError {
  return value instanceof RagError;
}

/** Python-style repr of an unexpected exception, as the contract's code-100 answers show it. */
export function exceptionRepr(err: unknown): string {
  if (err instanceof Error) {
    const message = typeof err.message === 'string' ? err.message : safeString(err.message);
    const quoted = message.includes("'") && !message.includes('"') ? `"${message}"` : `'${message}'`;
    return `${err.name === 'Error' || typeof err.name !== 'string' ? 'Exception' : err.name}(${quoted})`;
  }
  return `Exception('${safeString(err)}')`;
}

/** `String(x)` that cannot throw (an object whose toString throws or is missing). */
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
