import { Subjects, type BusRequest, type TaskReport } from '@rag/contracts';
import { reply, type Handler } from '@rag/platform';
import type { DocumentService, StagedFile } from '../domain/document.service.js';
import type { ParseService } from '../domain/parse.service.js';
import type { MetadataService } from '../domain/metadata.service.js';

type P = { dataset_id: string; document_id: string };

/** Partial success (`{success_count, errors}`) or plain success: the R envelope drops null data. */
const partial = (r: { success_count: number; errors: string[] } | null) => reply(r);

export function documentHandlers(documents: DocumentService, parsing: ParseService, metadata: MetadataService): Record<string, Handler<any, any, any>> {
  return {
    [Subjects.document.uploadCheck]: async (req: BusRequest<unknown, P>, ctx) => {
      const d = await documents.checkUpload(ctx, req.params!.dataset_id);
      return { dataset_id: d.id };
    },
    [Subjects.document.upload]: async (req: BusRequest<{ files: StagedFile[]; parent_path?: string }, P>, ctx) =>
      documents.upload(ctx, req.params!.dataset_id, req.body.files ?? [], req.body.parent_path),
    [Subjects.document.list]: async (req: BusRequest<Record<string, string[]>, P>, ctx) => documents.list(ctx, req.params!.dataset_id, req.body ?? {}),
    [Subjects.document.update]: async (req: BusRequest<Record<string, unknown>, P>, ctx) => documents.update(ctx, req.params!.dataset_id, req.params!.document_id, req.body ?? {}),
    [Subjects.document.delete]: async (req: BusRequest<Record<string, unknown>, P>, ctx) => partial(await documents.delete(ctx, req.params!.dataset_id, req.body ?? {})),
    [Subjects.document.download]: async (req: BusRequest<unknown, P>, ctx) => documents.download(ctx, req.params!.dataset_id, req.params!.document_id),
    [Subjects.document.parse]: async (req: BusRequest<Record<string, unknown>, P>, ctx) => partial(await parsing.parse(ctx, req.params!.dataset_id, req.body ?? {})),
    [Subjects.document.stopParsing]: async (req: BusRequest<Record<string, unknown>, P>, ctx) => partial(await parsing.stop(ctx, req.params!.dataset_id, req.body ?? {})),
    [Subjects.document.taskProgress]: async (req: BusRequest<TaskReport>) => parsing.report(req.body),
    [Subjects.document.metadataSummary]: async (req: BusRequest<Record<string, unknown>, P>, ctx) => metadata.summary(ctx, req.params!.dataset_id, req.body ?? {}),
    [Subjects.document.metadataUpdate]: async (req: BusRequest<Record<string, unknown>, P>, ctx) => metadata.update(ctx, req.params!.dataset_id, req.body ?? {}),
  };
}
