import type { Block, ChunkDraft } from '../../document.types.js';
import { blockPieces } from '../block-pieces.js';
import { mergePieces, type Piece } from '../merge.js';
import type { ChunkSettings } from '../settings.js';
import { appendAll } from '../../append-all.js';

/** Blocks → pieces → chunks of at most `limit` tokens, breaking where a hard delimiter was. */
export function piecesOf(blocks: Block[], s: ChunkSettings): Piece[] {
  const pieces: Piece[] = [];
  let breakNext = false;
  for (const block of blocks) {
    const ps = blockPieces(block, { limit: s.limit, delimiters: s.delimiters, html4excel: s.html4excel });
    if (breakNext && ps[0]) ps[0].breakBefore = true;
    // A block that ends with a hard delimiter separates itself from the next block too.
    const tail = block.text.trimEnd();
    breakNext = s.delimiters.hard.some((d) => tail.endsWith(d));
    appendAll(pieces, ps);
  }
  return pieces;
}

/** `naive` (General): the whole document packed greedily into chunks within the token budget. */
export function naiveChunks(blocks: Block[], s: ChunkSettings): ChunkDraft[] {
  return mergePieces(piecesOf(blocks, s), { limit: s.limit, overlap: s.overlap });
}
