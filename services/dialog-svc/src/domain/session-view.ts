import { httpDate } from '@rag/platform';
import type { SessionMessage, SessionReference, SessionRow } from '../data/session.repository.js';
import { isDict } from './py.js';

/** A reference chunk as the session list shows it (§11); stored chunks may use index or API names. */
export function listedChunk(chunk: Record<string, unknown>): Record<string, unknown> {
  const pick = (name: string, alternative: string) => (name in chunk ? chunk[name] : (chunk[alternative] ?? null));
  return {
    id: pick('chunk_id', 'id'),
    content: pick('content_with_weight', 'content'),
    document_id: pick('doc_id', 'document_id'),
    document_name: pick('docnm_kwd', 'document_name'),
    dataset_id: pick('kb_id', 'dataset_id'),
    image_id: pick('image_id', 'img_id'),
    positions: pick('positions', 'position_int'),
  };
}

/**
 * The messages of a listed session: `prompt` removed, and each non-user message given the chunks
 * of the next reference entry, walking both lists in step as RAGFlow does (so the prologue, the
 * first assistant message, takes the first entry).
 */
export function listedMessages(messages: SessionMessage[], reference: SessionReference[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = messages.map((m) => {
    const { prompt: _prompt, ...rest } = m;
    return rest;
  });
  let ref = 0;
  for (let i = 0; i < out.length && ref < reference.length; i++) {
    if (out[i]!.role === 'user') continue;
    const entry = reference[ref++];
    const chunks = isDict(entry) && Array.isArray(entry.chunks) ? entry.chunks : [];
    out[i]!.reference = chunks.filter(isDict).map(listedChunk);
  }
  return out;
}

const times = (row: SessionRow) => ({
  create_time: row.create_time,
  create_date: httpDate(row.create_time),
  update_time: row.update_time,
  update_date: httpDate(row.update_time),
});

/** The session object of create (§11): the stored messages, no reference. */
export function createdSession(row: SessionRow): Record<string, unknown> {
  return { id: row.id, chat_id: row.chat_id, name: row.name, messages: row.messages, user_id: row.user_id, ...times(row) };
}

/** The session object of list (§11): messages with their references, `chat_id`, no top-level reference. */
export function listedSession(row: SessionRow): Record<string, unknown> {
  return { id: row.id, name: row.name, user_id: row.user_id, ...times(row), messages: listedMessages(row.messages, row.reference), chat_id: row.chat_id };
}
