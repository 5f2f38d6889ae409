import { Subjects } from '@rag/contracts';
import { reply, type Handlers } from '@rag/platform';
import type { ChunkService } from '../domain/chunk.service.js';
import { retrievalChunk, type RetrievalService } from '../domain/retrieval.service.js';

export function chunkHandlers(chunks: ChunkService, retrieval: RetrievalService): Handlers {
  return {
    [Subjects.chunk.list]: async (req, ctx) => chunks.list(ctx, req.params!.dataset_id, req.params!.document_id, req.body ?? {}),
    [Subjects.chunk.add]: async (req, ctx) => chunks.add(ctx, req.params!.dataset_id, req.params!.document_id, req.body ?? {}),
    [Subjects.chunk.update]: async (req, ctx) => {
      await chunks.update(ctx, req.params!.dataset_id, req.params!.document_id, req.params!.chunk_id ?? '', req.body ?? {});
      return reply(null);
    },
    [Subjects.chunk.delete]: async (req, ctx) => reply(await chunks.delete(ctx, req.params!.dataset_id, req.params!.document_id, req.body ?? {})),
    [Subjects.retrieval.search]: async (req, ctx) => {
      const params = await retrieval.fromRequest(ctx, req.body ?? {});
      if (params === 'empty') return { total: 0, chunks: [], doc_aggs: {} };
      const r = await retrieval.retrieve(params);
      return { total: r.total, chunks: r.hits.map((h) => retrievalChunk(h, params.highlight)), doc_aggs: r.doc_aggs };
    },
    [Subjects.retrieval.dify]: async (req, ctx) => retrieval.dify(ctx, req.body ?? {}),
  };
}
