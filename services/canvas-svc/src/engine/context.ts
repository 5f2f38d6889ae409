/** The RunContext a component body sees: reference resolution, text rendering, history, citations. */
import { createHash } from 'node:crypto';
import { DeferredStream, obj, type RunContext } from './component.js';
import type { Canvas } from './dsl.js';
import { replaceExact, resolveRef } from './refs.js';
import type { CanvasNode, EnginePorts, RetrievalEntry } from './types.js';

export interface ContextDeps {
  canvas: Canvas;
  ports: EnginePorts;
  requestInputs: Record<string, unknown>;
}

export function makeContext(deps: ContextDeps, node: CanvasNode, signal: AbortSignal): RunContext {
  const { canvas } = deps;
  const resolve = (ref: string) => resolveRef({ globals: canvas.globals, outputsOf: (id) => canvas.nodes.get(id)?.outputs }, ref);
  return {
    node,
    ports: deps.ports,
    signal,
    requestInputs: deps.requestInputs,
    globals: canvas.globals,
    resolve,
    node$: (id) => canvas.nodes.get(id),
    renderText: (text, rule) =>
      replaceExact(text, async (target) => {
        let value = resolve(target);
        if (value instanceof DeferredStream) value = await value.drain();
        node.inputs[target] = value;
        return rule(value);
      }),
    history: (window) =>
      canvas.history
        .slice(0, -1)
        .slice(window > 0 ? -window : canvas.history.length)
        .map(([role, content]) => ({ role: role === 'assistant' ? 'assistant' : 'user', content: typeof content === 'string' ? content : String(obj(content).content ?? '') })),
    addReference: (chunks) => addReference(currentStore(canvas), chunks),
    hasReferences: () => Object.keys(currentStore(canvas).chunks).length > 0,
  };
}

function currentStore(canvas: Canvas): RetrievalEntry {
  if (!canvas.retrieval.length) canvas.retrieval.push({ chunks: {}, doc_aggs: {} });
  return canvas.retrieval[canvas.retrieval.length - 1]!;
}

/** The number a chunk is cited by: SHA-1 of its id read as an integer, modulo 500 (§3.10). */
export function citationNumber(chunkId: string): number {
  return Number(BigInt(`0x${createHash('sha1').update(chunkId).digest('hex')}`) % 500n);
}

function addReference(store: RetrievalEntry, chunks: Record<string, unknown>[]): void {
  const byNumber = Array.isArray(store.chunks) ? {} : store.chunks;
  const docs = Array.isArray(store.doc_aggs) ? {} : store.doc_aggs;
  for (const chunk of chunks) {
    byNumber[String(citationNumber(String(chunk.id)))] = chunk;
    const name = String(chunk.document_name ?? '');
    const agg = obj(docs[name]);
    docs[name] = { doc_name: name, doc_id: chunk.document_id ?? '', count: Number(agg.count ?? 0) + 1 };
  }
  store.chunks = byNumber;
  store.doc_aggs = docs;
}
