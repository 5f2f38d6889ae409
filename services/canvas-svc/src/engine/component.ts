/**
 * What a component is to the engine: its defaults, its parameter check, the fields that carry
 * references (for validation and the join rule), and its body.
 */
import type { CanvasNode, ChatModelPort, EnginePorts, MessageData, Params, RetrievalPort } from './types.js';
import { NodeError } from './errors.js';

export interface RunContext {
  node: CanvasNode;
  ports: EnginePorts;
  signal: AbortSignal;
  /** The request's `inputs` (Begin and a resumed UserFillUp read them). */
  requestInputs: Record<string, unknown>;
  /** A reference field's value (§2.1). */
  resolve(ref: string): unknown;
  /** Replaces each `{target}` of a text through one of the rendering rules (streams drained first). */
  renderText(text: string, rule: (value: unknown) => string): Promise<string>;
  /** Prior turns for LLM-type nodes, the newest last. */
  history(window: number): { role: 'user' | 'assistant'; content: string }[];
  globals: Record<string, unknown>;
  node$(id: string): CanvasNode | undefined;
  /** Adds chunks to the run's citation store (§3.10). */
  addReference(chunks: Record<string, unknown>[]): void;
  /** True when the citation store already holds chunks. */
  hasReferences(): boolean;
}

export interface ComponentSpec {
  type: string;
  defaults(): Params;
  /** Reasons the params cannot run; empty when they can. */
  check(params: Params): string[];
  /** Text fields whose `{refs}` take part in the join rule (§3.3). */
  textFields?(params: Params): string[];
  /** Other text fields with `{refs}` (validated at load, not part of the join rule). */
  otherTextFields?(params: Params): string[];
  /** Reference fields (whole string is one target). */
  refFields?(params: Params): string[];
  /** Ids the node may route to besides `downstream` (Switch, Categorize). */
  targets?(params: Params): string[];
  /** Output names a reference may name; null = any (forms decide at run time). */
  outputNames?(params: Params): string[] | null;
  /** Body timeout (§5.3); undefined = none. */
  timeoutMs?: number;
  /** Whether `max_retries` applies to the body. */
  retries?: boolean;
  /** For `node_started.thoughts`. */
  thoughts?: string;
  run(ctx: RunContext): Promise<void>;
}

/** A Message's text, produced in post-processing so that streamed output reaches the client live. */
export interface MessageSpec extends ComponentSpec {
  message(ctx: RunContext): AsyncIterable<MessageData>;
}

export const isMessageSpec = (spec: ComponentSpec): spec is MessageSpec => 'message' in spec;

/**
 * An LLM answer not pulled yet (§3.9): the Message that reaches the ref forwards its deltas; when it is
 * drained `text` holds the whole answer.
 */
export class DeferredStream {
  text = '';
  done = false;
  constructor(
    readonly producerId: string,
    private readonly open: () => AsyncIterable<string>,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    if (this.done) {
      if (this.text) yield this.text;
      return;
    }
    for await (const delta of this.open()) {
      this.text += delta;
      yield delta;
    }
    this.done = true;
  }

  async drain(): Promise<string> {
    if (!this.done) for await (const _ of this) void _;
    return this.text;
  }
}

export function chatPort(ctx: RunContext): ChatModelPort {
  if (!ctx.ports.chat) throw new NodeError('No chat model is configured for agents.');
  return ctx.ports.chat;
}

export function retrievalPort(ctx: RunContext): RetrievalPort {
  if (!ctx.ports.retrieval) throw new NodeError('No retrieval service is configured for agents.');
  return ctx.ports.retrieval;
}

export async function collect(stream: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const delta of stream) text += delta;
  return text;
}

// ---- small parameter readers shared by the components ----

export const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
export const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : fallback);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
export const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');
