import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { chunk } from './chunking/chunk.js';
import { extract } from './extract.js';
import { manifestFiles, needsSamples, sampleBytes } from './test-support/sample-docs.js';

/**
 * The whole sample corpus: every file of MANIFEST.tsv extracts to text and chunks within the
 * default budget. Timings are reported as test diagnostics (`# …` lines in the TAP output).
 */
test('every sample document extracts and chunks; timings', needsSamples, async (t) => {
  const files = manifestFiles();
  assert.equal(files.length, 21);
  let total = 0;
  for (const file of files) {
    const data = sampleBytes(file);
    const start = performance.now();
    const doc = await extract(data, path.basename(file));
    const extractMs = performance.now() - start;
    const chunks = chunk(doc, 'naive', { chunk_token_num: 512 }, { filename: path.basename(file) });
    const chunkMs = performance.now() - start - extractMs;
    total += extractMs + chunkMs;
    assert.ok(doc.blocks.length > 0, file);
    assert.ok(chunks.length > 0 && chunks.every((c) => c.tokens <= 512 && c.content.trim()), file);
    t.diagnostic(`${file}: extract ${extractMs.toFixed(0)} ms, naive chunk ${chunkMs.toFixed(0)} ms, ${doc.blocks.length} blocks, ${chunks.length} chunks`);
  }
  t.diagnostic(`all ${files.length} samples: ${total.toFixed(0)} ms`);
});
