import type { Block } from '../document.types.js';

/**
 * A document cut at its headings. `path` is the chain of headings above the section's content,
 * outermost first; `heading` is the block that opened it (undefined for text before any heading).
 */
export interface Section {
  path: string[];
  heading?: Block;
  blocks: Block[];
}

/**
 * Sections at headings whose level is at most `maxLevel` levels below the document's top level
 * (Infinity = every heading). Deeper headings stay inside their section as ordinary blocks.
 */
export function sectionsOf(blocks: Block[], maxDepth = Infinity): Section[] {
  const levels = blocks.filter((b) => b.kind === 'heading').map((b) => b.level ?? 1);
  const top = levels.length ? Math.min(...levels) : 1;
  const cutoff = top + maxDepth - 1;
  const sections: Section[] = [];
  const stack: { level: number; text: string }[] = [];
  let cur: Section = { path: [], blocks: [] };
  for (const block of blocks) {
    const level = block.level ?? 1;
    if (block.kind !== 'heading' || level > cutoff) {
      cur.blocks.push(block);
      continue;
    }
    if (cur.heading || cur.blocks.length) sections.push(cur);
    while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
    stack.push({ level, text: block.text });
    cur = { path: stack.map((s) => s.text), heading: block, blocks: [] };
  }
  if (cur.heading || cur.blocks.length) sections.push(cur);
  return sections;
}
