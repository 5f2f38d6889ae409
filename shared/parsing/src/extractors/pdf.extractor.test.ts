import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from '../extract.js';
import { ParseError } from '../parse-error.js';
import { encryptedPdf, imageOnlyPdf, textPdf } from '../test-support/pdf-fixtures.js';
import { blockContaining, extractSample, needsSamples, sampleBytes } from '../test-support/sample-docs.js';

test('testPDF.pdf: heading and body text of page 1', needsSamples, async () => {
  const doc = await extractSample('pdf/testPDF.pdf');
  assert.equal(doc.type, 'pdf');
  assert.equal(doc.pages, 1);
  const heading = blockContaining(doc, 'Tika - Content Analysis Toolkit');
  assert.equal(heading.kind, 'heading');
  const body = blockContaining(doc, 'Apache Tika is a toolkit for detecting and extracting metadata and structured text content from various documents');
  assert.equal(body.page, 1);
  assert.equal(body.kind, 'paragraph');
});

test('N18-3011.pdf (two columns): title, abstract on page 1, table caption on page 3, hyphenation undone', needsSamples, async () => {
  const doc = await extractSample('pdf/N18-3011.pdf');
  assert.equal(doc.pages, 8);
  assert.equal(doc.title, 'Construction of the Literature Graph in Semantic Scholar');
  assert.equal(blockContaining(doc, 'We describe a deployed scalable system for organizing published scientific literature into a heterogeneous graph').page, 1);
  assert.equal(blockContaining(doc, 'Table 1: Results of the ScienceParse system.').page, 3);
  const abstract = blockContaining(doc, 'Abstract');
  assert.equal(abstract.kind, 'heading');
});

test('2020.acl-main.207.pdf: a section heading on page 3 and a table caption on page 7', needsSamples, async () => {
  const doc = await extractSample('pdf/2020.acl-main.207.pdf');
  assert.equal(doc.pages, 13);
  assert.match(doc.title ?? '', /^SPECTER: Document-level Representation Learning/);
  const section = blockContaining(doc, '3 SCIDOCS Evaluation Framework');
  assert.equal(section.kind, 'heading');
  assert.equal(section.page, 3);
  assert.equal(blockContaining(doc, 'Table 1: Results on the SCIDOCS evaluation suite consisting of 7 tasks.').page, 7);
});

test('federal-register (three columns, 15 pages): text per page, running headers removed', needsSamples, async () => {
  const doc = await extractSample('pdf/federal-register-2020-17221.pdf');
  assert.equal(doc.pages, 15);
  assert.equal(blockContaining(doc, 'Airworthiness Directives; The Boeing Company Airplanes').page, 1);
  assert.equal(blockContaining(doc, '§ 39.13 [Amended]').page, 6);
  // "Federal Register / Vol. 85, No. 152 / Thursday, August 6, 2020 / Proposed Rules" tops pages 2-15.
  assert.equal(doc.blocks.filter((b) => b.text.includes('Vol. 85, No. 152 / Thursday')).length, 0);
  // Page 8 holds only a figure (an image of text): reported, not fatal.
  assert.deepEqual(doc.warnings, ['Page 8: no text layer (scanned images need OCR), skipped']);
  assert.equal(new Set(doc.blocks.map((b) => b.page)).size, 14);
});

test('nics-background-checks (a landscape table): each state row stays on one line', needsSamples, async () => {
  const doc = await extractSample('pdf/nics-background-checks-2015-11.pdf');
  const alabama = blockContaining(doc, 'Alabama 18,870 23,022 22,650');
  assert.equal(alabama.page, 1);
  assert.ok(doc.blocks.some((b) => b.text.includes('Wyoming')));
});

test('positions are [page, x0, x1, top, bottom] inside the page', needsSamples, async () => {
  const doc = await extractSample('pdf/N18-3011.pdf');
  for (const b of doc.blocks) {
    assert.equal(b.positions?.length, 1);
    const [page, x0, x1, top, bottom] = b.positions![0]!;
    assert.equal(page, b.page);
    assert.ok(x0 <= x1 && top <= bottom, JSON.stringify(b.positions));
    assert.ok(x0 >= 0 && x1 <= 600 && top >= 0 && bottom <= 850, JSON.stringify(b.positions));
  }
});

test('text at known coordinates: lines, headings by size, positions measured from the top', async () => {
  const pdf = textPdf([
    [
      { x: 72, y: 700, size: 20, text: 'Big Title' },
      { x: 72, y: 660, size: 10, text: 'First line of the body' },
      { x: 72, y: 648, size: 10, text: 'continues on a second line.' },
    ],
    [{ x: 100, y: 400, size: 10, text: 'Page two text.' }],
  ]);
  const doc = await extract(pdf, 'synthetic.pdf');
  assert.deepEqual(
    doc.blocks.map((b) => [b.kind, b.text, b.page]),
    [
      ['heading', 'Big Title', 1],
      ['paragraph', 'First line of the body continues on a second line.', 1],
      ['paragraph', 'Page two text.', 2],
    ],
  );
  const [page, x0, , top, bottom] = doc.blocks[2]!.positions![0]!;
  assert.deepEqual([page, x0], [2, 100]);
  assert.ok(top > 380 && top < 392 && bottom > 392 && bottom < 396, `${top} ${bottom}`);
});

test('parser_config pages: only the given ranges are read', async () => {
  const pdf = textPdf([1, 2, 3, 4].map((n) => [{ x: 72, y: 700, size: 10, text: `Text of page ${n}.` }]));
  const doc = await extract(pdf, 'ranges.pdf', { pages: [[2, 2], [4, 9]] });
  assert.deepEqual(doc.blocks.map((b) => b.page), [2, 4]);
  assert.equal(doc.pages, 4);
});

async function parseError(p: Promise<unknown>): Promise<ParseError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ParseError, `expected a ParseError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ParseError');
}

test('an encrypted PDF (user password) is reported as encrypted', async () => {
  const err = await parseError(extract(encryptedPdf(), 'locked.pdf'));
  assert.equal(err.code, 'encrypted');
  assert.equal(err.message, 'This PDF is encrypted and cannot be read');
});

test('an image-only PDF has no text layer', async () => {
  const err = await parseError(extract(imageOnlyPdf(), 'scan.pdf'));
  assert.equal(err.code, 'no_text');
  assert.equal(err.message, 'This PDF has no text layer (scanned images need OCR, which is not available)');
});

test('a truncated PDF is corrupt', needsSamples, async () => {
  const whole = sampleBytes('pdf/N18-3011.pdf');
  for (const share of [0.05, 0.5, 0.95]) {
    const err = await parseError(extract(whole.subarray(0, Math.floor(whole.length * share)), 'cut.pdf'));
    assert.equal(err.code, 'corrupt', `at ${share}`);
    assert.match(err.message, /^The file is not a valid PDF \(/);
  }
});

test('bytes named .pdf without a PDF header are corrupt', async () => {
  const err = await parseError(extract(Buffer.from('just some text, not a pdf'), 'fake.pdf'));
  assert.equal(err.code, 'corrupt');
  assert.equal(err.message, 'The file is not a valid PDF (no %PDF header)');
});

test('the caller buffer is left intact (pdf.js gets a copy)', needsSamples, async () => {
  const bytes = sampleBytes('pdf/testPDF.pdf');
  await extract(bytes, 'testPDF.pdf');
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(bytes.length > 30_000);
});
