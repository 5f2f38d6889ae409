import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitThinking, ThinkSplitter, type SplitPiece } from './think-splitter.js';

function run(chunks: string[]): { content: string; reasoning: string; pieces: SplitPiece[] } {
  const splitter = new ThinkSplitter();
  const pieces = [...chunks.flatMap((c) => splitter.push(c)), ...splitter.flush()];
  return {
    pieces,
    content: pieces.map((p) => p.content ?? '').join(''),
    reasoning: pieces.map((p) => p.reasoning ?? '').join(''),
  };
}

const SAMPLE = 'Intro <think>step one, then <b>two</b></think>\n\nThe answer is 42. a < b and c<th';

test('every way of cutting the stream in two gives the same split', () => {
  const expected = { content: 'Intro The answer is 42. a < b and c<th', reasoning: 'step one, then <b>two</b>' };
  for (let i = 0; i <= SAMPLE.length; i++) {
    const r = run([SAMPLE.slice(0, i), SAMPLE.slice(i)]);
    assert.deepEqual({ content: r.content, reasoning: r.reasoning }, expected, `cut at ${i}`);
  }
});

test('a stream arriving one character at a time splits the same way', () => {
  const r = run([...SAMPLE]);
  assert.equal(r.reasoning, 'step one, then <b>two</b>');
  assert.equal(r.content, 'Intro The answer is 42. a < b and c<th');
});

test('reasoning comes before the answer, as separate pieces', () => {
  const r = run(['<thi', 'nk>Let me see', '.</th', 'ink>Yes', '.']);
  assert.deepEqual(r.pieces, [{ reasoning: 'Let me see' }, { reasoning: '.' }, { content: 'Yes' }, { content: '.' }]);
});

test('text without think tags passes straight through, a held-back "<" included', () => {
  const splitter = new ThinkSplitter();
  assert.deepEqual(splitter.push('plain text <'), [{ content: 'plain text ' }]);
  assert.deepEqual(splitter.push('3 is true'), [{ content: '<3 is true' }]);
  assert.deepEqual(splitter.flush(), []);
});

test('an unterminated think block is all reasoning; several blocks alternate', () => {
  assert.deepEqual(splitThinking('<think>still thinking'), { content: '', reasoning: 'still thinking' });
  assert.deepEqual(splitThinking('a<think>x</think>b<think>y</think>c'), { content: 'abc', reasoning: 'xy' });
});
