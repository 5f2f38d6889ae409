import { Readability, isProbablyReaderable } from '@mozilla/readability';
import * as cheerio from 'cheerio';
import { parseHTML } from 'linkedom';
import type { Block, ExtractedDocument } from '../document.types.js';
import { decodeText, sniffHtmlCharset } from '../detect/text-decode.js';
import { squash } from '../table-text.js';
import { domToBlocks, type DomNode } from './html-blocks.js';

/** Readability walks the whole DOM several times; past this size the body is read directly. */
const READABILITY_MAX_CHARS = 3_000_000;
/** An "article" smaller than this share of the page text is a teaser, not the page. */
const MIN_ARTICLE_SHARE = 0.3;

function rootOf($: cheerio.CheerioAPI, selector?: string): DomNode {
  const found = selector ? $(selector).first() : $.root();
  return (found.length ? found[0] : $.root()[0]) as unknown as DomNode;
}

/**
 * Reads an article with readability (so menus, sidebars and footers stay out of the chunks);
 * pages that are not articles (indexes, tables, forms) are read whole, minus nav/header/footer.
 */
export function htmlToBlocks(html: string): { title?: string; blocks: Block[] } {
  const $ = cheerio.load(html);
  const h1Texts = new Set($('h1').toArray().map((el) => squash($(el).text())).filter(Boolean));
  const firstH1 = h1Texts.values().next().value as string | undefined;
  const title = squash($('title').first().text()) || firstH1;
  const bodyChars = squash($('body').text()).length;

  const article = html.length <= READABILITY_MAX_CHARS ? readArticle(html) : undefined;
  if (article && article.textLength >= MIN_ARTICLE_SHARE * bodyChars) {
    const blocks = domToBlocks(rootOf(cheerio.load(article.content), 'body'), { h1Texts });
    // Readability drops a heading that repeats the page title; the page still has that heading.
    if (firstH1 && !blocks.some((b) => b.kind === 'heading' && b.text === firstH1)) blocks.unshift({ kind: 'heading', text: firstH1, level: 1 });
    return { title, blocks };
  }
  return { title, blocks: domToBlocks(rootOf($, 'body'), { dropChrome: true }) };
}

function readArticle(html: string): { content: string; textLength: number } | undefined {
  try {
    const { document } = parseHTML(html);
    // linkedom's document stands in for the browser DOM type readability is declared against.
    const dom = document as unknown as ConstructorParameters<typeof Readability>[0];
    if (!isProbablyReaderable(dom)) return undefined;
    const parsed = new Readability(dom).parse();
    if (!parsed?.content) return undefined;
    return { content: parsed.content, textLength: squash(parsed.textContent ?? '').length };
  } catch {
    // Readability is a heuristic: when it trips over odd markup, reading the body is the fallback.
    return undefined;
  }
}

export function extractHtml(data: Uint8Array): ExtractedDocument {
  const { title, blocks } = htmlToBlocks(decodeText(data, sniffHtmlCharset(data)));
  return { type: 'html', ...(title ? { title } : {}), blocks };
}
