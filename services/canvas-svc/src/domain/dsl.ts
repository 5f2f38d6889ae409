import { isDict, pyError, pyType } from './py.js';

/**
 * What the agent routes do with a DSL before the engine sees it (AGENTS.md §1, §2.4, §9.1–9.2):
 * read it from a body, and reset a copy for a new session. Loading and running it is the engine's.
 */

/** Begin's default opener (AGENTS.md §6.1). */
export const DEFAULT_PROLOGUE = "Hi! I'm your smart assistant. What can I do for you?";

/** A body's `dsl`: a JSON string is parsed (as `json.loads` would), any other value is stored as given. */
export function dslOfBody(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch (err) {
    throw pyError('JSONDecodeError', (err as Error).message);
  }
}

/** The value a global is reset to, by the type of its current value. */
function zeroOf(value: unknown): unknown {
  if (typeof value === 'string') return '';
  if (typeof value === 'number') return 0;
  if (typeof value === 'boolean') return false;
  if (Array.isArray(value)) return [];
  if (isDict(value)) return {};
  return '';
}

/** `env.<name>` at reset: the variable's value when truthy, else the zero of its declared type. */
function envValue(variable: unknown): unknown {
  if (!isDict(variable)) return '';
  if (variable.value !== undefined && variable.value !== null && variable.value !== '' && variable.value !== 0 && variable.value !== false) return variable.value;
  const type = typeof variable.type === 'string' ? variable.type : '';
  if (type === 'number') return 0;
  if (type === 'boolean') return false;
  if (type === 'object') return {};
  if (type.startsWith('array')) return [];
  return '';
}

/** Every `{value}` of a component's declared inputs or outputs set to null. */
function clearValues(slots: unknown): void {
  if (!isDict(slots)) return;
  for (const slot of Object.values(slots)) if (isDict(slot)) slot.value = null;
}

/** `dsl[key]` as Python reads it: a non-dict is not subscriptable, a missing key is a KeyError. */
function required(dsl: Record<string, unknown>, key: string): unknown {
  if (!(key in dsl)) throw pyError('KeyError', key);
  return dsl[key];
}

/**
 * A session's private copy of an agent's DSL, reset (AGENTS.md §9.2): outputs and inputs cleared,
 * path, history, retrieval and memory emptied, `sys.*` zeroed and `env.*` recomputed.
 */
export function resetDsl(dsl: unknown): Record<string, unknown> {
  if (!isDict(dsl)) throw pyError('TypeError', `'${pyType(dsl)}' object is not subscriptable`);
  const copy = structuredClone(dsl);
  const components = required(copy, 'components');
  for (const key of ['path', 'history', 'retrieval']) required(copy, key);
  if (!isDict(components)) throw pyError('AttributeError', `'${pyType(components)}' object has no attribute 'items'`);
  for (const entry of Object.values(components)) {
    const params = isDict(entry) && isDict(entry.obj) ? entry.obj.params : undefined;
    if (!isDict(params)) continue;
    clearValues(params.outputs);
    clearValues(params.inputs);
  }
  copy.path = [];
  copy.history = [];
  copy.retrieval = [];
  copy.memory = [];
  const globals = isDict(copy.globals) ? copy.globals : { 'sys.query': '', 'sys.user_id': '', 'sys.conversation_turns': 0, 'sys.files': [] };
  const variables = isDict(copy.variables) ? copy.variables : {};
  for (const key of Object.keys(globals)) {
    if (key.startsWith('sys.')) globals[key] = zeroOf(globals[key]);
    else if (key.startsWith('env.')) globals[key] = envValue(variables[key.slice(4)]);
  }
  copy.globals = globals;
  copy.variables = variables;
  return copy;
}

/** The Begin node's opener, the first message of a new session. */
export function prologueOf(dsl: Record<string, unknown>): unknown {
  const components = isDict(dsl.components) ? dsl.components : {};
  const begin = components.begin;
  const params = isDict(begin) && isDict(begin.obj) && isDict(begin.obj.params) ? begin.obj.params : {};
  return 'prologue' in params ? params.prologue : DEFAULT_PROLOGUE;
}
