import { Subjects, type BusRequest } from '@rag/contracts';
import { reply, type Handler } from '@rag/platform';
import type { ChunkService } from '../domain/chunk.service.js';
import { retrievalChunk, type RetrievalService } from '../domain/retrieval.service.js';

type P = { dataset_id: string; document_id: string; chunk_id?: string };

export function chunkHandlers(chunks: ChunkService, retrieval: RetrievalService): Record<string, Handler<any, any, any>> {
  return {
    [Subjects.chunk.list]: async (req: BusRequest<Record<string, string | undefined>, P>, ctx) => chunks.list(ctx, req.params!.dataset_id, req.params!.document_id, req.body ?? {}),
    [Subjects.chunk.add]: async (req: BusRequest<Record<string, unknown>, P>, ctx) => chunks.add(ctx, req.params!.dataset_id, req.params!.document_id, req.body ?? {}),
    [Subjects.chunk.update]: async (req: BusRequest<Record<string, unknown>, P>, ctx) => {
      await chunks.update(ctx, req.params!.dataset_id, req.params!.document_id, req.params!.chunk_id ?? '', req.body ?? {});
      return reply(null);
    },
    [Subjects.chunk.delete]: async (req: BusRequest<Record<string, unknown>, P>, ctx) => reply(await chunks.delete(ctx, req.params!.dataset_id, req.params!.document_id, req.body ?? {})),
    [Subjects.retrieval.search]: async (req: BusRequest<Record<string, unknown>>, ctx) => {
      const params = await retrieval.fromRequest(ctx, req.body ?? {});
      if (params === 'empty') return { total: 0, chunks: [], doc_aggs: {} };
      const r = await retrieval.retrieve(params);
      return { total: r.total, chunks: r.hits.map((h) => retrievalChunk(h, params.highlight)), doc_aggs: r.doc_aggs };
    },
    [Subjects.retrieval.dify]: async (req: BusRequest<Record<string, unknown>>, ctx) => retrieval.dify(ctx, req.body ?? {}),
  };
}
