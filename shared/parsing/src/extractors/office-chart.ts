import { msGraphDataSheet } from '../ole/msgraph-chart.js';
import { attr, child, findAll, kids, parseXml, textOf, type XNode } from './ooxml.js';

/**
 * Charts carry real data (series names, categories, values) that is often the only text of a
 * slide or a sheet. DrawingML charts keep a cache of it in the chart part; legacy MS Graph charts
 * keep it in an embedded OLE object. Both become a small table: header = categories, one row per series.
 */
export interface ChartTable {
  title?: string;
  rows: string[][];
}

function points(node: XNode | undefined): string[] {
  if (!node) return [];
  const out: string[] = [];
  for (const pt of findAll([node], 'pt')) {
    const idx = Number(attr(pt, 'idx') ?? out.length);
    const v = child(pt, 'v');
    if (Number.isInteger(idx) && idx >= 0 && idx < 10_000) out[idx] = v ? textOf(v).trim() : '';
  }
  return Array.from(out, (v) => v ?? '');
}

export function chartXmlTable(xml: string): ChartTable | undefined {
  const root = parseXml(xml);
  const chart = findAll(root, 'chart')[0];
  if (!chart) return undefined;
  const titleNode = child(chart, 'title');
  const title = titleNode ? findAll([titleNode], 't').map(textOf).join('').trim() : '';
  let categories: string[] = [];
  const rows: string[][] = [];
  for (const ser of findAll(kids(chart), 'ser')) {
    const tx = child(ser, 'tx');
    const name = tx ? (findAll([tx], 'v')[0] ? textOf(findAll([tx], 'v')[0]!) : textOf(tx)).trim() : '';
    const cats = points(child(ser, 'cat') ?? child(ser, 'xVal'));
    const vals = points(child(ser, 'val') ?? child(ser, 'yVal'));
    if (cats.length > categories.length) categories = cats;
    if (name || vals.some(Boolean)) rows.push([name || `series ${rows.length + 1}`, ...vals]);
  }
  if (rows.length === 0) return title ? { title, rows: [] } : undefined;
  const width = Math.max(categories.length, ...rows.map((r) => r.length - 1));
  const header = [''];
  for (let i = 0; i < width; i++) header.push(categories[i] ?? `value ${i + 1}`);
  return { ...(title ? { title } : {}), rows: [header, ...rows] };
}

/** An embedded OLE object that is an MS Graph chart; other objects (and broken ones) yield nothing. */
export function embeddedChartTable(bin: Uint8Array): ChartTable | undefined {
  try {
    const rows = msGraphDataSheet(bin);
    return rows && rows.length ? { rows } : undefined;
  } catch {
    // An unreadable embedded object must not fail the document that contains it.
    return undefined;
  }
}
