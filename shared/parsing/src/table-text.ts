import type { Block } from './document.types.js';

/** Collapse runs of whitespace to one space; tables and headings want single-line cells. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A table as plain text: one line per row, cells joined by ` | `. */
export function tableText(rows: string[][]): string {
  const lines: string[] = [];
  for (const row of rows) {
    const line = row.map(squash).join(' | ').trim();
    if (line.replace(/[|\s]/g, '')) lines.push(line);
  }
  return lines.join('\n');
}

export function tableBlock(rows: string[][], extra: Partial<Block> = {}): Block | undefined {
  const kept = rows.filter((r) => r.some((c) => c.trim()));
  if (kept.length === 0) return undefined;
  return { kind: 'table', text: tableText(kept), rows: kept, ...extra };
}

/** Header names for row rendering: blank headers become `column N` so no value loses its label. */
export function headerNames(rows: string[][]): string[] {
  const width = rows.reduce((w, r) => Math.max(w, r.length), 0);
  const header = rows[0] ?? [];
  const names: string[] = [];
  for (let i = 0; i < width; i++) names.push(squash(header[i] ?? '') || `column ${i + 1}`);
  return names;
}

/**
 * One data row as `header: value; header: value`, empty cells left out. This is how table rows
 * become chunk text: every row names its columns, so a row retrieved alone still makes sense.
 */
export function rowAsFields(header: string[], row: string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < row.length; i++) {
    const value = squash(row[i] ?? '');
    if (value) parts.push(`${header[i] ?? `column ${i + 1}`}: ${value}`);
  }
  return parts.join('; ');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An HTML table with the header row in `<th>` cells (html4excel). */
export function htmlTable(header: string[], rows: string[][], caption?: string): string {
  const parts: string[] = ['<table>'];
  if (caption) parts.push(`<caption>${escapeHtml(caption)}</caption>`);
  parts.push(`<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`);
  for (const row of rows) {
    const cells: string[] = [];
    for (let i = 0; i < header.length; i++) cells.push(`<td>${escapeHtml(squash(row[i] ?? ''))}</td>`);
    parts.push(`<tr>${cells.join('')}</tr>`);
  }
  parts.push('</table>');
  return parts.join('');
}
