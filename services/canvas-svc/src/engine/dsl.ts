/**
 * Loading a DSL (AGENTS.md §1): every component is known, its params pass its check, every id it
 * names exists, every reference names an existing component and output or a known global, and every
 * cycle goes through a Loop or Iteration. A DSL that cannot run is refused with a DslError naming the
 * component and the reason.
 */
import type { ComponentSpec } from './component.js';
import { list, obj, strings } from './component.js';
import { DslError } from './errors.js';
import { componentOf, refsInText, stripRef } from './refs.js';
import type { CanvasNode, Dsl, DslVariable, Params, RetrievalEntry } from './types.js';

export const DEFAULT_GLOBALS = (): Record<string, unknown> => ({ 'sys.query': '', 'sys.user_id': '', 'sys.conversation_turns': 0, 'sys.files': [] });

const LOOPING = new Set(['Loop', 'LoopItem', 'Iteration', 'IterationItem']);

/** Params common to every component (§1.3). */
const COMMON = (): Params => ({ inputs: {}, outputs: {}, description: '', message_history_window_size: 13, max_retries: 0, delay_after_error: 2.0, exception_method: null, exception_default_value: null, exception_goto: null });

export interface Canvas {
  nodes: Map<string, CanvasNode>;
  specs: Map<string, ComponentSpec>;
  path: string[];
  history: [string, unknown][];
  retrieval: RetrievalEntry[];
  globals: Record<string, unknown>;
  variables: Record<string, DslVariable>;
  extra: Record<string, unknown>;
}

export type Registry = ReadonlyMap<string, ComponentSpec>;

export function loadCanvas(input: unknown, registry: Registry): Canvas {
  const dsl = obj(input) as Partial<Dsl>;
  for (const key of ['components', 'path', 'history', 'retrieval'] as const) {
    if (dsl[key] === undefined) throw new DslError(null, `the DSL has no \`${key}\``);
  }
  if (!Array.isArray(dsl.path) || !Array.isArray(dsl.history) || !Array.isArray(dsl.retrieval)) throw new DslError(null, '`path`, `history` and `retrieval` must be arrays');
  const components = obj(dsl.components);
  if (!('begin' in components)) throw new DslError(null, "no component has the id 'begin'");
  const names = graphNames(dsl);
  const byLower = new Map([...registry.values()].map((s) => [s.type.toLowerCase(), s]));
  const canvas: Canvas = {
    nodes: new Map(),
    specs: new Map(),
    path: strings(dsl.path),
    history: dsl.history as [string, unknown][],
    retrieval: dsl.retrieval as RetrievalEntry[],
    globals: { ...DEFAULT_GLOBALS(), ...obj(dsl.globals) },
    variables: obj(dsl.variables) as Record<string, DslVariable>,
    extra: Object.fromEntries(Object.entries(dsl).filter(([k]) => !['components', 'path', 'history', 'retrieval', 'globals', 'variables'].includes(k))),
  };
  for (const [name, variable] of Object.entries(canvas.variables)) {
    if (!(`env.${name}` in canvas.globals)) canvas.globals[`env.${name}`] = envValue(variable);
  }
  for (const [id, raw] of Object.entries(components)) {
    const entry = obj(raw);
    const cpn = obj(entry.obj);
    const type = typeof cpn.component_name === 'string' ? cpn.component_name : '';
    const spec = byLower.get(type.toLowerCase());
    if (!spec) throw new DslError(id, `Can't import ${type || '(no component_name)'}`);
    if (cpn.params !== undefined && (cpn.params === null || typeof cpn.params !== 'object' || Array.isArray(cpn.params))) throw new DslError(id, 'obj.params must be an object');
    if (!Array.isArray(entry.downstream)) throw new DslError(id, 'downstream must be a list of component ids');
    const params = { ...COMMON(), ...spec.defaults(), ...obj(cpn.params) };
    const reasons = spec.check(params);
    if (reasons.length) throw new DslError(id, reasons.join('; '));
    const outputs: Record<string, unknown> = {};
    for (const [name, decl] of Object.entries(obj(params.outputs))) outputs[name] = obj(decl).value ?? null;
    canvas.specs.set(id, spec);
    canvas.nodes.set(id, {
      id,
      type: spec.type,
      name: names.get(id) ?? '',
      params,
      downstream: strings(entry.downstream),
      parentId: typeof entry.parent_id === 'string' && entry.parent_id ? entry.parent_id : undefined,
      outputs,
      inputs: {},
      state: {},
    });
  }
  for (const node of canvas.nodes.values()) checkLinks(canvas, node);
  for (const node of canvas.nodes.values()) checkNesting(canvas, node);
  checkCycles(canvas);
  return canvas;
}

/** `env.<name>` at reset: the variable's value if truthy, else the zero value of its type (§2.4). */
export function envValue(variable: DslVariable): unknown {
  if (variable.value) return variable.value;
  const type = String(variable.type ?? '');
  if (type.startsWith('array')) return [];
  return ({ string: '', number: 0, boolean: false, object: {} } as Record<string, unknown>)[type] ?? '';
}

function graphNames(dsl: Partial<Dsl>): Map<string, string> {
  const names = new Map<string, string>();
  for (const n of list(obj(dsl.graph).nodes)) {
    const node = obj(n);
    const name = obj(node.data).name;
    if (typeof node.id === 'string' && typeof name === 'string') names.set(node.id, name);
  }
  return names;
}

/** Ids a node may send the run to besides `downstream`. */
export function targetsOf(node: CanvasNode, spec: ComponentSpec): string[] {
  const goto = node.params.exception_method === 'goto' ? strings(node.params.exception_goto) : [];
  return [...(spec.targets?.(node.params) ?? []), ...goto];
}

function checkLinks(canvas: Canvas, node: CanvasNode): void {
  const spec = canvas.specs.get(node.id)!;
  for (const id of [...node.downstream, ...targetsOf(node, spec)]) {
    if (!canvas.nodes.has(id)) throw new DslError(node.id, `names a component that does not exist: '${id}'`);
  }
  if (node.parentId && !canvas.nodes.has(node.parentId)) throw new DslError(node.id, `parent_id names a component that does not exist: '${node.parentId}'`);
  const texts = [...(spec.textFields?.(node.params) ?? []), ...(spec.otherTextFields?.(node.params) ?? [])];
  const refs = [...texts.flatMap(refsInText), ...(spec.refFields?.(node.params) ?? []).map(stripRef)];
  for (const target of refs) checkRef(canvas, node.id, target);
}

const ITEM_OF: Record<string, string> = { Iteration: 'IterationItem', Loop: 'LoopItem' };

/** An Iteration or Loop has exactly one item node inside it; item nodes and ExitLoop sit inside theirs. */
function checkNesting(canvas: Canvas, node: CanvasNode): void {
  const item = ITEM_OF[node.type];
  if (item) {
    const count = [...canvas.nodes.values()].filter((n) => n.parentId === node.id && n.type === item).length;
    if (count !== 1) throw new DslError(node.id, `needs exactly one ${item} inside it (parent_id '${node.id}'), found ${count}`);
  }
  const parentType = Object.entries(ITEM_OF).find(([, i]) => i === node.type)?.[0];
  if (parentType && canvas.nodes.get(node.parentId ?? '')?.type !== parentType) throw new DslError(node.id, `must sit inside a ${parentType} (parent_id)`);
  if (node.type === 'ExitLoop') {
    let parent = canvas.nodes.get(node.parentId ?? '');
    while (parent && parent.type !== 'Loop') parent = canvas.nodes.get(parent.parentId ?? '');
    if (!parent) throw new DslError(node.id, 'must sit inside a Loop (parent_id)');
  }
}

function checkRef(canvas: Canvas, from: string, target: string): void {
  const cpn = componentOf(target);
  if (cpn === null) {
    const known = target in canvas.globals || (target.startsWith('env.') && target.slice(4) in canvas.variables);
    if (!known) throw new DslError(from, `refers to an unknown variable: '${target}'`);
    return;
  }
  const producer = canvas.nodes.get(cpn);
  if (!producer) throw new DslError(from, `refers to a component that does not exist: '${target}'`);
  const output = target.slice(cpn.length + 1).split('.')[0]!;
  const names = canvas.specs.get(cpn)!.outputNames?.(producer.params) ?? null;
  if (names && !names.includes(output) && !(output in producer.outputs) && !output.startsWith('_')) {
    throw new DslError(from, `refers to an output that ${cpn} does not have: '${target}'`);
  }
}

function checkCycles(canvas: Canvas): void {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'open');
    stack.push(id);
    const node = canvas.nodes.get(id)!;
    for (const next of [...node.downstream, ...targetsOf(node, canvas.specs.get(id)!)]) {
      if (state.get(next) === 'open') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        if (!cycle.some((c) => LOOPING.has(canvas.nodes.get(c)!.type))) throw new DslError(next, `is part of a cycle without a Loop: ${cycle.join(' -> ')}`);
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of canvas.nodes.keys()) if (!state.has(id)) visit(id);
}

/** The DSL as stored after a run (§1.4): params materialised with the current output values. */
export function serialiseCanvas(canvas: Canvas): Dsl {
  const components: Dsl['components'] = {};
  for (const node of canvas.nodes.values()) {
    const outputs: Record<string, unknown> = {};
    const declared = obj(node.params.outputs);
    for (const [name, value] of Object.entries(node.outputs)) {
      if (value instanceof Object && 'producerId' in value) continue;
      outputs[name] = { ...obj(declared[name]), value };
    }
    components[node.id] = { obj: { component_name: node.type, params: { ...node.params, outputs } }, downstream: node.downstream, upstream: [], ...(node.parentId ? { parent_id: node.parentId } : {}) };
  }
  return { ...canvas.extra, components, path: canvas.path, history: canvas.history, retrieval: canvas.retrieval, globals: canvas.globals, variables: canvas.variables };
}

/**
 * Reset for a new session (§2.4, §9.2): every `sys.*` to the zero value of its type, `env.*` (only
 * those already in globals) recomputed from `variables`, outputs to null, path, history, retrieval
 * and memory emptied.
 */
export function resetCanvas(canvas: Canvas): void {
  for (const [key, value] of Object.entries(canvas.globals)) {
    if (key.startsWith('sys.')) canvas.globals[key] = Array.isArray(value) ? [] : typeof value === 'number' ? 0 : typeof value === 'boolean' ? false : value !== null && typeof value === 'object' ? {} : '';
    else if (key.startsWith('env.')) canvas.globals[key] = canvas.variables[key.slice(4)] ? envValue(canvas.variables[key.slice(4)]!) : '';
  }
  for (const node of canvas.nodes.values()) {
    for (const key of Object.keys(node.outputs)) node.outputs[key] = null;
    node.inputs = {};
    node.state = {};
  }
  canvas.path.length = 0;
  canvas.history.length = 0;
  canvas.retrieval.length = 0;
  if (Array.isArray(canvas.extra.memory)) canvas.extra.memory = [];
}
