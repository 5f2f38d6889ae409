import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Block, ChunkDraft, ExtractedDocument } from '../document.types.js';
import { extractSample, needsSamples } from '../test-support/sample-docs.js';
import { countTokens, tokenizeForIndex } from '../tokenizer.js';
import { chunk } from './chunk.js';
import { parseDelimiters } from './delimiters.js';
import { fitToTokens } from './fit-tokens.js';

const ctx = { filename: 'test.txt' };

function doc(blocks: Block[], type: ExtractedDocument['type'] = 'text'): ExtractedDocument {
  return { type, blocks };
}

function words(text: string): string[] {
  return tokenizeForIndex(text).sort();
}

function assertWellFormed(chunks: ChunkDraft[]): void {
  for (const c of chunks) {
    assert.ok(c.content.trim().length > 0, 'no empty chunks');
    assert.equal(c.tokens, countTokens(c.content), 'tokens is the cl100k count of content');
  }
}

test('delimiter config: escaped \\n, several characters, backtick-quoted multi-character delimiters', () => {
  assert.deepEqual(parseDelimiters('\\n'), { soft: ['\n'], hard: [] });
  assert.deepEqual(parseDelimiters('\n'), { soft: ['\n'], hard: [] });
  assert.deepEqual(parseDelimiters('\\n!?。；！？'), { soft: ['\n', '!', '?', '。', '；', '！', '？'], hard: [] });
  assert.deepEqual(parseDelimiters('`##`\\n'), { soft: ['\n'], hard: ['##'] });
  assert.deepEqual(parseDelimiters('`---``\\n\\n`'), { soft: [], hard: ['---', '\n\n'] });
  assert.deepEqual(parseDelimiters(undefined), { soft: ['\n'], hard: [] });
  assert.deepEqual(parseDelimiters(''), { soft: ['\n'], hard: [] });
});

test('fitToTokens: sentences first, then words, then token boundaries; nothing lost', () => {
  const text = 'First sentence is here. Second sentence follows it! Third one? ' + 'word '.repeat(300) + '字'.repeat(500);
  const parts = fitToTokens(text, 40);
  assert.equal(parts.join(''), text);
  for (const p of parts) assert.ok(countTokens(p) <= 40, `${countTokens(p)}: ${p.slice(0, 40)}`);
  assert.equal(parts[0], 'First sentence is here. Second sentence follows it! Third one? ');
});

test('naive: no chunk exceeds chunk_token_num, and every word of the document is kept', needsSamples, async () => {
  for (const [file, limit] of [
    ['pdf/N18-3011.pdf', 128],
    ['md/rust-book-ch03-02-data-types.md', 64],
    ['html/httpd-mod_ssl.html', 256],
    ['json/penguins.json', 100],
    ['eml/delivery-status.eml', 32],
  ] as const) {
    const d = await extractSample(file);
    const chunks = chunk(d, 'naive', { chunk_token_num: limit }, { filename: file });
    assertWellFormed(chunks);
    const over = chunks.filter((c) => c.tokens > limit);
    assert.deepEqual(over.map((c) => c.tokens), [], `${file}: chunks over ${limit} tokens`);
    const tablesFree = d.blocks.every((b) => b.kind !== 'table');
    if (tablesFree) assert.deepEqual(words(chunks.map((c) => c.content).join('\n')), words(d.blocks.map((b) => b.text).join('\n')), file);
  }
});

test('naive: the default 512-token budget on a 127k-word manual', needsSamples, async () => {
  const d = await extractSample('docx/handbook-872p.docx');
  const start = performance.now();
  const chunks = chunk(d, 'naive', { chunk_token_num: 512, delimiter: '\\n' }, { filename: 'handbook-872p.docx' });
  const ms = performance.now() - start;
  assertWellFormed(chunks);
  assert.ok(chunks.every((c) => c.tokens <= 512));
  assert.ok(chunks.length > 300 && chunks.length < 600, `${chunks.length} chunks`);
  // Packing is greedy: chunks are mostly full.
  const mean = chunks.reduce((n, c) => n + c.tokens, 0) / chunks.length;
  assert.ok(mean > 350, `mean ${mean}`);
  assert.ok(ms < 15_000, `took ${ms} ms`);
});

test('naive: soft delimiters are where chunks end', () => {
  const text = Array.from({ length: 40 }, (_, i) => `clause number ${i} of the agreement;`).join(' ');
  const chunks = chunk(doc([{ kind: 'paragraph', text }]), 'naive', { chunk_token_num: 30, delimiter: ';' }, ctx);
  assertWellFormed(chunks);
  assert.ok(chunks.length > 5);
  for (const c of chunks) {
    assert.ok(c.content.endsWith(';'), c.content);
    assert.ok(c.tokens <= 30);
  }
});

test('naive: a backtick-quoted delimiter always cuts, is dropped, and is never merged across', () => {
  const text = 'alpha one\n## beta two\ngamma three ## delta four';
  const chunks = chunk(doc([{ kind: 'paragraph', text }]), 'naive', { chunk_token_num: 500, delimiter: '`##`' }, ctx);
  assert.deepEqual(chunks.map((c) => c.content), ['alpha one', 'beta two\ngamma three', 'delta four']);
});

test('naive: overlapped_percent repeats the tail of a chunk at the start of the next', () => {
  const text = Array.from({ length: 30 }, (_, i) => `Sentence ${i} says something.`).join('\n');
  const plain = chunk(doc([{ kind: 'paragraph', text }]), 'naive', { chunk_token_num: 40 }, ctx);
  const overlapped = chunk(doc([{ kind: 'paragraph', text }]), 'naive', { chunk_token_num: 40, overlapped_percent: 25 }, ctx);
  assertWellFormed(overlapped);
  assert.ok(overlapped.length > plain.length);
  for (let i = 1; i < overlapped.length; i++) {
    const prevLast = overlapped[i - 1]!.content.split('\n').pop()!;
    assert.ok(overlapped[i]!.content.startsWith(prevLast), `chunk ${i} starts with the previous tail`);
    assert.ok(overlapped[i]!.tokens <= 40);
  }
  // A fraction means the same as a percent.
  assert.deepEqual(chunk(doc([{ kind: 'paragraph', text }]), 'naive', { chunk_token_num: 40, overlapped_percent: 0.25 }, ctx), overlapped);
});

test('naive: a heading never ends a chunk; it moves to the chunk of its section', () => {
  const blocks: Block[] = [];
  for (let i = 0; i < 6; i++) {
    blocks.push({ kind: 'heading', text: `Section ${i}`, level: 2 });
    blocks.push({ kind: 'paragraph', text: `Body of section ${i} has a few words in it, enough to count.` });
  }
  const chunks = chunk(doc(blocks), 'naive', { chunk_token_num: 35 }, ctx);
  for (const c of chunks) assert.ok(!/Section \d$/.test(c.content), `ends with a heading: ${JSON.stringify(c.content)}`);
});

test('naive: a single sentence longer than the budget is cut, words kept whole', () => {
  const text = `${'long '.repeat(400)}end.`;
  const chunks = chunk(doc([{ kind: 'paragraph', text }]), 'naive', { chunk_token_num: 50 }, ctx);
  assert.ok(chunks.length >= 8);
  for (const c of chunks) {
    assert.ok(c.tokens <= 50);
    assert.match(c.content, /^(long )*(long|end\.)$/);
  }
});

test('naive: whitespace-only blocks never make chunks; tables become header: value rows', () => {
  const d = doc([
    { kind: 'paragraph', text: '   ' },
    { kind: 'table', text: '', rows: [['city', 'pop'], ['Oslo', '700k'], ['Bergen', '']], header: true },
  ], 'csv');
  assert.deepEqual(chunk(d, 'naive', {}, ctx).map((c) => c.content), ['city: Oslo; pop: 700k\ncity: Bergen']);
});

test('naive + html4excel: a table becomes HTML tables of its own, header repeated, within budget', needsSamples, async () => {
  const small = chunk(await extractSample('xlsx/testEXCEL.xlsx'), 'naive', { html4excel: true }, { filename: 'testEXCEL.xlsx' });
  const table = small.find((c) => c.content.startsWith('<table>'))!;
  assert.ok(table.content.startsWith('<table><caption>Feuil1</caption><tr><th>Number</th><th>Square</th></tr><tr><td>1</td><td>1</td></tr>'));
  assert.ok(table.content.endsWith('<tr><td>15</td><td>225</td></tr></table>'));
  const big = chunk(await extractSample('csv/seattle-weather.csv'), 'naive', { html4excel: true, chunk_token_num: 512 }, { filename: 'seattle-weather.csv' });
  assert.ok(big.length > 10);
  for (const c of big) {
    assert.ok(c.tokens <= 512, String(c.tokens));
    assert.ok(c.content.startsWith('<table><tr><th>date</th><th>precipitation</th>'));
    assert.ok(c.content.endsWith('</table>'));
  }
});
