/** Scales a vector to unit length in place (a zero vector stays zero). */
export function normalizeInPlace(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
  }
  return v;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

/** Cosine similarity; 0 when either vector is zero. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = Math.sqrt(dot(a, a) * dot(b, b));
  return d > 0 ? dot(a, b) / d : 0;
}

/**
 * `weight·a + (1 − weight)·b`, L2-normalised: how a chunk's vector blends its document's title
 * into its content (CONTRACT §8.2: 0.1·title + 0.9·content). Both must have the same length.
 */
export function mixVectors(a: Float32Array, b: Float32Array, weight: number): Float32Array {
  if (a.length !== b.length) throw new RangeError(`cannot mix vectors of ${a.length} and ${b.length} dimensions`);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = weight * a[i]! + (1 - weight) * b[i]!;
  return normalizeInPlace(out);
}
