/** The agent engine: load a DSL, run it as a stream of events, serialise it back. */
export { loadCanvas, resetCanvas, serialiseCanvas, DEFAULT_GLOBALS, type Canvas } from './dsl.js';
export { runCanvas, DEFAULT_BOUNDS, type RunOptions } from './run.js';
export { COMPONENTS } from './components/index.js';
export { DslError, EngineError, CANCELED } from './errors.js';
export { systemClock } from './clock.js';
export type * from './types.js';
