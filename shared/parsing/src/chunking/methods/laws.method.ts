import type { Block, ChunkDraft, Position } from '../../document.types.js';
import { tableText } from '../../table-text.js';
import { countTokens } from '../../tokenizer.js';
import { fittedPieces, mergePieces, type Piece } from '../merge.js';
import type { ChunkSettings } from '../settings.js';

/**
 * `laws`: legal texts are cut at their own numbering. Articles (`Article 12`, `Art. 3`, `§ 3`,
 * `Section 4.1`, `第十二条`) are the units; parts, titles, chapters and sections (`Part II`,
 * `Chapter 3`, `第二章`, `第一节`) and document headings give each article its context, which is
 * prefixed to the chunk. An article longer than the budget is split, the prefix repeated.
 */
const NUM = '[0-9０-９一二三四五六七八九十百千零〇两IVXLCivxlc]+';
const ARTICLE = new RegExp(`^\\s*(?:第${NUM}条|(?:Article|ARTICLE|Art\\.)\\s*${NUM}\\b|§+\\s*\\d|(?:Section|SECTION|Sec\\.)\\s*\\d+(?:\\.\\d+)*\\b)`);
const STRUCTURE: [RegExp, number][] = [
  [new RegExp(`^\\s*(?:第${NUM}编|(?:PART|Part|TITLE|Title|BOOK|Book)\\s+${NUM}\\b)`), 1],
  [new RegExp(`^\\s*(?:第${NUM}章|(?:CHAPTER|Chapter)\\s+${NUM}\\b)`), 2],
  [new RegExp(`^\\s*第${NUM}节`), 3],
];

interface Line {
  text: string;
  positions?: Position[];
  headingLevel?: number;
}

function linesOf(blocks: Block[]): Line[] {
  const lines: Line[] = [];
  for (const b of blocks) {
    const extra = b.positions ? { positions: b.positions } : {};
    if (b.kind === 'heading') {
      lines.push({ text: b.text, headingLevel: b.level ?? 1, ...extra });
      continue;
    }
    const text = b.kind === 'table' && b.rows ? tableText(b.rows) : b.text;
    for (const l of text.split('\n')) if (l.trim()) lines.push({ text: l, ...extra });
  }
  return lines;
}

function structureLevel(line: Line): number | undefined {
  if (ARTICLE.test(line.text)) return undefined;
  for (const [re, level] of STRUCTURE) if (re.test(line.text)) return level;
  // Document headings that are not article numbers are structure too, below the numbered levels.
  return line.headingLevel !== undefined ? 3 + line.headingLevel : undefined;
}

interface Unit {
  path: string[];
  lines: Line[];
}

function unitsOf(lines: Line[]): Unit[] {
  const units: Unit[] = [];
  const stack: { level: number; text: string }[] = [];
  let cur: Unit | undefined;
  const close = (): void => {
    if (cur && cur.lines.length) units.push(cur);
    cur = undefined;
  };
  for (const line of lines) {
    const level = structureLevel(line);
    if (level !== undefined) {
      close();
      while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
      stack.push({ level, text: line.text.trim() });
      continue;
    }
    if (ARTICLE.test(line.text)) close();
    cur ??= { path: stack.map((s) => s.text), lines: [] };
    cur.lines.push(line);
  }
  close();
  // Structure headings with nothing under them (e.g. a final chapter title) still hold text.
  if (units.length === 0 && stack.length) units.push({ path: [], lines: stack.map((s) => ({ text: s.text })) });
  return units;
}

export function lawsChunks(blocks: Block[], s: ChunkSettings): ChunkDraft[] {
  const out: ChunkDraft[] = [];
  for (const unit of unitsOf(linesOf(blocks))) {
    const prefix = unit.path.join('\n');
    const budget = prefix ? Math.max(s.limit - countTokens(prefix) - 1, Math.ceil(s.limit / 2)) : s.limit;
    const pieces: Piece[] = unit.lines.flatMap((l) => fittedPieces(l.text, '\n', budget, l.positions ? { positions: l.positions } : {}));
    for (const c of mergePieces(pieces, { limit: budget, overlap: 0 })) {
      const content = prefix ? `${prefix}\n${c.content}` : c.content;
      out.push({ ...c, content, tokens: countTokens(content), ...(unit.path.length ? { title: unit.path.join(' > ') } : {}) });
    }
  }
  return out;
}
