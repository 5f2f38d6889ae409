import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { ExtractOptions, ExtractedDocument } from '../document.types.js';
import { ParseError, errorDetail } from '../parse-error.js';
import { buildLines, buildParagraphs, classifyBlocks, dropRunningLines, type PageLayout, type PdfBlockDraft, type TextRun } from './pdf-layout.js';

type PdfDocument = Awaited<ReturnType<typeof getDocument>['promise']>;

interface RawItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

function isTextItem(item: unknown): item is RawItem {
  return typeof item === 'object' && item !== null && 'str' in item && 'transform' in item;
}

/** Pages to read: all of them, or the union of the 1-based inclusive ranges given. */
function selectedPages(total: number, ranges: number[][] | null | undefined): number[] {
  if (!ranges || ranges.length === 0) return Array.from({ length: total }, (_, i) => i + 1);
  const set = new Set<number>();
  for (const r of ranges) {
    const from = Math.max(1, Math.floor(r[0] ?? 1));
    const to = Math.min(total, Math.floor(r[1] ?? r[0] ?? total));
    for (let p = from; p <= to; p++) set.add(p);
  }
  return [...set].sort((a, b) => a - b);
}

async function openPdf(data: Uint8Array): Promise<PdfDocument> {
  const task = getDocument({
    // pdf.js may take ownership of the buffer it is given; the caller's bytes stay untouched.
    data: new Uint8Array(data),
    verbosity: 0,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    isOffscreenCanvasSupported: false,
    stopAtErrors: false,
  });
  try {
    return await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    const name = (err as { name?: string } | null)?.name;
    if (name === 'PasswordException') throw new ParseError('PDF_ENCRYPTED', {}, { cause: err });
    throw new ParseError('PDF_CORRUPT', { detail: errorDetail(err) }, { cause: err });
  }
}

async function pageLayout(doc: PdfDocument, n: number): Promise<PageLayout> {
  const page = await doc.getPage(n);
  try {
    const [vx0, vy0, , vy1] = page.view as [number, number, number, number];
    const content = await page.getTextContent();
    const runs: TextRun[] = [];
    for (const item of content.items) {
      if (!isTextItem(item)) continue;
      const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = item.transform;
      const size = Math.hypot(c, d) || item.height || Math.hypot(a, b) || 1;
      runs.push({ str: item.str, x0: e - vx0, x1: e - vx0 + item.width, y: f - vy0, size, eol: item.hasEOL, upright: Math.abs(b) < 1e-3 && a > 0 });
    }
    return { page: n, height: vy1 - vy0, lines: buildLines(runs) };
  } finally {
    page.cleanup();
  }
}

/** Metadata titles are often tool output ("Microsoft Word - draft3.doc"); those are ignored. */
function usableTitle(title: unknown): string | undefined {
  if (typeof title !== 'string') return undefined;
  const t = title.replace(/\s+/g, ' ').trim();
  if (t.length < 3 || /^(untitled|microsoft\s+\w+\s*-|document\d*$)|\.(docx?|pdf|tex|dvi|indd|qxd)$/i.test(t)) return undefined;
  return t;
}

function pageList(pages: number[]): string {
  const list = pages.length > 10 ? `${pages.slice(0, 10).join(', ')} and ${pages.length - 10} more` : pages.join(', ');
  return pages.length === 1 ? `Page ${list}` : `Pages ${list}`;
}

export async function extractPdf(data: Uint8Array, opts: ExtractOptions = {}): Promise<ExtractedDocument> {
  const doc = await openPdf(data);
  try {
    const layouts: PageLayout[] = [];
    const failed: number[] = [];
    let lastError: unknown;
    for (const n of selectedPages(doc.numPages, opts.pages)) {
      opts.signal?.throwIfAborted();
      try {
        layouts.push(await pageLayout(doc, n));
      } catch (err) {
        failed.push(n);
        lastError = err;
      }
    }
    if (layouts.length === 0 && failed.length > 0) throw new ParseError('PDF_CORRUPT', { detail: errorDetail(lastError) }, { cause: lastError });
    if (layouts.length > 0 && layouts.every((l) => l.lines.length === 0)) throw new ParseError('PDF_NO_TEXT');
    dropRunningLines(layouts);
    // Counted after running headers are gone: a scanned page inside a text PDF still has those.
    const blank = layouts.filter((l) => l.lines.length === 0).map((l) => l.page);
    const drafts: PdfBlockDraft[] = layouts.flatMap(buildParagraphs);
    const blocks = classifyBlocks(drafts);
    const warnings: string[] = [];
    if (failed.length) warnings.push(`${pageList(failed)}: could not be read, skipped`);
    if (blank.length) warnings.push(`${pageList(blank)}: no text layer (scanned images need OCR), skipped`);

    const info = (await doc.getMetadata().catch(() => undefined))?.info as { Title?: unknown } | undefined;
    const firstPageTitle = blocks.find((b) => b.kind === 'heading' && b.page === blocks[0]?.page && b.level === 1)?.text;
    const title = usableTitle(info?.Title) ?? firstPageTitle;
    return { type: 'pdf', ...(title ? { title } : {}), blocks, pages: doc.numPages, ...(warnings.length ? { warnings } : {}) };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}
