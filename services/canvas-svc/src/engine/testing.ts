/**
 * Small ports and builders for the engine's own tests: a clock the test moves, a chat model that
 * answers from a script, and a DSL builder. These are the engine's ports, not stand-ins for a service.
 */
import { COMPONENTS } from './components/index.js';
import { loadCanvas, type Canvas } from './dsl.js';
import { runCanvas, type RunOptions } from './run.js';
import type { ChatModelPort, ChatRequest, ClockPort, DslComponent, EngineEvent, Params, RunRequest } from './types.js';

export function testClock(): ClockPort & { advance(ms: number): void; slept: number[] } {
  let ms = 1_700_000_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => ms,
    monotonic: () => ms / 1000,
    advance: (d) => void (ms += d),
    sleep: async (d) => {
      slept.push(d);
      ms += d;
    },
  };
}

/** Answers each call with the next scripted reply (a string is split into deltas at `|`). */
export function scriptedChat(...replies: (string | ((r: ChatRequest) => string))[]): ChatModelPort & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    requests,
    async *chat(request) {
      requests.push(request);
      const next = replies.length > 1 ? replies.shift()! : replies[0] ?? '';
      const text = typeof next === 'function' ? next(request) : next;
      for (const delta of text.split('|')) yield delta;
    },
  };
}

export const cpn = (component_name: string, params: Params, downstream: string[] = [], parent_id?: string): DslComponent => ({ obj: { component_name, params }, downstream, upstream: [], ...(parent_id ? { parent_id } : {}) });

export const dsl = (components: Record<string, DslComponent>, extra: Record<string, unknown> = {}) => ({ components, path: [], history: [], retrieval: [], globals: { 'sys.query': '', 'sys.user_id': '', 'sys.conversation_turns': 0, 'sys.files': [] }, ...extra });

export const load = (components: Record<string, DslComponent>, extra: Record<string, unknown> = {}): Canvas => loadCanvas(dsl(components, extra), COMPONENTS);

export async function runAll(canvas: Canvas, request: RunRequest, options: Partial<RunOptions> = {}): Promise<EngineEvent[]> {
  const events: EngineEvent[] = [];
  for await (const e of runCanvas(canvas, request, { taskId: 'agent1', ports: { clock: testClock() }, ...options })) events.push(e);
  return events;
}

/** The event names, with the component id for node events. */
export const trace = (events: EngineEvent[]): string[] =>
  events.map((e) => ('component_id' in e.data && e.event !== 'error' ? `${e.event} ${e.data.component_id}` : e.event));

/** The text the user saw. */
export const text = (events: EngineEvent[]): string => events.map((e) => (e.event === 'message' ? e.data.content : '')).join('');
