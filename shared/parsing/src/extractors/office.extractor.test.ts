import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockContaining, extractSample, findBlock, needsSamples } from '../test-support/sample-docs.js';

test('testWORD.docx: title, heading levels, nested table, hyperlink text', needsSamples, async () => {
  const doc = await extractSample('docx/testWORD.docx');
  assert.equal(doc.type, 'docx');
  assert.equal(doc.title, 'Sample Word Document');
  const headings = doc.blocks.filter((b) => b.kind === 'heading').map((b) => [b.level, b.text]);
  assert.deepEqual(headings, [
    [1, 'Sample Word Document Title'],
    [1, 'Main Heading'],
    [1, 'Heading Level 1'],
    [2, 'Heading Level 2'],
    [3, 'Heading Level 3'],
  ]);
  const table = findBlock(doc, (b) => b.kind === 'table');
  assert.equal(table.rows?.[0]?.[0], 'This is a table');
  assert.ok(table.text.includes('Nested table') && table.text.includes('More of our nested table'));
  assert.equal(blockContaining(doc, 'Apache Tika: http://tika.apache.org/').kind, 'paragraph');
  assert.equal(blockContaining(doc, 'This document includes text that is BOLD and ITALIC.').kind, 'paragraph');
});

test('handbook-872p.docx: chapters and sections as headings, tables kept, parsed in seconds', needsSamples, async () => {
  const start = performance.now();
  const doc = await extractSample('docx/handbook-872p.docx');
  const ms = performance.now() - start;
  const heading = findBlock(doc, (b) => b.kind === 'heading' && b.text === 'CHAPTER 1 – INTRODUCTION');
  assert.equal(heading.level, 1);
  assert.equal(findBlock(doc, (b) => b.kind === 'heading' && b.text === 'A. PURPOSE').level, 2);
  assert.ok(doc.blocks.filter((b) => b.kind === 'heading').length > 250);
  const table = findBlock(doc, (b) => b.kind === 'table');
  assert.ok(table.text.includes('11 U.S.C. § 343'));
  assert.ok(doc.blocks.reduce((n, b) => n + b.text.length, 0) > 700_000);
  // Generous bound: CI machines are shared; on an idle machine this is ~1.5 s (mammoth dominates).
  assert.ok(ms < 15_000, `took ${ms} ms`);
});

test('testEXCEL.xlsx: title line, header row, formula results, sheet name', needsSamples, async () => {
  const doc = await extractSample('xlsx/testEXCEL.xlsx');
  assert.equal(doc.type, 'xlsx');
  const table = findBlock(doc, (b) => b.kind === 'table');
  assert.equal(table.sheet, 'Feuil1');
  assert.equal(table.header, true);
  assert.deepEqual(table.rows?.[0], ['Number', 'Square']);
  assert.deepEqual(table.rows?.[12], ['12', '144']);
  assert.equal(table.rows?.length, 16);
  assert.equal(blockContaining(doc, 'Sample Excel Worksheet - Numbers and their Squares').kind, 'paragraph');
  assert.equal(blockContaining(doc, 'Written and saved in Microsoft Excel X for Mac').kind, 'paragraph');
});

test('testMSChart xlsx: the embedded MS Graph chart data becomes a table', needsSamples, async () => {
  const doc = await extractSample('xlsx/testMSChart-govdocs-428996.xlsx');
  const table = findBlock(doc, (b) => b.kind === 'table');
  assert.equal(table.sheet, 'Sheet1');
  assert.deepEqual(table.rows?.[0], ['', '2002', '2003', '2004', '2005']);
  assert.deepEqual(table.rows?.[1], ['Tech Partners', '4175', '3406', '3500', '2470']);
  assert.deepEqual(table.rows?.[3], ['Total', '11790', '10370', '9608', '7485']);
});

test('science-exploration-1p.pptx: one slide block, title first, body in order', needsSamples, async () => {
  const doc = await extractSample('pptx/science-exploration-1p.pptx');
  assert.equal(doc.type, 'pptx');
  assert.equal(doc.pages, 1);
  assert.equal(doc.blocks.length, 1);
  const slide = doc.blocks[0]!;
  assert.equal(slide.kind, 'slide');
  assert.equal(slide.page, 1);
  const lines = slide.text.split('\n');
  assert.equal(lines[0], 'GSFC: Sciences and Exploration Directorate');
  assert.equal(lines[1], 'Virtual Machine Environment Scorecard');
  assert.ok(lines.indexOf('Code 610: Earth Sciences Division') > lines.indexOf('Code 600: Sciences and Exploration Directorate (SED)'));
  assert.equal(doc.title, 'GSFC: Sciences and Exploration Directorate');
});

test('testMSChart pptx: text boxes first, then the chart data sheet', needsSamples, async () => {
  const doc = await extractSample('pptx/testMSChart-govdocs-428996.pptx');
  const slide = doc.blocks[0]!;
  assert.ok(slide.text.includes('Thin Film Partnership Subcontract Budgets (out the door);'));
  assert.ok(slide.text.includes('door has dropped 36%'));
  assert.ok(slide.text.includes('R&D Partners | 7614 | 6964 | 6108 | 5015'));
  assert.ok(slide.text.indexOf('Thin Film') < slide.text.indexOf('Tech Partners'));
});
