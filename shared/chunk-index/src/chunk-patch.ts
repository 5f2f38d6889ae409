import type { ChunkPatch, ChunkRecord } from './chunk-index.js';
import { titleTokens } from './text/tokenize.js';

/**
 * A chunk after `patch`, as both implementations store it. `storedTokens` says whether the current
 * `content_tokens` were given by a caller (else they are the index's own analysis and are dropped so
 * they get recomputed). Tokens given for old content are dropped when only the content changes.
 * Renaming the document re-derives the title tokens of parsed chunks (manual ones keep none).
 */
export function applyPatch(current: ChunkRecord, storedTokens: boolean, patch: ChunkPatch): ChunkRecord {
  const merged: ChunkRecord = { ...current };
  if (!storedTokens || (patch.content !== undefined && patch.content_tokens === undefined)) delete merged.content_tokens;
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
  if (patch.document_name !== undefined && patch.title_tokens === undefined && (current.title_tokens?.length ?? 0) > 0) {
    merged.title_tokens = titleTokens(patch.document_name);
  }
  return merged;
}
