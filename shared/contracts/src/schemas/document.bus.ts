/** Request/reply contracts of document-svc (`rag.v1.document.*`, `rag.v1.chunk.*`, `rag.v1.retrieval.*`). */
import { Type, type Static } from '@sinclair/typebox';
import { Subjects } from '../subjects.js';
import { ChunkPath, DatasetPath, Described, DocumentPath, EmptyBody, LenientBody, PartialSuccess, QueryLast, QueryMulti, op } from './bus-shapes.js';
import { TaskReport, TaskReportAnswer } from './parse.js';

/** Files the gateway already wrote to the blob store (bucket = dataset id, key = id). */
const UploadBody = Type.Object({
  files: Type.Array(Type.Object({ staged_key: Type.String({ minLength: 1, description: 'Where the gateway staged the file (bucket upload-staging)' }), filename: Type.String(), size: Type.Integer({ minimum: 0 }) })),
  parent_path: Type.Optional(Type.String()),
});

/** Where a document's file is, for the gateway to stream it. */
export const DownloadLocation = Type.Object({ bucket: Type.String(), key: Type.String(), name: Type.String() });

/** One retrieved chunk (§8.3). */
export const RetrievalChunk = Type.Object({
  id: Type.String(),
  content: Type.String(),
  content_ltks: Type.String(),
  document_id: Type.String(),
  document_keyword: Type.String(),
  dataset_id: Type.String(),
  important_keywords: Type.Array(Type.String()),
  image_id: Type.String(),
  similarity: Type.Number(),
  vector_similarity: Type.Number(),
  term_similarity: Type.Number(),
  positions: Type.Array(Type.Array(Type.Number())),
  doc_type_kwd: Type.String(),
  mom_id: Type.String(),
  highlight: Type.Optional(Type.String()),
});
export type RetrievalChunk = Static<typeof RetrievalChunk>;

/** What a retrieval answers (§8.3); dialog-svc reads the chunks as its references. */
export const RetrievalResult = Type.Object({
  total: Type.Integer({ minimum: 0 }),
  chunks: Type.Array(RetrievalChunk),
  doc_aggs: Type.Union([Type.Array(Type.Object({ doc_name: Type.String(), doc_id: Type.String(), count: Type.Integer() })), Type.Object({})], { description: 'Hits per document ({} when nothing matched).' }),
});

export const DocumentBus = {
  [Subjects.document.uploadCheck]: op('gateway, before POST /api/v1/datasets/{dataset_id}/documents: may the caller add files to this dataset', EmptyBody, Type.Object({ dataset_id: Type.String() }), DatasetPath),
  [Subjects.document.upload]: op('POST /api/v1/datasets/{dataset_id}/documents (after the files are stored)', UploadBody, Described('The uploaded documents (§6.1).'), DatasetPath),
  [Subjects.document.list]: op('GET /api/v1/datasets/{dataset_id}/documents', QueryMulti, Described('{total, docs} (§6.3).'), DatasetPath),
  [Subjects.document.update]: op('PUT /api/v1/datasets/{dataset_id}/documents/{document_id}', LenientBody, Described('The updated document (§6.2).'), DocumentPath),
  [Subjects.document.delete]: op('DELETE /api/v1/datasets/{dataset_id}/documents', LenientBody, PartialSuccess, DatasetPath),
  [Subjects.document.download]: op('GET /api/v1/datasets/{dataset_id}/documents/{document_id}: where the file is', EmptyBody, DownloadLocation, DocumentPath),
  [Subjects.document.parse]: op('POST /api/v1/datasets/{dataset_id}/chunks', LenientBody, PartialSuccess, DatasetPath),
  [Subjects.document.stopParsing]: op('DELETE /api/v1/datasets/{dataset_id}/chunks', LenientBody, PartialSuccess, DatasetPath),
  [Subjects.document.taskProgress]: op('parse-worker: progress, completion or failure of a task', TaskReport, TaskReportAnswer),
  [Subjects.document.metadataSummary]: op('GET /api/v1/datasets/{dataset_id}/metadata/summary', LenientBody, Described('Metadata keys and values (§9.3).'), DatasetPath),
  [Subjects.document.metadataUpdate]: op('POST /api/v1/datasets/{dataset_id}/metadata/update', LenientBody, Described('{updated, matched_docs} (§9.3).'), DatasetPath),
  [Subjects.chunk.list]: op('GET /api/v1/datasets/{dataset_id}/documents/{document_id}/chunks', QueryLast, Described('{total, chunks, doc} (§8.1).'), DocumentPath),
  [Subjects.chunk.add]: op('POST /api/v1/datasets/{dataset_id}/documents/{document_id}/chunks', LenientBody, Described('{chunk} (§8.2).'), DocumentPath),
  [Subjects.chunk.update]: op('PUT /api/v1/datasets/{dataset_id}/documents/{document_id}/chunks/{chunk_id}', LenientBody, Type.Null(), ChunkPath),
  [Subjects.chunk.delete]: op('DELETE /api/v1/datasets/{dataset_id}/documents/{document_id}/chunks', LenientBody, Described('null or a partial success.'), DocumentPath),
  [Subjects.retrieval.search]: op('POST /api/v1/retrieval; dialog-svc for a completion', LenientBody, RetrievalResult),
  [Subjects.retrieval.dify]: op("POST /api/v1/dify/retrieval (Dify's external knowledge API)", LenientBody, Described('{records} (§16).')),
} as const;
