import {
  DatasetCreateBody,
  DatasetDeleteBody,
  DatasetListQuery,
  DatasetUpdateRequest,
  Subjects,
  coerceQuery,
  validateOrThrow,
} from '@rag/contracts';
import { queryStrings, strictJsonBody } from '../http/body.js';
import { forward, route, type RouteDef } from '../http/route.js';

/** `/api/v1/datasets` (§5.2): strict JSON bodies, validated here before they reach NATS. */
export function datasetRoutes(): RouteDef[] {
  return [
    route('POST', '/api/v1/datasets', 'apikey', 'R', async (ctx) => {
      const body = validateOrThrow(DatasetCreateBody, strictJsonBody(ctx.req));
      await forward(ctx, Subjects.dataset.create, { body }, 'R');
    }),
    route('GET', '/api/v1/datasets', 'apikey', 'R', async (ctx) => {
      const body = validateOrThrow(DatasetListQuery, coerceQuery(DatasetListQuery, queryStrings(ctx.req)), { query: true });
      await forward(ctx, Subjects.dataset.list, { body }, 'R');
    }),
    route('PUT', '/api/v1/datasets/:dataset_id', 'apikey', 'R', async (ctx) => {
      const datasetId = String(ctx.req.params.dataset_id);
      const { dataset_id: _id, ...body } = validateOrThrow(DatasetUpdateRequest, { ...strictJsonBody(ctx.req), dataset_id: datasetId });
      await forward(ctx, Subjects.dataset.update, { body, params: { dataset_id: datasetId } }, 'R');
    }),
    route('DELETE', '/api/v1/datasets', 'apikey', 'R', async (ctx) => {
      const body = validateOrThrow(DatasetDeleteBody, strictJsonBody(ctx.req));
      await forward(ctx, Subjects.dataset.delete, { body }, 'R');
    }),
  ];
}
