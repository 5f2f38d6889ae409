import type { Block, ChunkDraft } from '../../document.types.js';
import { countTokens } from '../../tokenizer.js';
import { makePiece, mergePieces, draftOf } from '../merge.js';
import { sectionsOf, type Section } from '../sections.js';
import type { ChunkSettings } from '../settings.js';
import { piecesOf } from './naive.method.js';

/**
 * The heading-driven methods. They share one rule: a chunk never spans two sections. They differ
 * in where sections are cut and how a chunk says which section it is from.
 */

function sectionChunks(section: Section, s: ChunkSettings, title: string | undefined, withHeading: boolean): ChunkDraft[] {
  const pieces = piecesOf(section.blocks, s);
  if (withHeading && section.heading) {
    const h = section.heading;
    pieces.unshift(makePiece(h.text, '\n', { heading: true, ...(h.positions ? { positions: h.positions } : {}) }));
  }
  return mergePieces(pieces, { limit: s.limit, overlap: s.overlap }).map((c) => (title ? { ...c, title } : c));
}

/** `book`: sections at the top two heading levels (chapters and their sections); headings stay in the text. */
export function bookChunks(blocks: Block[], s: ChunkSettings): ChunkDraft[] {
  return sectionsOf(blocks, 2).flatMap((sec) => sectionChunks(sec, s, sec.path.join(' > ') || undefined, true));
}

const ABSTRACT_HEADING = /^\W*(abstract|summary|摘要)\W*$/i;
const INLINE_ABSTRACT = /^\s*(abstract|摘要)\s*[.:：—–-]\s*\S/i;

function wholeChunk(blocks: Block[], title: string | undefined): ChunkDraft[] {
  const draft = draftOf(blocks.map((b) => makePiece(b.text, '\n', b.positions ? { positions: b.positions } : {})), title ? { title } : {});
  return draft ? [draft] : [];
}

/**
 * `paper`: sections at every heading, each section's chunks opening with its heading. The
 * abstract is one chunk whatever its size: it is the summary a reader asks about most.
 */
export function paperChunks(blocks: Block[], s: ChunkSettings): ChunkDraft[] {
  const out: ChunkDraft[] = [];
  for (const sec of sectionsOf(blocks)) {
    const title = sec.heading?.text;
    if (sec.heading && ABSTRACT_HEADING.test(sec.heading.text)) {
      out.push(...wholeChunk([sec.heading, ...sec.blocks], title));
      continue;
    }
    // An abstract set inline ("Abstract—We present …") is one paragraph: kept whole as well.
    const inline = sec.blocks.findIndex((b) => b.kind === 'paragraph' && INLINE_ABSTRACT.test(b.text));
    if (inline >= 0) {
      out.push(...sectionChunks({ ...sec, blocks: sec.blocks.slice(0, inline) }, s, title, true));
      out.push(...wholeChunk([sec.blocks[inline]!], 'Abstract'));
      out.push(...sectionChunks({ path: sec.path, blocks: sec.blocks.slice(inline + 1) }, s, title, false));
      continue;
    }
    out.push(...sectionChunks(sec, s, title, true));
  }
  return out;
}

function isAncestor(parent: Section, child: Section | undefined): boolean {
  return !!child && child.path.length > parent.path.length && parent.path.every((p, i) => child.path[i] === p);
}

/**
 * `manual`: sections at every heading; each chunk starts with the heading path
 * (`Chapter > Section > Subsection`) so it stands on its own in retrieval.
 */
export function manualChunks(blocks: Block[], s: ChunkSettings): ChunkDraft[] {
  const out: ChunkDraft[] = [];
  const sections = sectionsOf(blocks);
  sections.forEach((sec, i) => {
    const prefix = sec.path.join(' > ');
    if (sec.blocks.length === 0) {
      // A heading with no text of its own is carried by its subsections' prefixes; a leaf keeps it.
      if (prefix && !isAncestor(sec, sections[i + 1])) out.push({ content: prefix, tokens: countTokens(prefix), title: prefix });
      return;
    }
    const budget = prefix ? Math.max(s.limit - countTokens(prefix) - 1, Math.ceil(s.limit / 2)) : s.limit;
    for (const c of sectionChunks(sec, { ...s, limit: budget }, undefined, false)) {
      const content = prefix ? `${prefix}\n${c.content}` : c.content;
      out.push({ ...c, content, tokens: countTokens(content), ...(prefix ? { title: prefix } : {}) });
    }
  });
  return out;
}
