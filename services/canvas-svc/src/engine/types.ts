/**
 * The agent DSL, the engine's events and the ports through which the engine reaches the outside
 * (AGENTS.md §1, §4). The engine itself is pure: model calls, retrieval and time come in through ports.
 */

export type Params = Record<string, unknown>;

export interface DslComponent {
  obj: { component_name: string; params: Params };
  downstream: string[];
  upstream?: string[];
  parent_id?: string;
}

export interface RetrievalEntry {
  chunks: Record<string, unknown> | unknown[];
  doc_aggs: Record<string, unknown> | unknown[];
}

export interface DslVariable {
  name?: string;
  type?: string;
  value?: unknown;
  description?: string;
}

export interface Dsl {
  components: Record<string, DslComponent>;
  path: string[];
  history: [string, unknown][];
  retrieval: RetrievalEntry[];
  globals?: Record<string, unknown>;
  variables?: Record<string, DslVariable>;
  graph?: { nodes?: { id: string; data?: { name?: string } }[] };
  [key: string]: unknown;
}

/** One component of a loaded canvas, with its run-time outputs (values only; AGENTS.md §3.1). */
export interface CanvasNode {
  id: string;
  type: string;
  name: string;
  params: Params;
  downstream: string[];
  parentId: string | undefined;
  outputs: Record<string, unknown>;
  /** Resolved input values, reported in `node_finished.inputs`. */
  inputs: Record<string, unknown>;
  /** Engine bookkeeping that is not an output (loop counters, iteration items). */
  state: Record<string, unknown>;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  llmId: string;
  system: string;
  messages: ChatMessage[];
  options: Record<string, number>;
  signal: AbortSignal;
}

/** A chat model: yields the answer as text deltas. */
export interface ChatModelPort {
  chat(request: ChatRequest): AsyncIterable<string>;
}

/** A chunk in the public chunk format (AGENTS.md §3.10). */
export interface RetrievedChunk {
  id: string;
  content: string;
  document_id: string;
  document_name: string;
  dataset_id: string;
  similarity?: number;
  [key: string]: unknown;
}

export interface RetrievalRequest {
  query: string;
  /** Dataset ids, or names where they came from a reference. */
  datasets: string[];
  topN: number;
  topK: number;
  similarityThreshold: number;
  keywordsSimilarityWeight: number;
  rerankId: string | null;
  signal: AbortSignal;
}

export interface RetrievalPort {
  retrieve(request: RetrievalRequest): Promise<RetrievedChunk[]>;
}

export interface ClockPort {
  /** Epoch milliseconds. */
  now(): number;
  /** Monotonic seconds (perf counter). */
  monotonic(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface EnginePorts {
  chat?: ChatModelPort;
  retrieval?: RetrievalPort;
  clock: ClockPort;
}

export interface RunBounds {
  /** Steps of the engine loop (AGENTS.md §3.3). */
  maxSteps: number;
  /** Passes through IterationItem/LoopItem in one run. */
  maxLoopPasses: number;
  /** Wall time of one run. */
  maxWallMs: number;
}

export interface RunRequest {
  query?: string;
  userId?: string;
  /** Already converted `sys.files` values (data URLs or parsed text). */
  files?: unknown[];
  inputs?: Record<string, unknown>;
  signal?: AbortSignal;
}

// ---- events (AGENTS.md §4) ----

export interface MessageData {
  content: string;
  start_to_think?: true;
  end_to_think?: true;
  audio_binary?: null;
}

export interface MessageEndData {
  status?: unknown;
  reference?: RetrievalEntry;
}

export interface NodeStartedData {
  inputs: null;
  created_at: number;
  component_id: string;
  component_name: string;
  component_type: string;
  thoughts: string;
}

export interface NodeFinishedData {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  component_id: string;
  component_name: string;
  component_type: string;
  error: string | null;
  elapsed_time: number;
  created_at: number;
}

export interface WorkflowFinishedData {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown> | string;
  elapsed_time: number;
  created_at: number;
}

export interface UserInputsData {
  inputs: Record<string, unknown>;
  tips: string;
}

/**
 * Not in AGENTS.md §4: upstream ends a failed run without a terminal event. This engine closes every
 * failed run with one `error` event so a consumer knows the run is over and why; `bound` names the
 * run bound that was hit, `component_id` the failing node.
 */
export interface RunErrorData {
  error: string;
  component_id: string | null;
  bound: 'steps' | 'loop_passes' | 'wall_time' | null;
}

interface EventOf<E extends string, D> {
  event: E;
  message_id: string;
  created_at: number;
  task_id: string;
  data: D;
}

export type EngineEvent =
  | EventOf<'workflow_started', { inputs: Record<string, unknown> }>
  | EventOf<'node_started', NodeStartedData>
  | EventOf<'message', MessageData>
  | EventOf<'message_end', MessageEndData>
  | EventOf<'node_finished', NodeFinishedData>
  | EventOf<'user_inputs', UserInputsData>
  | EventOf<'workflow_finished', WorkflowFinishedData>
  | EventOf<'error', RunErrorData>;

export type EngineEventName = EngineEvent['event'];
