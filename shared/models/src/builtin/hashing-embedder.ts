import { BUILTIN_EMBEDDER } from '@rag/contracts';
import { ModelErrors } from '../model-error.js';
import { estimateTokens } from '../token-count.js';
import type { EmbeddingModel, Embeddings, EmbedOptions } from '../types.js';
import { normalizeInPlace } from '../vector-math.js';
import { lightStem, STOPWORDS, words } from './text-features.js';

export const HASHING_DIMENSIONS = 384;
const YIELD_EVERY_MS = 20;

/**
 * A deterministic feature-hashing embedder — not a neural model. It needs no weights, no key and no
 * network, so the backend works offline out of the box. Features of a text:
 * - word unigrams (lower-cased, stopwords dropped, light suffix stripping),
 * - word bigrams of those words (phrases weigh more than loose words),
 * - character trigrams of each word with boundary marks (morphology, typos, CJK runs),
 * each counted, weighted `1 + ln(tf)` (sublinear), then hashed into 384 signed buckets (the sign
 * from a hash bit, so collisions cancel on average instead of piling up) and L2-normalised. Texts
 * that share words have positive cosine similarity; unrelated texts sit near 0. It captures
 * lexical overlap only: synonyms and paraphrases do not meet.
 */
export class HashingEmbedder implements EmbeddingModel {
  readonly name: string;
  readonly dimensions = HASHING_DIMENSIONS;

  constructor(name: string = BUILTIN_EMBEDDER) {
    this.name = name;
  }

  async embed(texts: string[], opts: EmbedOptions = {}): Promise<Embeddings> {
    const vectors: Float32Array[] = [];
    let tokens = 0;
    let sliceStart = performance.now();
    for (const text of texts) {
      if (opts.signal?.aborted) throw ModelErrors.aborted();
      vectors.push(hashingVector(text));
      tokens += estimateTokens(text);
      // CPU-bound: give the event loop a turn now and then so heartbeats and cancels get through.
      if (performance.now() - sliceStart > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    return { vectors, tokens };
  }
}

// Feature groups live in a key's low two bits; the rest of the key is the feature's hash.
const UNIGRAM = 0;
const BIGRAM = 1;
const TRIGRAM = 2;
const EMPTY = 3;
const GROUP_WEIGHT = [1, 0.7, 0.35, 1];
const SEEDS = [0x2545f491, 0x6c8e9cf5, 0x9e3779b9];
const SPACE = 32;

/** The embedding of one text (exported for the extractive answerer and tests). */
export function hashingVector(text: string): Float32Array {
  const all = words(text);
  const content = all.filter((w) => !STOPWORDS.has(w));
  const chosen = content.length ? content : all;
  const counts = new FeatureCounts(text.length + 2 * chosen.length + 1);
  let previous = -1;
  for (const word of chosen) {
    const unigram = hashString(lightStem(word), SEEDS[UNIGRAM]!);
    counts.add(unigram, UNIGRAM);
    if (previous >= 0) counts.add(mix(Math.imul(previous, 0x9e3779b1) ^ unigram ^ SEEDS[BIGRAM]!), BIGRAM);
    previous = unigram;
    addTrigrams(word, counts);
  }
  if (counts.size === 0) counts.add(0, EMPTY);

  const vector = new Float32Array(HASHING_DIMENSIONS);
  counts.forEach((key, count) => {
    const weight = GROUP_WEIGHT[key & 3]! * (1 + Math.log(count));
    const bucket = (key >>> 2) % HASHING_DIMENSIONS;
    vector[bucket]! += key & 0x80000000 ? -weight : weight;
  });
  return normalizeInPlace(vector);
}

/**
 * Feature → count, open addressing over typed arrays: a text has about one feature per character,
 * and a Map costs several times more per update.
 */
class FeatureCounts {
  readonly #keys: Uint32Array;
  readonly #counts: Uint32Array;
  readonly #mask: number;
  size = 0;

  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.#keys = new Uint32Array(capacity);
    this.#counts = new Uint32Array(capacity);
    this.#mask = capacity - 1;
  }

  add(hash: number, group: number): void {
    const key = ((hash & ~3) | group) >>> 0;
    // Slot 0 of #counts marks "empty", so any key (0 included) can be stored.
    let slot = (key ^ (key >>> 15)) & this.#mask;
    for (;;) {
      const count = this.#counts[slot]!;
      if (count === 0) {
        this.#keys[slot] = key;
        this.#counts[slot] = 1;
        this.size++;
        return;
      }
      if (this.#keys[slot] === key) {
        this.#counts[slot] = count + 1;
        return;
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  forEach(visit: (key: number, count: number) => void): void {
    for (let slot = 0; slot <= this.#mask; slot++) {
      const count = this.#counts[slot]!;
      if (count) visit(this.#keys[slot]!, count);
    }
  }
}

/** Trigrams of ` word ` hashed straight from char codes (no substring per trigram). */
function addTrigrams(word: string, counts: FeatureCounts): void {
  const n = word.length;
  let a = SPACE;
  let b = word.charCodeAt(0);
  for (let i = 1; i <= n; i++) {
    const c = i < n ? word.charCodeAt(i) : SPACE;
    let h = SEEDS[TRIGRAM]! ^ 0x811c9dc5;
    h = Math.imul(h ^ a, 0x01000193);
    h = Math.imul(h ^ b, 0x01000193);
    h = Math.imul(h ^ c, 0x01000193);
    counts.add(mix(h), TRIGRAM);
    a = b;
    b = c;
  }
}

function hashString(s: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix(h);
}

/** murmur3's finaliser: every input bit moves every output bit. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
