import type { ParserConfigLike } from '../document.types.js';
import { parseDelimiters, type Delimiters } from './delimiters.js';

export interface ChunkSettings {
  /** Token budget per chunk (`chunk_token_num`, default 512 as the naive defaults of §5.5b). */
  limit: number;
  /** Overlap in tokens between consecutive chunks. */
  overlap: number;
  delimiters: Delimiters;
  html4excel: boolean;
}

const DEFAULT_LIMIT = 512;
/** More overlap than this would make every chunk mostly a copy of the previous one. */
const MAX_OVERLAP_SHARE = 0.9;

/**
 * Overlap arrives as a percent (`overlapped_percent: 10`); a value below 1 is taken as a
 * fraction (`0.1`), since both spellings are found in stored configs.
 */
function overlapShare(config: ParserConfigLike): number {
  const raw = config.overlapped_percent ?? config['overlap_percent'];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : 0;
  if (!Number.isFinite(n) || n <= 0) return 0;
  return Math.min(n < 1 ? n : n / 100, MAX_OVERLAP_SHARE);
}

export function settingsOf(config: ParserConfigLike | null | undefined): ChunkSettings {
  const c = config ?? {};
  const raw = Number(c.chunk_token_num);
  const limit = Number.isFinite(raw) && raw >= 1 ? Math.floor(raw) : DEFAULT_LIMIT;
  return {
    limit,
    overlap: Math.floor(limit * overlapShare(c)),
    delimiters: parseDelimiters(c.delimiter),
    html4excel: c.html4excel === true,
  };
}
