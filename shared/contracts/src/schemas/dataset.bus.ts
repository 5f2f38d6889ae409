/** Request/reply contracts of dataset-svc (`rag.v1.dataset.*`). */
import { Type } from '@sinclair/typebox';
import { Subjects } from '../subjects.js';
import { DatasetCreateBody, DatasetDeleteBody, DatasetListQuery, DatasetUpdateBody, type Dataset } from './dataset.js';
import { DatasetPath, op } from './bus-shapes.js';

const Id = Type.String({ minLength: 1 });

/** The dataset object of §5.1 (its ids checked here; every field is listed in CONTRACT.md). */
export const DatasetSchema = Type.Unsafe<Dataset>(
  Type.Object({ id: Id, name: Type.String(), tenant_id: Id, embedding_model: Type.String(), chunk_method: Type.String(), document_count: Type.Integer(), chunk_count: Type.Integer() }, { description: 'The dataset object (CONTRACT §5.1).' }),
);

export const DatasetBus = {
  [Subjects.dataset.create]: op('POST /api/v1/datasets', DatasetCreateBody, DatasetSchema),
  [Subjects.dataset.list]: op('GET /api/v1/datasets (reply extra: total_datasets)', DatasetListQuery, Type.Array(DatasetSchema)),
  [Subjects.dataset.update]: op('PUT /api/v1/datasets/{dataset_id}', DatasetUpdateBody, DatasetSchema, DatasetPath),
  [Subjects.dataset.delete]: op('DELETE /api/v1/datasets', DatasetDeleteBody, Type.Null()),
  [Subjects.dataset.get]: op('document-svc, dialog-svc: the datasets of these ids the caller may use', Type.Object({ ids: Type.Array(Type.String()) }), Type.Array(DatasetSchema)),
} as const;
