import ExcelJS from 'exceljs';
import type JSZip from 'jszip';
import type { Block, ExtractedDocument } from '../document.types.js';
import { squash, tableBlock } from '../table-text.js';
import { chartXmlTable, embeddedChartTable, type ChartTable } from './office-chart.js';
import { attr, coreTitle, findAll, parseXml, readPart, relAttr, relationships } from './ooxml.js';
import { appendAll } from '../append-all.js';

type CellValue = ExcelJS.CellValue;

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
}

function formatDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}

/** What a reader sees in the cell: formula results rather than formulas, link text rather than URLs. */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return formatDate(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value) return cellText(value.text as CellValue);
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result as CellValue);
  if ('error' in value) return value.error;
  return '';
}

function sheetGrid(ws: ExcelJS.Worksheet): string[][] {
  const grid: string[][] = [];
  let minCol = Infinity;
  let maxCol = 0;
  ws.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      const text = cellText(cell.value).trim();
      if (!text) return;
      cells[col] = text;
      minCol = Math.min(minCol, col);
      maxCol = Math.max(maxCol, col);
    });
    if (cells.length) grid.push(cells);
  });
  if (grid.length === 0) return [];
  // Sheets often start at column B or C; leading empty columns would only add empty headers.
  return grid.map((cells) => Array.from({ length: maxCol - minCol + 1 }, (_, i) => cells[minCol + i] ?? ''));
}

function filled(row: string[]): number {
  return row.reduce((n, c) => n + (c ? 1 : 0), 0);
}

/** Columns used only by the title rows above a table are empty inside it. */
function dropEmptyColumns(rows: string[][]): string[][] {
  const width = rows.reduce((w, r) => Math.max(w, r.length), 0);
  const keep: number[] = [];
  for (let c = 0; c < width; c++) if (rows.some((r) => r[c])) keep.push(c);
  return keep.length === width ? rows : rows.map((r) => keep.map((c) => r[c] ?? ''));
}

/**
 * A sheet → its blocks. Lone cells above or below a wider table (a title, a "source:" note) are
 * paragraphs, not the table's header or data; the first wider row is the header.
 */
export function sheetBlocks(name: string, grid: string[][]): Block[] {
  const width = grid.reduce((w, r) => Math.max(w, filled(r)), 0);
  let start = 0;
  let end = grid.length;
  if (width >= 2) {
    while (start < end && filled(grid[start]!) <= 1) start++;
    while (end > start && filled(grid[end - 1]!) <= 1) end--;
  }
  const note = (r: string[]): Block => ({ kind: 'paragraph', text: r.filter(Boolean).join(' '), sheet: name });
  const blocks: Block[] = grid.slice(0, start).map(note);
  const table = tableBlock(dropEmptyColumns(grid.slice(start, end)), { header: true, sheet: name });
  if (table) blocks.push(table);
  appendAll(blocks, grid.slice(end).map(note));
  return blocks;
}

/** Charts and embedded chart objects per sheet, found through the sheet's relationships. */
async function sheetCharts(zip: JSZip): Promise<Map<string, ChartTable[]>> {
  const out = new Map<string, ChartTable[]>();
  const workbookXml = await readPart(zip, 'xl/workbook.xml');
  if (!workbookXml) return out;
  const wbRels = await relationships(zip, 'xl/workbook.xml');
  for (const sheet of findAll(parseXml(workbookXml), 'sheet')) {
    const name = attr(sheet, 'name');
    const part = wbRels.get(relAttr(sheet, 'id') ?? '');
    if (!name || !part) continue;
    const charts: ChartTable[] = [];
    for (const target of (await relationships(zip, part)).values()) {
      if (target.endsWith('.bin')) {
        const bin = await zip.file(target)?.async('uint8array');
        const table = bin ? embeddedChartTable(bin) : undefined;
        if (table) charts.push(table);
      } else if (/drawings\/drawing\d*\.xml$/.test(target)) {
        for (const chartPart of (await relationships(zip, target)).values()) {
          if (!/charts\/chart\d*\.xml$/.test(chartPart)) continue;
          const xml = await readPart(zip, chartPart);
          const table = xml ? chartXmlTable(xml) : undefined;
          if (table) charts.push(table);
        }
      }
    }
    if (charts.length) out.set(name, charts);
  }
  return out;
}

function chartBlocks(sheet: string, charts: ChartTable[]): Block[] {
  const blocks: Block[] = [];
  for (const chart of charts) {
    if (chart.title) blocks.push({ kind: 'paragraph', text: chart.title, sheet });
    const table = tableBlock(chart.rows, { header: true, sheet });
    if (table) blocks.push(table);
  }
  return blocks;
}

export async function extractXlsx(data: Buffer, zip: JSZip): Promise<ExtractedDocument> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
  const charts = await sheetCharts(zip);
  const blocks: Block[] = [];
  for (const ws of workbook.worksheets) {
    if (ws.state === 'veryHidden') continue;
    appendAll(blocks, sheetBlocks(ws.name, sheetGrid(ws)));
    appendAll(blocks, chartBlocks(ws.name, charts.get(ws.name) ?? []));
  }
  const title = await coreTitle(zip);
  return { type: 'xlsx', ...(title ? { title: squash(title) } : {}), blocks };
}
