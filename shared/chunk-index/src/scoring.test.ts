import assert from 'node:assert/strict';
import { test } from 'node:test';
import { docAggs } from './chunk-index.js';
import { cosine, normalized, pageOf, rankCandidates } from './scoring.js';

test('rankCandidates: BM25 normalised by the best candidate, weighted sum, threshold, order', () => {
  const ranked = rankCandidates(
    [
      { key: 'a', bm25: 8, cosine: 0.2, order: 'a' },
      { key: 'b', bm25: 2, cosine: 0.9, order: 'b' },
      { key: 'c', cosine: 0.5, order: 'c' },
      { key: 'd', bm25: 4, cosine: -0.4, order: 'd' },
    ],
    { vectorWeight: 0.3, similarityThreshold: 0.2 },
  );
  const r = (x: number) => Math.round(x * 1e9) / 1e9;
  assert.deepEqual(
    ranked.map((s) => [s.key, r(s.similarity), s.term_similarity, s.vector_similarity]),
    [
      ['a', r(0.3 * 0.2 + 0.7), 1, 0.2],
      ['b', r(0.3 * 0.9 + 0.7 * 0.25), 0.25, 0.9],
      ['d', r(0.3 * -0.4 + 0.7 * 0.5), 0.5, -0.4],
    ],
  );
  // c: 0.3·0.5 = 0.15 < 0.2 → dropped.
  const ties = rankCandidates(
    [{ key: 2, cosine: 0.5, order: 'z' }, { key: 1, cosine: 0.5, order: 'y' }],
    { vectorWeight: 1, similarityThreshold: 0 },
  );
  assert.deepEqual(ties.map((s) => s.key), [1, 2], 'ties break by id');
  const heavy = rankCandidates([{ key: 'x', bm25: 1, cosine: 0.5, order: 'x' }], { vectorWeight: 10, similarityThreshold: -100 });
  assert.equal(heavy[0]!.similarity, 10 * 0.5 - 9 * 1, 'weights outside [0,1] apply as given');
  assert.deepEqual(rankCandidates([{ key: 'x', cosine: 0, order: 'x' }], { vectorWeight: 0, similarityThreshold: 0 }).length, 1, 'threshold is inclusive');
});

test('pageOf is 1-based and empty outside the range', () => {
  const items = [1, 2, 3, 4, 5];
  assert.deepEqual(pageOf(items, 1, 2), [1, 2]);
  assert.deepEqual(pageOf(items, 3, 2), [5]);
  assert.deepEqual(pageOf(items, 4, 2), []);
  assert.deepEqual(pageOf(items, 0, 2), []);
  assert.deepEqual(pageOf(items, 1, 0), []);
});

test('cosine and normalisation', () => {
  assert.ok(Math.abs(cosine(new Float32Array([1, 1]), new Float32Array([2, 0])) - Math.SQRT1_2) < 1e-7);
  assert.equal(cosine(new Float32Array([0, 0]), new Float32Array([1, 0])), 0);
  assert.equal(cosine(new Float32Array([1]), new Float32Array([1, 0])), 0, 'different dimensions never match');
  assert.deepEqual([...normalized(new Float32Array([3, 4]))].map((x) => Math.round(x * 1e6) / 1e6), [0.6, 0.8]);
});

test('docAggs counts chunks per document, most first', () => {
  const hits = [
    { document_id: 'd1', document_name: 'one' },
    { document_id: 'd2', document_name: 'two' },
    { document_id: 'd2', document_name: 'two' },
    { document_id: 'd3', document_name: 'three' },
  ];
  assert.deepEqual(docAggs(hits), [
    { doc_name: 'two', doc_id: 'd2', count: 2 },
    { doc_name: 'one', doc_id: 'd1', count: 1 },
    { doc_name: 'three', doc_id: 'd3', count: 1 },
  ]);
  assert.deepEqual(docAggs([]), []);
});
