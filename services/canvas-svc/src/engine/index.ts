/**
 * The agent engine (AGENTS.md §1–§5), pure TypeScript behind ports (chat model, retrieval, clock).
 *
 *   const canvas = loadCanvas(session.dsl, COMPONENTS);          // throws DslError naming the component
 *   resetCanvas(canvas);                                          // new session only
 *   for await (const event of runCanvas(canvas, { query, inputs, userId, files, signal }, { ports, taskId: agentId })) …
 *   session.dsl = serialiseCanvas(canvas);                        // after the run, also after a pause
 *
 * Events are those of §4, plus one `error` event that closes every failed run (see types.ts).
 */
export { loadCanvas, resetCanvas, serialiseCanvas, DEFAULT_GLOBALS, type Canvas } from './dsl.js';
export { runCanvas, DEFAULT_BOUNDS, type RunOptions } from './run.js';
export { COMPONENTS } from './components/index.js';
export { DslError, EngineError, CANCELED } from './errors.js';
export { systemClock } from './clock.js';
export type * from './types.js';
