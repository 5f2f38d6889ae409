import { jsonEnvelope } from '@rag/contracts';
import { route, type RouteDef } from '../http/route.js';

/** `/v1/system/*` routes served by the gateway itself (§17). API-key routes live in account.routes.ts. */
export function systemRoutes(): RouteDef[] {
  return [
    route('GET', '/v1/system/ping', 'none', 'J', async ({ res }) => void res.type('text/plain').send('pong')),
    route('GET', '/v1/system/config', 'none', 'J', async ({ res, deps }) => void res.json(jsonEnvelope(0, 'success', { registerEnabled: deps.config.REGISTER_ENABLED ? 1 : 0 }))),
    route('GET', '/v1/system/version', 'web', 'J', async ({ res, deps }) => void res.json(jsonEnvelope(0, 'success', deps.config.SERVER_VERSION))),
    route('GET', '/v1/system/healthz', 'none', 'J', async ({ res, deps }) => {
      const { nats } = await deps.isReady();
      const ok = nats ? 'ok' : 'nok';
      res.status(nats ? 200 : 500).json({ db: ok, redis: ok, doc_engine: ok, storage: ok, status: ok, _meta: { nats: { status: ok } } });
    }),
  ];
}
