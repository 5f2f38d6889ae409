import type { ChunkDraft, Position } from '../document.types.js';
import { countTokens } from '../tokenizer.js';
import { fitToTokens } from './fit-tokens.js';

/**
 * A piece is the smallest unit chunks are assembled from: a sentence or line of a block, a table
 * row, a heading. Pieces keep their own trailing delimiter and spacing, so joining the pieces of
 * one block with `''` gives the block text back; pieces of different blocks are joined with `\n`.
 */
export interface Piece {
  text: string;
  tokens: number;
  /** What goes between this piece and the previous one in the same chunk. */
  joiner: '' | '\n';
  positions?: Position[];
  heading?: boolean;
  /** Never in the same chunk as anything before it (a hard delimiter was here). */
  breakBefore?: boolean;
  /** A chunk of its own (an html4excel table). */
  alone?: boolean;
}

export interface MergeOptions {
  limit: number;
  /** Tokens of the previous chunk's tail repeated at the start of the next one. */
  overlap: number;
}

export function makePiece(text: string, joiner: '' | '\n', extra: Partial<Piece> = {}): Piece {
  return { text, tokens: countTokens(text), joiner, ...extra };
}

/** A text as pieces of at most `limit` tokens each; the first part keeps `joiner`, the rest join with ''. */
export function fittedPieces(text: string, joiner: '' | '\n', limit: number, extra: Partial<Piece> = {}): Piece[] {
  const first = makePiece(text, joiner, extra);
  if (first.tokens <= limit) return [first];
  return fitToTokens(text, limit).map((part, i) => makePiece(part, i === 0 ? joiner : '', { ...extra, ...(i > 0 ? { breakBefore: false } : {}) }));
}

function joinTokens(p: Piece): number {
  return p.joiner ? 1 : 0;
}

function render(pieces: Piece[]): { content: string; positions: Position[] } {
  const parts: string[] = [];
  const positions: Position[] = [];
  const seen = new Set<string>();
  pieces.forEach((p, i) => {
    if (i > 0) parts.push(p.joiner);
    parts.push(p.text);
    for (const pos of p.positions ?? []) {
      const key = pos.join(',');
      if (!seen.has(key)) {
        seen.add(key);
        positions.push(pos);
      }
    }
  });
  return { content: parts.join('').trim(), positions };
}

export function draftOf(pieces: Piece[], extra: Partial<ChunkDraft> = {}): ChunkDraft | undefined {
  const { content, positions } = render(pieces);
  if (!content) return undefined;
  return { content, tokens: countTokens(content), ...(positions.length ? { positions } : {}), ...extra };
}

/**
 * Greedy packing: pieces are added while the chunk stays within `limit` tokens. A heading is
 * never left as the last line of a chunk (it moves to the next one with its section), and with
 * overlap the next chunk starts with the previous chunk's last pieces, up to `overlap` tokens.
 */
export function mergePieces(pieces: Piece[], opts: MergeOptions): ChunkDraft[] {
  const out: ChunkDraft[] = [];
  let cur: Piece[] = [];
  let curTokens = 0;

  const emit = (list: Piece[]): void => {
    // Token counts of pieces are summed; the exact count of the joined text can differ slightly.
    // If it ends up over the limit, the last pieces go into a chunk of their own.
    let take = list;
    let draft = draftOf(take);
    while (take.length > 1 && draft && draft.tokens > opts.limit) {
      take = take.slice(0, -1);
      draft = draftOf(take);
    }
    if (draft) out.push(draft);
    if (take.length < list.length) emit(list.slice(take.length));
  };

  const flush = (carryOverlap: boolean): void => {
    if (cur.length === 0) return;
    const carried: Piece[] = [];
    // Trailing headings belong to what follows them.
    while (cur.length > 1 && cur[cur.length - 1]!.heading) carried.unshift(cur.pop()!);
    emit(cur);
    const next: Piece[] = [];
    if (carryOverlap && opts.overlap > 0) {
      let budget = opts.overlap;
      for (let i = cur.length - 1; i > 0; i--) {
        const p = cur[i]!;
        if (p.tokens + joinTokens(p) > budget) break;
        budget -= p.tokens + joinTokens(p);
        next.unshift(p);
      }
    }
    cur = [...next, ...carried];
    curTokens = cur.reduce((n, p, i) => n + p.tokens + (i > 0 ? joinTokens(p) : 0), 0);
  };

  for (const piece of pieces) {
    if (piece.alone) {
      flush(false);
      // Headings carried out of the previous chunk introduce this one.
      emit([...cur, piece]);
      cur = [];
      curTokens = 0;
      continue;
    }
    if (piece.breakBefore) {
      flush(false);
      cur = cur.filter((p) => p.heading);
      curTokens = cur.reduce((n, p) => n + p.tokens, 0);
    }
    const cost = piece.tokens + (cur.length ? joinTokens(piece) : 0);
    if (cur.length && curTokens + cost > opts.limit) {
      flush(true);
      // Overlap must never push the new piece over the limit: shed carried pieces first.
      while (cur.length && curTokens + piece.tokens + joinTokens(piece) > opts.limit) {
        const dropped = cur.shift()!;
        curTokens -= dropped.tokens + (cur.length ? joinTokens(cur[0]!) : 0);
      }
    }
    cur.push(piece);
    curTokens += piece.tokens + (cur.length > 1 ? joinTokens(piece) : 0);
  }
  flush(false);
  // flush(false) may leave carried headings with nothing after them: they still hold text.
  if (cur.length) emit(cur);
  return out;
}
