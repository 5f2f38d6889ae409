import { Subjects } from '@rag/contracts';
import { reply, type Handlers } from '@rag/platform';
import type { DocumentService } from '../domain/document.service.js';
import type { ParseService } from '../domain/parse.service.js';
import type { MetadataService } from '../domain/metadata.service.js';

/** Partial success (`{success_count, errors}`) or plain success: the R envelope drops null data. */
const partial = (r: { success_count: number; errors: string[] } | null) => reply(r);

export function documentHandlers(documents: DocumentService, parsing: ParseService, metadata: MetadataService): Handlers {
  return {
    [Subjects.document.uploadCheck]: async (req, ctx) => {
      const d = await documents.checkUpload(ctx, req.params!.dataset_id);
      return { dataset_id: d.id };
    },
    [Subjects.document.upload]: async (req, ctx) =>
      documents.upload(ctx, req.params!.dataset_id, req.body.files ?? [], req.body.parent_path),
    [Subjects.document.list]: async (req, ctx) => documents.list(ctx, req.params!.dataset_id, req.body ?? {}),
    [Subjects.document.update]: async (req, ctx) => documents.update(ctx, req.params!.dataset_id, req.params!.document_id, req.body ?? {}),
    [Subjects.document.delete]: async (req, ctx) => partial(await documents.delete(ctx, req.params!.dataset_id, req.body ?? {})),
    [Subjects.document.download]: async (req, ctx) => documents.download(ctx, req.params!.dataset_id, req.params!.document_id),
    [Subjects.document.parse]: async (req, ctx) => partial(await parsing.parse(ctx, req.params!.dataset_id, req.body ?? {})),
    [Subjects.document.stopParsing]: async (req, ctx) => partial(await parsing.stop(ctx, req.params!.dataset_id, req.body ?? {})),
    [Subjects.document.taskProgress]: async (req) => parsing.report(req.body),
    [Subjects.document.metadataSummary]: async (req, ctx) => metadata.summary(ctx, req.params!.dataset_id, req.body ?? {}),
    [Subjects.document.metadataUpdate]: async (req, ctx) => metadata.update(ctx, req.params!.dataset_id, req.body ?? {}),
  };
}
