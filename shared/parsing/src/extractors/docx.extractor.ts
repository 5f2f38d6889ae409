import * as cheerio from 'cheerio';
import type JSZip from 'jszip';
import mammoth from 'mammoth';
import type { ExtractedDocument } from '../document.types.js';
import { ParseError } from '../parse-error.js';
import { squash } from '../table-text.js';
import { domToBlocks, type DomNode } from './html-blocks.js';
import { coreTitle } from './ooxml.js';

/**
 * Word's Title style is the document title; mammoth only maps Heading 1-6 by default. Images are
 * replaced by nothing: base64-encoding every picture would cost seconds on large manuals and the
 * chunks cannot use them.
 */
const OPTIONS = {
  styleMap: ["p[style-name='Title'] => h1.doc-title:fresh"],
  convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
};

export async function extractDocx(data: Buffer, zip: JSZip): Promise<ExtractedDocument> {
  if (!zip.file('word/document.xml')) throw new ParseError('OFFICE_PART_MISSING', { kind: 'DOCX', part: 'word/document.xml' });
  const { value: html } = await mammoth.convertToHtml({ buffer: data }, OPTIONS);
  // mammoth writes well-formed HTML, so the fast htmlparser2 mode is safe (about 5x faster than parse5 here).
  const $ = cheerio.load(html, { xml: { xmlMode: false, decodeEntities: true } });
  const styledTitle = squash($('h1.doc-title').first().text());
  const blocks = domToBlocks($.root()[0] as unknown as DomNode);
  const title = (await coreTitle(zip)) ?? (styledTitle || blocks.find((b) => b.kind === 'heading')?.text);
  return { type: 'docx', ...(title ? { title } : {}), blocks };
}
