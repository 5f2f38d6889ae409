import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_EMBEDDER } from '@rag/contracts';
import { cosine, dot } from '../vector-math.js';
import { HASHING_DIMENSIONS, HashingEmbedder, hashingVector } from './hashing-embedder.js';
import { lightStem, words } from './text-features.js';

const norm = (v: Float32Array) => Math.sqrt(dot(v, v));

test('the built-in embedder is named for what it is and has 384 dimensions', async () => {
  const model = new HashingEmbedder();
  assert.equal(model.name, BUILTIN_EMBEDDER);
  assert.equal(model.dimensions, HASHING_DIMENSIONS);
  const { vectors, tokens } = await model.embed(['one text', 'another text']);
  assert.equal(vectors.length, 2);
  assert.equal(vectors[0]!.length, 384);
  assert.ok(tokens > 0);
});

test('it is deterministic and every vector has norm 1, the empty text included', async () => {
  const texts = ['The warranty lasts two years.', '', '!!!', '中文文本检索', 'x'.repeat(10_000)];
  const a = await new HashingEmbedder().embed(texts);
  const b = await new HashingEmbedder().embed(texts);
  for (let i = 0; i < texts.length; i++) {
    assert.deepEqual([...a.vectors[i]!], [...b.vectors[i]!]);
    assert.ok(Math.abs(norm(a.vectors[i]!) - 1) < 1e-5, `norm of text ${i}`);
  }
});

test('texts sharing words are closer than unrelated texts', () => {
  const q = hashingVector('How long does the warranty last?');
  const related = hashingVector('The warranty lasts two years from the date of purchase.');
  const partly = hashingVector('Our return policy differs from the warranty terms.');
  const unrelated = hashingVector('Penguins live in the southern hemisphere and eat krill.');
  assert.ok(cosine(q, related) > 0);
  assert.ok(cosine(q, related) > cosine(q, partly), 'more shared words, more similar');
  assert.ok(cosine(q, partly) > cosine(q, unrelated), 'a shared word beats none');
  assert.ok(Math.abs(cosine(q, unrelated)) < 0.2, 'unrelated texts sit near 0');
});

test('word order counts through bigrams, inflections meet through stemming and trigrams', () => {
  const phrase = hashingVector('machine learning model');
  assert.ok(cosine(phrase, hashingVector('a machine learning model')) > cosine(phrase, hashingVector('model learning machine')));
  assert.ok(cosine(hashingVector('parsing documents'), hashingVector('the document was parsed')) > 0.4);
  assert.equal(lightStem('documents'), lightStem('document'));
  assert.equal(lightStem('parsing'), lightStem('parsed'));
  assert.equal(lightStem('running'), 'run');
  assert.equal(lightStem('databases'), lightStem('database'));
  assert.equal(lightStem('string'), 'string');
  assert.deepEqual(words('Hello, World! Ça va? 42x'), ['hello', 'world', 'ça', 'va', '42x']);
});

test('throughput is at least 5 MB/s of text on one core', (t) => {
  const vocab = ('retrieval augmented generation pipeline parses documents into chunks embeds them indexes vectors answers ' +
    'questions with citations the of and to in is for knowledge base dataset model server stream tokens latency throughput').split(' ');
  let seed = 0x1234;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const texts: string[] = [];
  let bytes = 0;
  while (bytes < 4_000_000) {
    let text = '';
    for (let i = 0; i < 150; i++) text += vocab[Math.floor(random() * vocab.length)] + (random() < 0.1 ? '. ' : ' ');
    texts.push(text);
    bytes += Buffer.byteLength(text);
  }
  for (const t of texts.slice(0, 100)) hashingVector(t); // warm up the JIT
  let best = 0;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    for (const t of texts) hashingVector(t);
    best = Math.max(best, bytes / 1e6 / ((performance.now() - start) / 1000));
  }
  t.diagnostic(`hashing embedder throughput: ${best.toFixed(1)} MB/s (best of 3 runs over ${(bytes / 1e6).toFixed(1)} MB)`);
  assert.ok(best >= 5, `throughput ${best.toFixed(1)} MB/s`);
});

test('a cancelled signal stops embedding', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(new HashingEmbedder().embed(['a'], { signal: controller.signal }), { name: 'ModelError', kind: 'aborted' });
});
