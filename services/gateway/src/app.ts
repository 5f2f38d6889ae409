import express, { type NextFunction, type Request, type Response } from 'express';
import { match } from 'path-to-regexp';
import { RagError, exceptionRepr, isRagError, jsonEnvelope } from '@rag/contracts';
import { commonConfig, currentTraceId, newRequestId, type Bus, type ConfigOf, type Logger, type Metrics } from '@rag/platform';
import type { gatewayConfig } from './config.js';
import { Authenticator } from './auth/authenticator.js';
import { authenticateApiKey, authenticateWeb } from './auth/middleware.js';
import { PasswordDecoder } from './auth/password.js';
import { ApiKeyRateLimiter } from './auth/rate-limit.js';
import { LoginThrottle } from './auth/throttle.js';
import { createBlobStore } from '@rag/blob-store';
import { assertJsonDepth } from './http/body.js';
import { readBody } from './http/read-body.js';
import type { GatewayDeps, RouteContext, RouteDef } from './http/route.js';
import { allRoutes } from './routes/index.js';

export type GatewayConfig = ConfigOf<typeof gatewayConfig & typeof commonConfig>;

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
    tenantId?: string;
    routeLabel?: string;
  }
}

const isMultipart = (req: Request) => (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');

/** nats.js `ErrorCode.MaxPayloadExceeded`: a message over the server's max_payload (the gateway does not depend on nats.js itself). */
const NATS_MAX_PAYLOAD_EXCEEDED = 'MAX_PAYLOAD_EXCEEDED';

/** Room the bus request needs besides the body: `{body, params}`, the caller and trace headers. */
const BUS_ENVELOPE_BYTES = 16 * 1024;

/** Werkzeug's names of the HTTP errors a request can meet before its handler (CONTRACT §1.1: HTTP 200, code 100). */
const HTTP_ERROR_NAMES: Record<number, string> = {
  400: "<BadRequest '400: Bad Request'>",
  408: "<RequestTimeout '408: Request Timeout'>",
  413: "<RequestEntityTooLarge '413: Request Entity Too Large'>",
  414: "<RequestURITooLarge '414: Request URI Too Large'>",
  415: "<UnsupportedMediaType '415: Unsupported Media Type'>",
  431: "<RequestHeaderFieldsTooLarge '431: Request Header Fields Too Large'>",
};

/** A request id from the client, kept only when it is a plain token (it is echoed in a header and in logs). */
function clientRequestId(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  return raw && /^[\w.:@/+=-]{1,64}$/.test(raw) ? raw : undefined;
}

/** `decodeURIComponent` that keeps a malformed escape (`%zz`) as it is instead of throwing. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Builds the express application: middleware, every contract route, 404/405 and the error handler. */
export function createApp(opts: { bus: Bus; config: GatewayConfig; logger: Logger; metrics: Metrics; jwtSecret: string; isReady: GatewayDeps['isReady'] }): express.Express {
  const { bus, config, logger, metrics } = opts;
  const deps: GatewayDeps = {
    bus,
    config,
    logger,
    metrics,
    auth: new Authenticator(bus, metrics, opts.jwtSecret, config.JWT_TTL_SECONDS, config.AUTH_CACHE_TTL_MS),
    passwords: new PasswordDecoder(config.RSA_PRIVATE_KEY, config.RSA_PRIVATE_KEY_PASSPHRASE),
    blobs: createBlobStore(config),
    loginThrottle: new LoginThrottle(
      bus.js,
      'user',
      {
        maxFailuresPerAccount: config.LOGIN_MAX_FAILURES,
        maxFailuresPerAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
        windowMs: config.LOGIN_FAILURE_WINDOW_SECONDS * 1000,
        lockoutMs: config.LOGIN_LOCKOUT_SECONDS * 1000,
      },
      logger,
    ),
    rateLimiter: new ApiKeyRateLimiter({ perMinute: config.API_KEY_REQUESTS_PER_MINUTE, burst: config.API_KEY_BURST }),
    isReady: opts.isReady,
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // req.ip: the socket's address, or X-Forwarded-For's only behind a proxy the operator trusts.
  app.set('trust proxy', config.TRUST_PROXY);

  app.use((req, res, next) => {
    req.requestId = clientRequestId(req.headers['x-request-id']) ?? newRequestId();
    res.setHeader('X-Request-Id', req.requestId);
    res.setHeader('Access-Control-Allow-Origin', config.CORS_ORIGIN);
    res.setHeader('Access-Control-Expose-Headers', 'Authorization, X-Request-Id');
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const routeLabel = req.routeLabel ?? 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route: routeLabel, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route: routeLabel }, seconds);
      logger.info(
        { request_id: req.requestId, tenant_id: req.tenantId, trace_id: currentTraceId(), method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 },
        'request',
      );
    });
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
      const asked = req.headers['access-control-request-headers'];
      res.setHeader('Access-Control-Allow-Headers', typeof asked === 'string' && /^[\w\-, ]{1,1024}$/.test(asked) ? asked : 'Authorization, Content-Type');
      res.setHeader('Access-Control-Max-Age', '86400');
      res.status(200).end();
      return;
    }
    next();
  });

  // Non-multipart bodies travel in one NATS message: bounded by what the bus carries, and read with a timeout.
  const maxPayload = bus.nc.info?.max_payload ?? 1024 * 1024;
  const bodyLimit = Math.max(1024, Math.min(config.JSON_BODY_MAX_BYTES, maxPayload - BUS_ENVELOPE_BYTES));
  app.use(readBody({ limit: bodyLimit, timeoutMs: config.BODY_READ_TIMEOUT_MS, skip: isMultipart }));

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const state = await deps.isReady();
    res.status(state.nats ? 200 : 503).json({ status: state.nats ? 'ok' : 'not ready', ...state });
  });
  // /metrics is not here: it is served on the internal METRICS_PORT listener (gateway.ts).

  const routes = allRoutes();
  for (const def of routes) {
    const method = def.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete' | 'patch';
    app[method](def.path, async (req: Request, res: Response, next: NextFunction) => {
      req.routeLabel = def.path;
      const ctx: RouteContext = { req, res, deps, requestId: req.requestId, principal: undefined, caller: { tenantId: '', userId: '', tenantIds: [], requestId: req.requestId } };
      try {
        assertJsonDepth(req, config.JSON_MAX_DEPTH);
        if (def.auth !== 'none') {
          const principal = def.auth === 'apikey' ? await authenticateApiKey(ctx) : await authenticateWeb(ctx);
          if (!principal) return;
          ctx.principal = principal;
          ctx.caller = { tenantId: principal.tenantId, userId: principal.userId, tenantIds: principal.tenantIds, requestId: req.requestId };
          req.tenantId = principal.tenantId;
        }
        await def.handle(ctx);
      } catch (err) {
        (err as { envelope?: string }).envelope = def.envelope;
        next(err);
      }
    });
  }

  const matchers = routes.map((r) => ({ method: r.method, test: match(r.path, { decode: safeDecode, end: true, trailing: true }) }));
  app.use((req, res) => {
    if (matchers.some((m) => m.test(req.path))) {
      req.routeLabel = 'method_not_allowed';
      res.json(jsonEnvelope(100, "<MethodNotAllowed '405: Method Not Allowed'>", null));
      return;
    }
    res.status(404).json({ code: 404, message: `Not Found: ${req.path}`, data: null, error: 'Not Found' });
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      // Half a response cannot become an error envelope: cut it, so the client sees it incomplete.
      logger.error({ err, request_id: req.requestId }, 'error after the response started');
      if (!res.writableEnded) res.destroy();
      return;
    }
    if (req.socket.destroyed) return; // the client is gone (e.g. it aborted its request body): nobody to answer
    const envelope = (err as { envelope?: string }).envelope ?? 'J';
    if (isRagError(err)) {
      if (err.code === 100 || envelope === 'J') res.json(jsonEnvelope(err.code, err.message, err.data ?? null));
      else res.json({ code: err.code, message: err.message });
      return;
    }
    // A body that grew past the bus limit on its way (re-encoded form fields, invalid UTF-8): too large all the same.
    if ((err as { code?: string }).code === NATS_MAX_PAYLOAD_EXCEEDED) return void res.json(jsonEnvelope(100, HTTP_ERROR_NAMES[413]!, null));
    const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) return void res.json(jsonEnvelope(100, HTTP_ERROR_NAMES[status] ?? HTTP_ERROR_NAMES[400]!, null));
    logger.error({ err, request_id: req.requestId }, 'unhandled error');
    res.json(jsonEnvelope(100, exceptionRepr(err), null));
  });
  return app;
}

export { RagError };
