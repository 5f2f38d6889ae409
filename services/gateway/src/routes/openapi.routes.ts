import { BusContract, Subjects, routesOf, type Operation } from '@rag/contracts';
import { route, type RouteDef } from '../http/route.js';
import { allRoutes } from './index.js';

/** Where the gateway serves its OpenAPI document (no auth); docs/openapi.json is the committed copy. */
export const OPENAPI_PATH = '/api/v1/openapi.json';

type Json = Record<string, unknown>;

const SECURITY = {
  apikey: [{ apiKey: [] }],
  web: [{ loginToken: [] }, { apiKey: [] }],
  none: [],
} as const;

/** `:param` (Express) → `{param}` (OpenAPI). */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/** A TypeBox schema as plain JSON Schema 2020-12: our `x-` validation hints dropped, `x-required-fields` as `required`. */
function plain(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(plain);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'x-required-fields') out.required = value;
    else if (!key.startsWith('x-')) out[key] = plain(value);
  }
  return out;
}

function envelope(data: unknown): Json {
  return {
    type: 'object',
    required: ['code'],
    properties: {
      code: { type: 'integer', description: '0 on success; otherwise a RAGFlow return code (docs/errors.md).' },
      message: { type: 'string' },
      data: data ?? {},
    },
  };
}

/** The operation behind each `METHOD /path`, read from the contract of every subject. */
function operationsByRoute(): Map<string, { subject: string; operation: Operation }> {
  const byRoute = new Map<string, { subject: string; operation: Operation }>();
  for (const [subject, operation] of Object.entries(BusContract) as [string, Operation][]) for (const key of routesOf(operation)) byRoute.set(key, { subject, operation });
  return byRoute;
}

function parametersOf(path: string, method: string, operation: Operation | undefined): Json[] {
  const params: Json[] = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const body = operation?.body as { properties?: Record<string, unknown>; required?: string[] } | undefined;
  if (method === 'GET' && body?.properties) {
    for (const [name, schema] of Object.entries(body.properties)) params.push({ name, in: 'query', required: Boolean(body.required?.includes(name) && !('default' in (schema as Json))), schema: plain(schema) });
  }
  return params;
}

function requestBodyOf(method: string, found: { subject: string; operation: Operation } | undefined): Json | undefined {
  if (method === 'GET' || !found) return undefined;
  if (found.subject === Subjects.document.upload) {
    return {
      required: true,
      content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'array', items: { type: 'string', format: 'binary' } }, parent_path: { type: 'string' } } } } },
    };
  }
  return { required: false, content: { 'application/json': { schema: plain(found.operation.body) } } };
}

function responsesOf(found: { subject: string; operation: Operation } | undefined): Json {
  if (found?.subject === Subjects.document.download) {
    return { '200': { description: 'The file, or a JSON error envelope.', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } }, 'application/json': { schema: envelope(undefined) } } } };
  }
  const json = { 'application/json': { schema: envelope(found ? plain(found.operation.reply) : undefined) } };
  const streamed = found?.subject === Subjects.completion.native || found?.subject === Subjects.completion.openai;
  return { '200': { description: streamed ? 'The answer; with `stream` (the default), Server-Sent Events.' : 'The RAGFlow envelope.', content: streamed ? { ...json, 'text/event-stream': { schema: { type: 'string' } } } : json } };
}

/**
 * The OpenAPI 3.1 document of the gateway, built from its route table (methods, paths, auth) and
 * the shared contract of the subject behind each route (request body, query, reply data).
 */
export function openApiDocument(routes: RouteDef[] = allRoutes()): Json {
  const byRoute = operationsByRoute();
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const path = openApiPath(r.path);
    const found = byRoute.get(`${r.method} ${path}`);
    const segments = path.split('/').filter((s) => s && !/^(api|v1)$/.test(s) && !s.startsWith('{'));
    const operation: Json = {
      operationId: `${r.method.toLowerCase()}${segments.map((s) => s.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase()).replace(/^./, (c) => c.toUpperCase())).join('')}${path.endsWith('}') ? 'One' : ''}`,
      summary: `${r.method} ${path}`,
      description: found ? `Served over NATS subject \`${found.subject}\` (${found.operation.summary}).` : 'Answered by the gateway itself.',
      tags: [segments[0] ?? 'system'],
      security: SECURITY[r.auth],
      parameters: parametersOf(path, r.method, found?.operation),
      ...(requestBodyOf(r.method, found) ? { requestBody: requestBodyOf(r.method, found) } : {}),
      responses: responsesOf(found),
    };
    (paths[path] ??= {})[r.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'RAGFlow API over NATS',
      version: '0.1.0',
      description: "RAGFlow's /api/v1 contract (and the /v1 web routes clients bootstrap through). Errors are HTTP 200 with a non-zero `code` unless noted. Generated from the gateway's route table and the shared contracts (`make docs`).",
    },
    servers: [{ url: 'http://127.0.0.1:9380' }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <key>`.' },
        loginToken: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'The login token from the Authorization header of /v1/user/login, without `Bearer`.' },
      },
    },
    paths,
  };
}

/** `GET /api/v1/openapi.json`: the document, built once from the routes this gateway serves. */
export function openApiRoutes(): RouteDef[] {
  let document: Json | undefined;
  return [
    route('GET', OPENAPI_PATH, 'none', 'J', async ({ res }) => {
      document ??= openApiDocument();
      res.json(document);
    }),
  ];
}
