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
    req.requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || newRequestId();
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
      res.setHeader('Access-Control-Allow-Headers', (req.headers['access-control-request-headers'] as string | undefined) ?? 'Authorization, Content-Type');
      res.setHeader('Access-Control-Max-Age', '86400');
      res.status(200).end();
      return;
    }
    next();
  });

  app.use(express.raw({ type: (req) => !isMultipart(req as Request), limit: config.BODY_LIMIT }));

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const state = await deps.isReady();
    res.status(state.nats ? 200 : 503).json({ status: state.nats ? 'ok' : 'not ready', ...state });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  const routes = allRoutes();
  for (const def of routes) {
    const method = def.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete' | 'patch';
    app[method](def.path, async (req: Request, res: Response, next: NextFunction) => {
      req.routeLabel = def.path;
      const ctx: RouteContext = { req, res, deps, requestId: req.requestId, principal: undefined, caller: { tenantId: '', userId: '', tenantIds: [], requestId: req.requestId } };
      try {
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

  const matchers = routes.map((r) => ({ method: r.method, test: match(r.path, { decode: decodeURIComponent, end: true, trailing: true }) }));
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
      logger.error({ err, request_id: req.requestId }, 'error after the response started');
      res.end();
      return;
    }
    const envelope = (err as { envelope?: string }).envelope ?? 'J';
    if (isRagError(err)) {
      if (err.code === 100 || envelope === 'J') res.json(jsonEnvelope(err.code, err.message, err.data ?? null));
      else res.json({ code: err.code, message: err.message });
      return;
    }
    const status = (err as { status?: number; type?: string }).status;
    if (status === 413) return void res.json(jsonEnvelope(100, "<RequestEntityTooLarge '413: Request Entity Too Large'>", null));
    if (status === 400) return void res.json(jsonEnvelope(100, "<BadRequest '400: Bad Request'>", null));
    logger.error({ err, request_id: req.requestId }, 'unhandled error');
    res.json(jsonEnvelope(100, exceptionRepr(err), null));
  });
  return app;
}

export { RagError };
