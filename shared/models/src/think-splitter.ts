/**
 * Splits a model's content stream into answer text and thinking text. Reasoning models write their
 * thinking inline as `<think>…</think>`; the tags may arrive cut anywhere across chunks, so a tail
 * that could be the start of a tag is held back until the next chunk decides it.
 */
export interface SplitPiece {
  content?: string;
  reasoning?: string;
}

const OPEN = '<think>';
const CLOSE = '</think>';

export class ThinkSplitter {
  #inThink = false;
  #pending = '';
  /** The blank lines models put after `</think>` are not part of the answer. */
  #afterThink = false;

  /** Feeds one chunk; returns what can be emitted now, in order. */
  push(chunk: string): SplitPiece[] {
    const out: SplitPiece[] = [];
    let text = this.#pending + chunk;
    this.#pending = '';
    for (;;) {
      const tag = this.#inThink ? CLOSE : OPEN;
      const at = text.indexOf(tag);
      if (at >= 0) {
        this.#emit(out, text.slice(0, at));
        this.#afterThink = this.#inThink;
        this.#inThink = !this.#inThink;
        text = text.slice(at + tag.length);
        continue;
      }
      const keep = partialTagSuffix(text, tag);
      this.#emit(out, text.slice(0, text.length - keep));
      this.#pending = text.slice(text.length - keep);
      return out;
    }
  }

  /** Ends the stream: a held-back fragment that never became a tag is plain text after all. */
  flush(): SplitPiece[] {
    const out: SplitPiece[] = [];
    this.#emit(out, this.#pending);
    this.#pending = '';
    return out;
  }

  #emit(out: SplitPiece[], text: string): void {
    if (!this.#inThink && this.#afterThink) {
      text = text.trimStart();
      if (text) this.#afterThink = false;
    }
    if (!text) return;
    const last = out[out.length - 1];
    const key = this.#inThink ? 'reasoning' : 'content';
    if (last && last[key] !== undefined && Object.keys(last).length === 1) last[key] += text;
    else out.push({ [key]: text });
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialTagSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}

/** Splits a whole answer at once (non-streamed completions). */
export function splitThinking(text: string): { content: string; reasoning: string } {
  const splitter = new ThinkSplitter();
  let content = '';
  let reasoning = '';
  for (const piece of [...splitter.push(text), ...splitter.flush()]) {
    content += piece.content ?? '';
    reasoning += piece.reasoning ?? '';
  }
  return { content, reasoning };
}
