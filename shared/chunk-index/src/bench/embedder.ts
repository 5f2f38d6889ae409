/**
 * The benches' optional embedder: @rag/models' built-in HashingEmbedder when that package exports
 * one (it is written in parallel, and chunk-index does not depend on it). Returns null otherwise.
 */
export interface BenchEmbedder {
  name: string;
  embed(texts: string[]): Promise<Float32Array[]>;
}

interface EmbeddingModelLike {
  name?: string;
  embed(texts: string[]): Promise<{ vectors: Float32Array[] } | Float32Array[]>;
}

export async function loadOptionalEmbedder(): Promise<BenchEmbedder | null> {
  const specifier = '@rag/models';
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch {
    return null;
  }
  const Ctor = mod.HashingEmbedder as (new () => EmbeddingModelLike) | undefined;
  if (typeof Ctor !== 'function') return null;
  const model = new Ctor();
  return {
    name: model.name ?? 'hashing',
    async embed(texts) {
      const out = await model.embed(texts);
      return Array.isArray(out) ? out : out.vectors;
    },
  };
}
