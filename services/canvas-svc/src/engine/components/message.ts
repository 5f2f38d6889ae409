/**
 * Message: emits text to the user (AGENTS.md §6.1). Its text is produced during post-processing
 * (§3.4) so that a deferred LLM stream reaches the client delta by delta (§3.9).
 */
import { DeferredStream, list, type MessageSpec, type RunContext } from '../component.js';
import { isJinja, render, splitStreamed } from '../refs.js';
import type { MessageData } from '../types.js';

const AUDIO_BUFFER = 16;

export const Message: MessageSpec = {
  type: 'Message',
  defaults: () => ({ content: [], stream: true, output_format: null, auto_play: false }),
  check(params) {
    const content = params.content;
    if (typeof content === 'string') return content ? [] : ['content is required'];
    if (!Array.isArray(content) || !content.length) return ['content is required'];
    if (content.some((c) => typeof c !== 'string')) return ['content must be a list of strings'];
    return [];
  },
  textFields: (params) => (typeof params.content === 'string' ? [params.content] : list(params.content).map(String)),
  outputNames: () => ['content', 'attachment'],
  async run() {
    // The text is rendered in post-processing (message()).
  },
  async *message(ctx) {
    const text = pickContent(ctx.node.params.content);
    let full = '';
    let buffer = '';
    for await (const piece of pieces(ctx, text)) {
      if (!piece.content && !piece.start_to_think && !piece.end_to_think) continue;
      full += piece.content;
      buffer += piece.content;
      if (buffer.length > AUDIO_BUFFER) {
        buffer = '';
        yield { ...piece, audio_binary: null };
      } else {
        yield piece;
      }
    }
    if (buffer) yield { content: '', audio_binary: null };
    ctx.node.outputs.content = full;
  },
};

function pickContent(content: unknown): string {
  if (typeof content === 'string') return content;
  const texts = list(content).map(String);
  return texts[Math.floor(Math.random() * texts.length)] ?? '';
}

async function* pieces(ctx: RunContext, text: string): AsyncIterable<MessageData> {
  if (ctx.node.params.stream === false || isJinja(text)) {
    // Non-streamed and Jinja text: exact `{target}` replaced, every falsy value renders as "".
    yield { content: await ctx.renderText(text, (v) => render.merged(v)) };
    return;
  }
  for (const part of splitStreamed(text)) {
    if (part.literal !== undefined) {
      yield { content: part.literal };
      continue;
    }
    const value = ctx.resolve(part.target!);
    if (value instanceof DeferredStream) {
      for await (const delta of value) yield* thinkMarkers(delta);
      const producer = ctx.node$(value.producerId);
      if (producer) producer.outputs.content = value.text;
      ctx.node.inputs[part.target!] = value.text;
    } else {
      ctx.node.inputs[part.target!] = value;
      yield { content: render.streamed(value) };
    }
  }
}

/** `<think>`/`</think>` become their own events with empty content (§3.9). */
function* thinkMarkers(delta: string): Iterable<MessageData> {
  for (const part of delta.split(/(<think>|<\/think>)/)) {
    if (part === '<think>') yield { content: '', start_to_think: true };
    else if (part === '</think>') yield { content: '', end_to_think: true };
    else if (part) yield { content: part };
  }
}
