import {
  DatasetCreateBody,
  DatasetDeleteBody,
  DatasetListQuery,
  DatasetUpdateRequest,
  Subjects,
  validateOrThrow,
} from '@rag/contracts';
import { reply, type Handlers } from '@rag/platform';
import type { DatasetService } from '../domain/dataset.service.js';

/**
 * One thin handler per subject: decode (the gateway validated already; we validate again because
 * any NATS client may call us), call the domain, shape the reply.
 */
export function datasetHandlers(datasets: DatasetService): Handlers {
  return {
    [Subjects.dataset.create]: async (req, ctx) => datasets.create(ctx, validateOrThrow(DatasetCreateBody, req.body)),

    [Subjects.dataset.list]: async (req, ctx) => {
      const { datasets: list, total } = await datasets.list(ctx, validateOrThrow(DatasetListQuery, req.body, { query: true }));
      return reply(list, { total_datasets: total });
    },

    [Subjects.dataset.update]: async (req, ctx) => {
      const datasetId = req.params?.dataset_id ?? '';
      const { dataset_id: _id, ...body } = validateOrThrow(DatasetUpdateRequest, { ...req.body, dataset_id: datasetId });
      return datasets.update(ctx, datasetId, body);
    },

    [Subjects.dataset.delete]: async (req, ctx) => {
      await datasets.delete(ctx, validateOrThrow(DatasetDeleteBody, req.body));
      return reply(null);
    },

    [Subjects.dataset.get]: async (req, ctx) => datasets.accessible(ctx, req.body.ids ?? []),
  };
}
