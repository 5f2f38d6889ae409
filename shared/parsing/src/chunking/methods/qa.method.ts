import type { Block, ChunkDraft } from '../../document.types.js';
import { squash } from '../../table-text.js';
import { countTokens } from '../../tokenizer.js';
import { sectionsOf } from '../sections.js';

/**
 * `qa` and `tag` read pairs: (question, answer) and (content, tags). Pairs come from two-column
 * tables (CSV, spreadsheets, tables in documents) and from text lines:
 *   `Q: …` / `A: …` (also `Question:`/`Answer:`, `问：`/`答：`, answers may span lines), or
 *   `question<TAB>answer`.
 * For `qa` only, a document with headings and none of the above is read as heading = question,
 * section text = answer (the way FAQ pages are written).
 */
export type Pair = [string, string];

const Q_LABEL = /^(q|question|questions|问题|问|题目)$/i;
const A_LABEL = /^(a|answer|answers|答案|答|回答)$/i;
const CONTENT_LABEL = /^(content|text|内容|文本)$/i;
const TAG_LABEL = /^(tags?|labels?|keywords?|标签|关键词)$/i;

const Q_LINE = /^\s*(?:Q|Question|问题|问)\s*\d*\s*[:：]\s*(.*)$/i;
const A_LINE = /^\s*(?:A|Answer|答案|回答|答)\s*\d*\s*[:：]\s*(.*)$/i;

function tablePairs(block: Block, firstLabel: RegExp, secondLabel: RegExp): Pair[] {
  const rows = (block.rows ?? []).filter((r) => r.filter((c) => c.trim()).length >= 2 || (r[0]?.trim() && r[1]?.trim()));
  // A header row is skipped only when it is labels; otherwise it is the first pair.
  const first = rows[0];
  const skip = first && (firstLabel.test(squash(first[0] ?? '')) || secondLabel.test(squash(first[1] ?? ''))) ? 1 : 0;
  const pairs: Pair[] = [];
  for (const r of rows.slice(skip)) {
    const a = squash(r[0] ?? '');
    const b = (r[1] ?? '').trim();
    if (a && b) pairs.push([a, b]);
  }
  return pairs;
}

class LinePairs {
  readonly pairs: Pair[] = [];
  private q: string[] | undefined;
  private a: string[] | undefined;

  constructor(private readonly markers: boolean) {}

  feed(line: string): void {
    const qm = this.markers ? Q_LINE.exec(line) : null;
    if (qm) {
      this.flush();
      this.q = [qm[1]!];
      return;
    }
    const am = this.markers && this.q ? A_LINE.exec(line) : null;
    if (am) {
      this.a = [am[1]!];
      return;
    }
    if (line.includes('\t')) {
      // A TAB line is a pair of its own, even right after a Q:/A: answer.
      const [first, ...rest] = line.split('\t');
      const second = rest.join(' ').trim();
      if (first?.trim() && second) {
        this.flush();
        this.pairs.push([squash(first), second]);
        return;
      }
    }
    if (this.a) this.a.push(line);
    else if (this.q) this.q.push(line);
  }

  flush(): void {
    const q = this.q ? squash(this.q.join(' ')) : '';
    const a = this.a ? this.a.join('\n').trim() : '';
    if (q && a) this.pairs.push([q, a]);
    this.q = undefined;
    this.a = undefined;
  }
}

export function pairsOf(blocks: Block[], kind: 'qa' | 'tag'): Pair[] {
  const [l1, l2] = kind === 'qa' ? [Q_LABEL, A_LABEL] : [CONTENT_LABEL, TAG_LABEL];
  const pairs: Pair[] = [];
  const lines = new LinePairs(kind === 'qa');
  for (const b of blocks) {
    if (b.kind === 'table' && b.rows) {
      lines.flush();
      pairs.push(...lines.pairs.splice(0), ...tablePairs(b, l1, l2));
      continue;
    }
    for (const line of b.text.split('\n')) lines.feed(line);
    if (b.kind === 'heading' || b.kind === 'email_header') lines.flush();
  }
  lines.flush();
  pairs.push(...lines.pairs);
  if (pairs.length || kind !== 'qa') return pairs;
  for (const sec of sectionsOf(blocks)) {
    const answer = sec.blocks.map((b) => b.text).join('\n').trim();
    if (sec.heading && answer) pairs.push([sec.heading.text, answer]);
  }
  return pairs;
}

/** Chunk text `Question: <q>\tAnswer: <a>`: one TAB between the parts, as the chunk-update rule for qa expects. */
export function qaChunks(blocks: Block[]): ChunkDraft[] {
  return pairsOf(blocks, 'qa').map(([q, a]) => {
    const content = `Question: ${q}\tAnswer: ${a}`;
    return { content, tokens: countTokens(content), questions: [q] };
  });
}

/** Tags are separated by commas, semicolons (ASCII or CJK), `、` or `|`. */
export function tagChunks(blocks: Block[]): ChunkDraft[] {
  return pairsOf(blocks, 'tag').map(([content, tags]) => {
    const keywords = [...new Set(tags.split(/[,;，；、|\n]/).map((t) => t.trim()).filter(Boolean))];
    return { content, tokens: countTokens(content), important_keywords: keywords };
  });
}
