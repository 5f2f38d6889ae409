import type { Block } from '../document.types.js';
import { headerNames, htmlTable, rowAsFields, tableText } from '../table-text.js';
import { countTokens } from '../tokenizer.js';
import { delimiterPattern, splitHard, splitSoft, type Delimiters } from './delimiters.js';
import { fittedPieces, makePiece, type Piece } from './merge.js';
import { appendAll } from '../append-all.js';

export interface PieceOptions {
  limit: number;
  delimiters: Delimiters;
  html4excel: boolean;
}

/** Table rows as pieces: `header: value; …` when the table has a header row, else `a | b | c`. */
function tablePieces(block: Block, opts: PieceOptions): Piece[] {
  const rows = block.rows ?? [];
  const extra = block.positions ? { positions: block.positions } : {};
  if (opts.html4excel) return htmlTablePieces(block, opts.limit);
  if (!block.header || rows.length < 2) {
    return rows.flatMap((r, i) => {
      const line = tableText([r]);
      return line ? fittedPieces(line, '\n', opts.limit, i === 0 ? extra : { ...extra }) : [];
    });
  }
  const header = headerNames(rows);
  const pieces: Piece[] = [];
  for (const row of rows.slice(1)) {
    const line = rowAsFields(header, row);
    if (line) appendAll(pieces, fittedPieces(line, '\n', opts.limit, extra));
  }
  return pieces;
}

/**
 * html4excel: the table as HTML, header repeated in every part, each part a chunk of its own
 * within the token budget (a table that fits is one chunk).
 */
function htmlTablePieces(block: Block, limit: number): Piece[] {
  const rows = block.rows ?? [];
  const width = rows.reduce((w, r) => Math.max(w, r.length), 0);
  const header = block.header ? headerNames(rows) : Array.from({ length: width }, (_, i) => `column ${i + 1}`);
  const body = block.header ? rows.slice(1) : rows;
  const pieces: Piece[] = [];
  const extra = block.positions ? { positions: block.positions } : {};
  let group: string[][] = [];
  const push = (): void => {
    if (group.length) pieces.push(makePiece(htmlTable(header, group, block.sheet), '\n', { alone: true, ...extra }));
    group = [];
  };
  const headerCost = countTokens(htmlTable(header, [], block.sheet));
  let cost = headerCost;
  for (const row of body) {
    const rowCost = countTokens(htmlTable(header, [row])) - countTokens(htmlTable(header, []));
    if (group.length && cost + rowCost > limit) {
      push();
      cost = headerCost;
    }
    group.push(row);
    cost += rowCost;
  }
  push();
  return pieces;
}

/**
 * A block as pieces for merging. Text is cut at hard delimiters (marking a break) and after soft
 * ones; anything still over the budget is cut by sentences, then by words.
 */
export function blockPieces(block: Block, opts: PieceOptions): Piece[] {
  if (block.kind === 'table' && block.rows?.length) return tablePieces(block, opts);
  const extra = block.positions ? { positions: block.positions } : {};
  if (block.kind === 'heading') return fittedPieces(block.text, '\n', opts.limit, { ...extra, heading: true });
  const soft = delimiterPattern(opts.delimiters.soft);
  const hard = delimiterPattern(opts.delimiters.hard);
  const pieces: Piece[] = [];
  splitHard(block.text, hard).forEach((segment, si) => {
    let first = true;
    for (const part of splitSoft(segment, soft)) {
      if (!part.trim()) continue;
      const joiner = first ? '\n' : '';
      appendAll(pieces, fittedPieces(part, joiner, opts.limit, { ...extra, ...(first && si > 0 ? { breakBefore: true } : {}) }));
      first = false;
    }
  });
  return pieces;
}
