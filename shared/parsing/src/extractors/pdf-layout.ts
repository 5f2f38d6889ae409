import type { Block, Position } from '../document.types.js';

/**
 * Turning pdf.js text items into lines and paragraphs. pdf.js gives positioned strings in
 * content-stream order, which for most generators is reading order (a column at a time), so the
 * order is kept and only geometry decides where lines and paragraphs break.
 */
export interface TextRun {
  str: string;
  x0: number;
  x1: number;
  /** Baseline, PDF user space (y grows upwards). */
  y: number;
  size: number;
  eol: boolean;
  upright: boolean;
}

export interface Line {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
  /** Runs separated by wide gaps: 3 or more means a table row rather than prose. */
  cells: number;
}

export interface PageLayout {
  page: number;
  height: number;
  lines: Line[];
}

/** Fraction of the font size beyond which a horizontal gap means a word break. */
const SPACE_GAP = 0.15;
/** A gap this wide (in font sizes) inside a line separates table cells. */
const CELL_GAP = 1.5;
/**
 * Beyond this gap text on the same baseline is not one line. Generous, because table rows are
 * wide; columns of prose are still split because their text comes one column at a time.
 */
const COLUMN_GAP = 15;

function endsWithSpace(s: string): boolean {
  return /\s$/.test(s);
}

export function buildLines(runs: TextRun[]): Line[] {
  const lines: Line[] = [];
  let cur: (Line & { parts: string[]; pendingSpace: boolean }) | undefined;
  const close = (): void => {
    if (!cur) return;
    const text = cur.parts.join('').replace(/\s+/g, ' ').trim();
    if (text) lines.push({ text, x0: cur.x0, x1: cur.x1, y: cur.y, size: cur.size, cells: cur.cells });
    cur = undefined;
  };
  for (const run of runs) {
    if (!run.str.trim()) {
      if (cur) cur.pendingSpace = true;
      if (run.eol) close();
      continue;
    }
    if (cur) {
      const tolerance = 0.5 * Math.max(Math.min(cur.size, run.size), 1);
      const sameBaseline = Math.abs(run.y - cur.y) <= tolerance;
      const gap = run.x0 - cur.x1;
      const forward = gap > -0.5 * run.size;
      if (!run.upright || !sameBaseline || !forward || gap > COLUMN_GAP * Math.max(cur.size, run.size)) close();
    }
    if (!cur) {
      cur = { text: '', x0: run.x0, x1: run.x1, y: run.y, size: run.size, cells: 1, parts: [run.str], pendingSpace: false };
    } else {
      const gap = run.x0 - cur.x1;
      const needSpace = cur.pendingSpace || gap > SPACE_GAP * Math.min(cur.size, run.size);
      if (gap > CELL_GAP * Math.min(cur.size, run.size)) cur.cells++;
      if (needSpace && !endsWithSpace(cur.parts[cur.parts.length - 1] ?? '') && !/^\s/.test(run.str)) cur.parts.push(' ');
      cur.parts.push(run.str);
      cur.x0 = Math.min(cur.x0, run.x0);
      cur.x1 = Math.max(cur.x1, run.x1);
      // Superscripts and footnote marks must not move the line's baseline or size.
      if (run.size > cur.size) {
        cur.size = run.size;
        cur.y = run.y;
      }
      cur.pendingSpace = false;
    }
    if (run.eol) close();
  }
  close();
  return lines;
}

/** Lines that start a new paragraph even without a gap: list items and legal numbering. */
const STARTS_ITEM =
  /^(?:[•▪◦●■□–—*-]\s|\(?[0-9]{1,3}[.)]\s|\([a-zA-Z]{1,3}\)\s|(?:Article|ARTICLE|Art\.|Section|SECTION|Sec\.|Chapter|CHAPTER|PART|Part)\s+[0-9IVXLC]|§+\s*\d|第[一二三四五六七八九十百千零〇0-9]+[条章节编款])/;

function joinLine(prev: string, next: string, tabular: boolean): string {
  if (tabular) return `${prev}\n${next}`;
  // "litera-" + "ture" → "literature"; a hyphen between two lowercase letters at a line end is a break.
  if (/[a-z]-$/.test(prev) && /^[a-z]/.test(next)) return prev.slice(0, -1) + next;
  return `${prev} ${next}`;
}

export interface PdfBlockDraft {
  text: string;
  page: number;
  size: number;
  lineCount: number;
  position: Position;
}

/** Consecutive lines with the same font size, small vertical steps and overlapping columns form a paragraph. */
export function buildParagraphs(layout: PageLayout): PdfBlockDraft[] {
  const out: PdfBlockDraft[] = [];
  let cur:
    | { text: string; size: number; x0: number; x1: number; top: number; bottom: number; lastY: number; lastX0: number; lastX1: number; lastCells: number; lines: number }
    | undefined;
  const close = (): void => {
    if (!cur) return;
    out.push({
      text: cur.text,
      page: layout.page,
      size: cur.size,
      lineCount: cur.lines,
      position: [layout.page, Math.round(cur.x0), Math.round(cur.x1), Math.round(cur.top), Math.round(cur.bottom)],
    });
    cur = undefined;
  };
  for (const line of layout.lines) {
    const top = layout.height - (line.y + line.size);
    const bottom = layout.height - line.y + 0.25 * line.size;
    if (cur) {
      const step = cur.lastY - line.y;
      const sameSize = Math.abs(line.size - cur.size) <= 0.12 * cur.size;
      const near = step > 0 && step <= 1.75 * cur.size;
      const overlaps = line.x0 < cur.lastX1 && line.x1 > cur.lastX0;
      if (!sameSize || !near || !overlaps || STARTS_ITEM.test(line.text)) close();
    }
    if (!cur) {
      cur = { text: line.text, size: line.size, x0: line.x0, x1: line.x1, top, bottom, lastY: line.y, lastX0: line.x0, lastX1: line.x1, lastCells: line.cells, lines: 1 };
      continue;
    }
    // Table rows keep their line breaks; prose lines are joined into sentences.
    cur.text = joinLine(cur.text, line.text, cur.lastCells >= 3 || line.cells >= 3);
    cur.lastCells = line.cells;
    cur.x0 = Math.min(cur.x0, line.x0);
    cur.x1 = Math.max(cur.x1, line.x1);
    cur.top = Math.min(cur.top, top);
    cur.bottom = Math.max(cur.bottom, bottom);
    cur.lastY = line.y;
    cur.lastX0 = line.x0;
    cur.lastX1 = line.x1;
    cur.lines++;
  }
  close();
  return out;
}

/** The font size most characters are set in: the body text. */
export function bodySize(drafts: PdfBlockDraft[]): number {
  const weight = new Map<number, number>();
  for (const d of drafts) {
    const key = Math.round(d.size * 2) / 2;
    weight.set(key, (weight.get(key) ?? 0) + d.text.length);
  }
  let best = 10;
  let bestWeight = -1;
  for (const [size, w] of weight) {
    if (w > bestWeight) {
      best = size;
      bestWeight = w;
    }
  }
  return best;
}

/** Short, larger-than-body paragraphs are headings; larger sizes rank higher (level 1 = biggest). */
export function classifyBlocks(drafts: PdfBlockDraft[]): Block[] {
  const body = bodySize(drafts);
  const isHeading = (d: PdfBlockDraft): boolean =>
    d.size >= body * 1.08 &&
    d.lineCount <= 3 &&
    d.text.length <= 160 &&
    /\p{L}/u.test(d.text) &&
    !/[.,;:]$/.test(d.text) &&
    // Author lines and affiliations are often set large too; they carry addresses and comma lists.
    !/@|https?:\/\/|(,.*){2}/.test(d.text);
  const headingSizes = [...new Set(drafts.filter(isHeading).map((d) => Math.round(d.size * 2) / 2))].sort((a, b) => b - a);
  return drafts.map((d) => {
    const block: Block = { kind: 'paragraph', text: d.text, page: d.page, positions: [d.position] };
    if (isHeading(d)) {
      block.kind = 'heading';
      block.level = Math.min(headingSizes.indexOf(Math.round(d.size * 2) / 2) + 1, 6);
    }
    return block;
  });
}

/**
 * Running headers, footers and page numbers repeat near the same place on many pages (odd and
 * even pages may alternate two variants). Text is compared without digits, so "Page 3" and
 * "Page 4" match.
 */
export function dropRunningLines(layouts: PageLayout[]): void {
  if (layouts.length < 3) return;
  const key = (l: Line, height: number): string | undefined => {
    const band = l.y > height * 0.88 ? 'top' : l.y < height * 0.12 ? 'bottom' : undefined;
    // Digits are dropped, not masked: odd and even pages often differ only by where the page number sits.
    return band ? `${band}|${l.text.replace(/\d+/g, '').replace(/\s+/g, ' ').trim().toLowerCase()}` : undefined;
  };
  const pagesWith = new Map<string, number>();
  for (const layout of layouts) {
    const seen = new Set<string>();
    for (const l of layout.lines) {
      const k = key(l, layout.height);
      if (k && !seen.has(k)) {
        seen.add(k);
        pagesWith.set(k, (pagesWith.get(k) ?? 0) + 1);
      }
    }
  }
  const threshold = Math.max(3, Math.ceil(layouts.length * 0.4));
  for (const layout of layouts) {
    layout.lines = layout.lines.filter((l) => {
      const k = key(l, layout.height);
      if (k && (pagesWith.get(k) ?? 0) >= threshold) return false;
      // A bare page number in the margin.
      return !(k && /^[-–—\s]*(?:\d{1,4}|[ivxlc]{1,6})[-–—\s]*$/i.test(l.text));
    });
  }
}
