/** Errors of the engine. */

/** A DSL that cannot run, or a failure that ends the whole run (not one node). */
export class EngineError extends Error {
  override readonly name = 'EngineError';
}

/** A DSL that cannot be loaded: names the component and the reason. */
export class DslError extends EngineError {
  constructor(
    readonly componentId: string | null,
    readonly reason: string,
  ) {
    super(componentId ? `${componentId}: ${reason}` : reason);
  }
}

/** A node that failed; the engine applies the node's exception policy (AGENTS.md §5.1). */
export class NodeError extends Error {
  override readonly name = 'NodeError';
}

export const CANCELED = 'Task has been canceled';

export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
