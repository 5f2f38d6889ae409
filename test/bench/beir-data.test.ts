import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanRanking, contentOf, fileNameOf, idOfFileName, ndcgAt, parseQrels, recallAt } from './beir-data.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≉ ${b}`);

test('nDCG@k: graded gain, log2 discount, ideal from the qrels (not from the ranking)', () => {
  const rels = new Map([
    ['a', 2],
    ['b', 1],
    ['z', 1], // judged relevant, never retrieved: still in the ideal
    ['n', 0],
  ]);
  const idcg = 2 / Math.log2(2) + 1 / Math.log2(3) + 1 / Math.log2(4);
  close(ndcgAt(['a', 'b', 'z'], rels, 10), 1);
  close(ndcgAt(['x', 'a', 'n', 'b'], rels, 10), (2 / Math.log2(3) + 1 / Math.log2(5)) / idcg);
  // Cut at k: only the first k ranks count, the ideal is cut at k too.
  close(ndcgAt(['x', 'a'], rels, 1), 0);
  close(ndcgAt(['b', 'a'], rels, 1), 1 / 2);
  assert.equal(ndcgAt(['a'], new Map([['a', 0]]), 10), 0);
});

test('recall@k counts judged relevant docs (relevance > 0) among the first k', () => {
  const rels = new Map([
    ['a', 1],
    ['b', 2],
    ['c', 0],
  ]);
  assert.equal(recallAt(['c', 'a', 'x'], rels, 100), 0.5);
  assert.equal(recallAt(['x', 'a', 'b'], rels, 2), 0.5);
  assert.equal(recallAt(['a', 'b'], rels, 2), 1);
  assert.equal(recallAt(['a'], new Map(), 2), 0);
});

test('rankings drop repeats and the query itself (ArguAna); file names map back to corpus ids', () => {
  assert.deepEqual(cleanRanking(['q', 'a', 'b', 'a', 'c'], 'q'), ['a', 'b', 'c']);
  assert.deepEqual(cleanRanking(['q', 'a']), ['q', 'a']);
  const doc = { _id: 'test-env-pro02a', title: 'T', text: 'body' };
  assert.equal(fileNameOf(doc), 'test-env-pro02a.txt');
  assert.equal(idOfFileName(fileNameOf(doc)), doc._id);
  assert.equal(contentOf(doc), 'T\nbody');
});

test('qrels: header skipped, graded scores kept', () => {
  const q = parseQrels('query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t1\nq2\td3\t1\n');
  assert.deepEqual([...q.get('q1')!.entries()], [
    ['d1', 2],
    ['d2', 1],
  ]);
  assert.equal(q.get('q2')!.get('d3'), 1);
});
