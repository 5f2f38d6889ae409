import type JSZip from 'jszip';
import type { Block, ExtractedDocument } from '../document.types.js';
import { ParseError } from '../parse-error.js';
import { tableText } from '../table-text.js';
import { chartXmlTable, embeddedChartTable, type ChartTable } from './office-chart.js';
import { attr, child, coreTitle, findAll, kids, localName, parseXml, readPart, relAttr, relationships, textOf, type XNode } from './ooxml.js';

interface Shape {
  title: boolean;
  frame: boolean;
  x: number;
  y: number;
  order: number;
  lines: string[];
}

const TITLE_TYPES = new Set(['title', 'ctrTitle']);
/** Placeholders without their own position sit where the layout puts them: title, subtitle, body. */
const LAYOUT_Y: Record<string, number> = { title: 0, ctrTitle: 0, subTitle: 1, body: 2, obj: 2 };

function paragraphs(txBody: XNode | undefined): string[] {
  if (!txBody) return [];
  const lines: string[] = [];
  for (const p of findAll(kids(txBody), 'p')) {
    let text = '';
    for (const part of kids(p)) {
      const name = localName(part);
      if (name === 'r' || name === 'fld') text += findAll(kids(part), 't').map(textOf).join('');
      else if (name === 'br') text += '\n';
    }
    for (const line of text.split('\n')) {
      const clean = line.replace(/\s+/g, ' ').trim();
      if (clean) lines.push(clean);
    }
  }
  return lines;
}

function offsetOf(node: XNode): { x: number; y: number } | undefined {
  const xfrm = findAll(kids(node), 'xfrm')[0];
  const off = xfrm ? child(xfrm, 'off') : undefined;
  if (!off) return undefined;
  return { x: Number(attr(off, 'x') ?? 0), y: Number(attr(off, 'y') ?? 0) };
}

function placeholderType(node: XNode): string | undefined {
  const ph = findAll(kids(node), 'ph')[0];
  return ph ? (attr(ph, 'type') ?? 'obj') : undefined;
}

function chartLines(chart: ChartTable | undefined): string[] {
  if (!chart) return [];
  return [...(chart.title ? [chart.title] : []), ...(chart.rows.length ? tableText(chart.rows).split('\n') : [])];
}

async function frameLines(frame: XNode, zip: JSZip, rels: Map<string, string>): Promise<string[]> {
  const table = findAll(kids(frame), 'tbl')[0];
  if (table) {
    const rows = findAll(kids(table), 'tr').map((tr) => findAll(kids(tr), 'tc').map((tc) => paragraphs(child(tc, 'txBody')).join(' ')));
    return tableText(rows).split('\n').filter(Boolean);
  }
  const chartRef = findAll(kids(frame), 'chart')[0];
  const chartPart = chartRef ? rels.get(relAttr(chartRef, 'id') ?? '') : undefined;
  if (chartPart) {
    const xml = await readPart(zip, chartPart);
    return chartLines(xml ? chartXmlTable(xml) : undefined);
  }
  const ole = findAll(kids(frame), 'oleObj')[0];
  const binPart = ole ? rels.get(relAttr(ole, 'id') ?? '') : undefined;
  if (binPart) {
    const bin = await zip.file(binPart)?.async('uint8array');
    return chartLines(bin ? embeddedChartTable(bin) : undefined);
  }
  return [];
}

async function collectShapes(nodes: XNode[], zip: JSZip, rels: Map<string, string>, out: Shape[], groupPos?: { x: number; y: number }): Promise<void> {
  for (const node of nodes) {
    const name = localName(node);
    if (name === 'grpSp') {
      await collectShapes(kids(node), zip, rels, out, groupPos ?? offsetOf(child(node, 'grpSpPr') ?? node));
      continue;
    }
    if (name !== 'sp' && name !== 'graphicFrame') continue;
    const ph = placeholderType(node);
    // Slide numbers, dates and footers repeat on every slide and say nothing about it.
    if (ph === 'sldNum' || ph === 'dt' || ph === 'ftr') continue;
    const lines = name === 'sp' ? paragraphs(child(node, 'txBody')) : await frameLines(node, zip, rels);
    if (lines.length === 0) continue;
    const pos = groupPos ?? offsetOf(node) ?? { x: 0, y: LAYOUT_Y[ph ?? ''] ?? 3 };
    out.push({ title: TITLE_TYPES.has(ph ?? ''), frame: name === 'graphicFrame', x: pos.x, y: pos.y, order: out.length, lines });
  }
}

/**
 * Reading order: title placeholders, then text shapes, then tables and charts (so a slide without
 * a title placeholder still opens with words, not numbers); each group top-to-bottom, left-to-right.
 */
function readingOrder(a: Shape, b: Shape): number {
  if (a.title !== b.title) return a.title ? -1 : 1;
  if (a.frame !== b.frame) return a.frame ? 1 : -1;
  return a.y - b.y || a.x - b.x || a.order - b.order;
}

async function notesLines(zip: JSZip, rels: Map<string, string>): Promise<string[]> {
  const notesPart = [...rels.values()].find((p) => /notesSlides\/notesSlide\d*\.xml$/.test(p));
  const xml = notesPart ? await readPart(zip, notesPart) : undefined;
  if (!xml) return [];
  const lines: string[] = [];
  for (const sp of findAll(parseXml(xml), 'sp')) if (placeholderType(sp) === 'body') lines.push(...paragraphs(child(sp, 'txBody')));
  return lines;
}

async function slideParts(zip: JSZip): Promise<string[]> {
  const xml = await readPart(zip, 'ppt/presentation.xml');
  if (!xml) throw new ParseError('OFFICE_PART_MISSING', { kind: 'PPTX', part: 'ppt/presentation.xml' });
  const rels = await relationships(zip, 'ppt/presentation.xml');
  const parts: string[] = [];
  for (const id of findAll(parseXml(xml), 'sldId')) {
    const part = rels.get(relAttr(id, 'id') ?? '');
    if (part && zip.file(part)) parts.push(part);
  }
  return parts;
}

export async function extractPptx(zip: JSZip, signal?: AbortSignal): Promise<ExtractedDocument> {
  const parts = await slideParts(zip);
  const blocks: Block[] = [];
  for (let i = 0; i < parts.length; i++) {
    signal?.throwIfAborted();
    const part = parts[i]!;
    const rels = await relationships(zip, part);
    const tree = findAll(parseXml((await readPart(zip, part)) ?? ''), 'spTree')[0];
    const shapes: Shape[] = [];
    if (tree) await collectShapes(kids(tree), zip, rels, shapes);
    shapes.sort(readingOrder);
    const lines = shapes.flatMap((s) => s.lines);
    const notes = await notesLines(zip, rels);
    if (notes.length) lines.push(`Notes: ${notes.join('\n')}`);
    if (lines.length) blocks.push({ kind: 'slide', text: lines.join('\n'), page: i + 1 });
  }
  const title = (await coreTitle(zip)) ?? blocks[0]?.text.split('\n')[0];
  return { type: 'pptx', ...(title ? { title } : {}), blocks, pages: parts.length };
}
