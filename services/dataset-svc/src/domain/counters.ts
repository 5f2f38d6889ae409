import { EventTypes, type EventEnvelope } from '@rag/contracts';
import type { Inbox, Knex } from '@rag/platform';

interface CountsData {
  dataset_id: string;
  documents?: unknown[];
  document_delta?: number;
  chunk_delta?: number;
  token_delta?: number;
}

/**
 * Keeps each dataset's document/chunk/token counters in step with document-svc's events. Each
 * event applies once (the inbox), as one atomic increment.
 */
export async function applyDocumentEvent(db: Knex, inbox: Inbox, event: EventEnvelope): Promise<void> {
  const data = event.data as CountsData;
  let documents = 0;
  let chunks = 0;
  let tokens = 0;
  switch (event.type) {
    case EventTypes.documentUploaded:
      documents = data.documents?.length ?? 0;
      break;
    case EventTypes.documentDeleted:
    case EventTypes.documentParsed:
    case EventTypes.documentCountsChanged:
      documents = data.document_delta ?? 0;
      chunks = data.chunk_delta ?? 0;
      tokens = data.token_delta ?? 0;
      break;
    default:
      return;
  }
  if (!data.dataset_id || (!documents && !chunks && !tokens)) return;
  await db.transaction(async (trx) => {
    if (!(await inbox.claim(trx, event.id))) return;
    await trx('datasets')
      .where({ id: data.dataset_id })
      .update({
        document_count: trx.raw('CASE WHEN document_count + ? < 0 THEN 0 ELSE document_count + ? END', [documents, documents]),
        chunk_count: trx.raw('CASE WHEN chunk_count + ? < 0 THEN 0 ELSE chunk_count + ? END', [chunks, chunks]),
        token_num: trx.raw('CASE WHEN token_num + ? < 0 THEN 0 ELSE token_num + ? END', [tokens, tokens]),
      });
  });
}
