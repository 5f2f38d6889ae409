/**
 * One run of a canvas (AGENTS.md §3): the step loop over the path, post-processing, branching,
 * loops, the pause for user input, the end of a run — as an async iterator of §4 events.
 *
 * Departures from upstream, following AGENTS.md §11: outputs survive a pause (#7); a node the join
 * rule dropped and that nothing re-added runs once at the end with what is available (#6); the cancel
 * signal belongs to the run (#10); every failed run ends with an `error` event.
 */
import { randomBytes } from 'node:crypto';
import { DeferredStream, isMessageSpec, obj, strings } from './component.js';
import { makeContext } from './context.js';
import type { Canvas } from './dsl.js';
import { CANCELED, messageOf } from './errors.js';
import { executeBody, mapLimit } from './execute.js';
import { componentOf, refsInText, render } from './refs.js';
import type { CanvasNode, EngineEvent, EnginePorts, NodeFinishedData, RunBounds, RunErrorData, RunRequest } from './types.js';

export interface RunOptions {
  ports: EnginePorts;
  /** `task_id` of every event (the agent id on /api/v1 routes). */
  taskId: string;
  bounds?: Partial<RunBounds>;
  /** Overrides every component's body timeout. */
  componentTimeoutMs?: number;
}

export const DEFAULT_BOUNDS: RunBounds = { maxSteps: 500, maxLoopPasses: 1000, maxWallMs: 30 * 60_000 };

/** Nodes of one step run at most this many at a time (upstream: a pool of 5). */
const STEP_CONCURRENCY = 5;
const ITEM = new Set(['IterationItem', 'LoopItem']);
const LOOP = new Set(['Iteration', 'Loop']);

type Failure = Omit<RunErrorData, 'bound'> & { bound?: RunErrorData['bound'] };

export async function* runCanvas(canvas: Canvas, request: RunRequest, options: RunOptions): AsyncGenerator<EngineEvent> {
  const { clock } = options.ports;
  const bounds = { ...DEFAULT_BOUNDS, ...options.bounds };
  const signal = request.signal ?? new AbortController().signal;
  const inputs = request.inputs ?? {};
  const startedMs = clock.now();
  const startedMono = clock.monotonic();
  const messageId = randomBytes(16).toString('hex');
  const createdAt = Math.floor(startedMs / 1000);
  const event = <E extends EngineEvent>(name: E['event'], data: E['data']): EngineEvent => ({ event: name, message_id: messageId, created_at: createdAt, task_id: options.taskId, data }) as EngineEvent;
  const nodes = canvas.nodes;
  const path = canvas.path;

  canvas.history.push(['user', request.query ?? '']);
  // A paused run left its path ending with a UserFillUp that has not run yet (§3.7).
  const waiting = nodes.get(path[path.length - 1] ?? '');
  const resuming = waiting?.type === 'UserFillUp' && waiting.outputs._created_time == null;
  if (!resuming) {
    for (const node of nodes.values()) {
      for (const key of Object.keys(node.outputs)) node.outputs[key] = null;
      node.state = {};
    }
  }
  if (request.query) canvas.globals['sys.query'] = request.query;
  if (request.userId) canvas.globals['sys.user_id'] = request.userId;
  if (request.files?.length) canvas.globals['sys.files'] = request.files;
  canvas.globals['sys.conversation_turns'] = Number(canvas.globals['sys.conversation_turns'] ?? 0) + 1;
  if (!resuming) {
    path.push('begin');
    canvas.retrieval.push({ chunks: [], doc_aggs: [] });
  }
  yield event('workflow_started', { inputs });
  canvas.retrieval.push({ chunks: {}, doc_aggs: {} });

  const deps = { canvas, ports: options.ports, requestInputs: inputs };
  const finished = new Map<string, NodeFinishedData>();
  const awaitingStream = new Map<string, NodeFinishedData>();
  const dropped: string[] = [];
  const relaxed = new Set<string>();
  let idx = resuming ? 0 : path.length - 1;
  let steps = 0;
  let passes = 0;
  let failure: Failure | null = null;
  let canceled = false;

  const append = (ids: string[]) => {
    for (const id of ids) if (path[path.length - 1] !== id) path.push(id);
  };
  const finishedData = (node: CanvasNode, error: string | null, startedAt: number): NodeFinishedData => ({
    inputs: node.inputs,
    outputs: plainOutputs(node.outputs),
    component_id: node.id,
    component_name: node.name,
    component_type: node.type,
    error,
    elapsed_time: clock.monotonic() - startedAt,
    created_at: startedAt,
  });
  /** node_finished of producers whose deferred stream a node just drained (§3.9 order). */
  const flushDrained = function* (): Generator<EngineEvent> {
    for (const [producer, data] of awaitingStream) {
      const node = nodes.get(producer)!;
      const content = node.outputs.content;
      if (content instanceof DeferredStream) {
        if (!content.done) continue;
        node.outputs.content = content.text;
      }
      awaitingStream.delete(producer);
      yield event('node_finished', { ...data, outputs: plainOutputs(node.outputs) });
    }
  };
  const itemOf = (parentId: string) => [...nodes.values()].find((n) => n.parentId === parentId && ITEM.has(n.type));
  const joinBlocked = (node: CanvasNode): boolean => {
    if (relaxed.has(node.id) || (resuming && steps === 1)) return false;
    const texts = canvas.specs.get(node.id)!.textFields?.(node.params) ?? [];
    return texts.flatMap(refsInText).some((target) => {
      const cpn = componentOf(target);
      return cpn !== null && cpn !== node.id && nodes.get(cpn)?.outputs._created_time == null;
    });
  };

  outer: for (;;) {
    while (idx < path.length) {
      if (signal.aborted) {
        canceled = true;
        break outer;
      }
      if (++steps > bounds.maxSteps) {
        failure = { error: `The run stopped: it reached the limit of ${bounds.maxSteps} steps.`, component_id: null, bound: 'steps' };
        break outer;
      }
      if (clock.now() - startedMs > bounds.maxWallMs) {
        failure = { error: `The run stopped: it reached the time limit of ${bounds.maxWallMs} ms.`, component_id: null, bound: 'wall_time' };
        break outer;
      }
      const slice = path.slice(idx);
      for (const id of slice) {
        const node = nodes.get(id)!;
        const thoughts = canvas.specs.get(id)!.thoughts ?? '';
        yield event('node_started', { inputs: null, created_at: Math.floor(clock.now() / 1000), component_id: id, component_name: node.name, component_type: node.type, thoughts });
      }
      const runnable = slice.filter((id) => {
        if (!joinBlocked(nodes.get(id)!)) return true;
        dropped.push(id);
        return false;
      });
      path.splice(idx, slice.length, ...runnable);
      const to = path.length;

      const results = await mapLimit(runnable, STEP_CONCURRENCY, async (id) => {
        const node = nodes.get(id)!;
        const spec = canvas.specs.get(id)!;
        node.inputs = {};
        const startedAt = clock.monotonic();
        const ctx = makeContext(deps, node, signal);
        const error = await executeBody(spec, ctx, signal, { clock, timeoutMs: options.componentTimeoutMs });
        node.outputs._created_time = startedAt;
        node.outputs._elapsed_time = clock.monotonic() - startedAt;
        if (error) node.outputs._ERROR = error;
        else delete node.outputs._ERROR;
        return { id, node, spec, ctx, error, startedAt };
      });

      for (const { id, node, spec, ctx, error, startedAt } of results) {
        if (error === CANCELED) canceled = true;
        if (isMessageSpec(spec) && !error) {
          try {
            for await (const piece of spec.message(ctx)) yield event('message', piece);
          } catch (err) {
            failure = { error: messageOf(err), component_id: id };
            break outer;
          }
          const text = String(node.outputs.content ?? '');
          const end: Record<string, unknown> = {};
          if (node.params.status !== undefined) end.status = node.params.status;
          if (/\[ID:[0-9 ]+\]/.test(text)) end.reference = structuredClone(canvas.retrieval[canvas.retrieval.length - 1]);
          yield event('message_end', end);
          yield* flushDrained();
          node.outputs._elapsed_time = clock.monotonic() - startedAt;
        }
        let goto: string[] | null = null;
        if (error && !canceled) {
          const method = node.params.exception_method;
          const gotoIds = strings(node.params.exception_goto);
          if (method === 'goto' && gotoIds.length) goto = gotoIds;
          else if (method === 'comment' && node.params.exception_default_value) {
            const fallback = node.params.exception_default_value;
            node.outputs.result = fallback;
            yield event('message', { content: typeof fallback === 'string' ? fallback : render.streamed(fallback) });
            yield event('message_end', {});
          } else if (!failure) failure = { error, component_id: id };
        }
        const data = finishedData(node, error, startedAt);
        if (LOOP.has(node.type) && !error) finished.set(id, data);
        else if (node.outputs.content instanceof DeferredStream && !error) awaitingStream.set(id, data);
        else {
          yield event('node_finished', data);
          yield* flushDrained();
        }
        if (error && !goto && node.params.exception_method !== 'comment') continue;
        if (goto) {
          append(goto);
          continue;
        }
        // Extending the path (§3.4).
        if (ITEM.has(node.type)) {
          if (!node.state.done) passes++;
          if (passes > bounds.maxLoopPasses) {
            failure = { error: `The run stopped: it reached the limit of ${bounds.maxLoopPasses} loop passes.`, component_id: id, bound: 'loop_passes' };
            break outer;
          }
        }
        if (ITEM.has(node.type) && node.state.done) {
          const parent = nodes.get(node.parentId!)!;
          const parentData = finished.get(parent.id);
          finished.delete(parent.id);
          if (parentData) yield event('node_finished', { ...parentData, outputs: plainOutputs(parent.outputs), elapsed_time: clock.monotonic() - parentData.created_at });
          append(parent.downstream);
        } else if (node.type === 'Switch' || node.type === 'Categorize') {
          append(strings(node.outputs._next));
        } else if (LOOP.has(node.type)) {
          const item = itemOf(id);
          if (item) append([item.id]);
        } else if (node.type === 'ExitLoop') {
          const loop = enclosingLoop(canvas, node);
          if (loop) {
            finished.delete(loop.id);
            append(loop.downstream);
          }
        } else if (!node.downstream.length && node.parentId) {
          const item = itemOf(node.parentId);
          if (item) append([item.id]);
        } else {
          append(node.downstream);
        }
      }
      if (canceled) break outer;
      if (failure) break outer;
      idx = to;
      const pending = path.slice(to);
      if (pending.some((id) => nodes.get(id)!.type === 'UserFillUp')) {
        yield* pause(canvas, pending, deps, signal, event);
        return;
      }
    }
    const late = dropped.filter((id) => nodes.get(id)!.outputs._created_time == null && !relaxed.has(id));
    dropped.length = 0;
    if (!late.length) break;
    for (const id of late) relaxed.add(id);
    append(late);
  }

  for (const [producer, data] of awaitingStream) {
    const stream = nodes.get(producer)!.outputs.content;
    if (stream instanceof DeferredStream) nodes.get(producer)!.outputs.content = await stream.drain().catch(() => null);
    yield event('node_finished', { ...data, outputs: plainOutputs(nodes.get(producer)!.outputs) });
  }
  canvas.path.splice(idx);
  const elapsed = clock.monotonic() - startedMono;
  if (canceled) {
    yield event('workflow_finished', { inputs, outputs: CANCELED, elapsed_time: elapsed, created_at: startedMono });
    return;
  }
  if (failure) {
    yield event('error', { bound: null, ...failure });
    return;
  }
  const last = nodes.get(path[path.length - 1] ?? '');
  const outputs = last ? plainOutputs(last.outputs) : {};
  canvas.history.push(['assistant', outputs]);
  yield event('workflow_finished', { inputs, outputs, elapsed_time: elapsed, created_at: startedMono });
}

async function* pause(canvas: Canvas, pending: string[], deps: Parameters<typeof makeContext>[0], signal: AbortSignal, event: (name: 'user_inputs', data: { inputs: Record<string, unknown>; tips: string }) => EngineEvent): AsyncGenerator<EngineEvent> {
  const forms = pending.filter((id) => canvas.nodes.get(id)!.type === 'UserFillUp');
  const others = pending.filter((id) => !forms.includes(id));
  const formInputs: Record<string, unknown> = {};
  const tips: string[] = [];
  for (const id of forms) {
    const node = canvas.nodes.get(id)!;
    Object.assign(formInputs, obj(node.params.inputs));
    if (node.params.enable_tips === false) continue;
    const ctx = makeContext(deps, node, signal);
    const text = await ctx.renderText(String(node.params.tips ?? ''), (v) => (Array.isArray(v) ? v.map((x) => render.streamed(x)).join(',') : render.prompt(v)));
    node.outputs.tips = text;
    tips.push(text);
  }
  // The forms go last so the path ends with a UserFillUp, which is how the next completion knows to resume.
  canvas.path.splice(0, canvas.path.length, ...others, ...forms);
  yield event('user_inputs', { inputs: formInputs, tips: tips.join('') });
}

function enclosingLoop(canvas: Canvas, node: CanvasNode): CanvasNode | undefined {
  let current = node.parentId ? canvas.nodes.get(node.parentId) : undefined;
  while (current && current.type !== 'Loop') current = current.parentId ? canvas.nodes.get(current.parentId) : undefined;
  return current;
}

/** Outputs as JSON: an unconsumed stream is reported as null (§3.4). */
function plainOutputs(outputs: Record<string, unknown>): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(outputs)) plain[key] = value instanceof DeferredStream ? (value.done ? value.text : null) : value;
  return plain;
}

