import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Block, ChunkDraft, ExtractedDocument } from '../document.types.js';
import { extract } from '../extract.js';
import { ParseError } from '../parse-error.js';
import { extractSample, needsSamples } from '../test-support/sample-docs.js';
import { countTokens } from '../tokenizer.js';
import { chunk, modelStepsRequested } from './chunk.js';

function textDoc(text: string, type: ExtractedDocument['type'] = 'text'): ExtractedDocument {
  return { type, blocks: text.split(/\n\s*\n/).map((t): Block => ({ kind: 'paragraph', text: t })) };
}

function wellFormed(chunks: ChunkDraft[]): ChunkDraft[] {
  for (const c of chunks) {
    assert.ok(c.content.trim(), 'no empty chunk');
    assert.equal(c.tokens, countTokens(c.content));
  }
  return chunks;
}

function throwsCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ParseError);
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });
}

test('table: one chunk per row, `header: value; header: value`', needsSamples, async () => {
  const chunks = wellFormed(chunk(await extractSample('csv/seattle-weather.csv'), 'table', {}, { filename: 'seattle-weather.csv' }));
  assert.equal(chunks.length, 1461);
  assert.equal(chunks[0]!.content, 'date: 2012-01-01; precipitation: 0.0; temp_max: 12.8; temp_min: 5.0; wind: 4.7; weather: drizzle');
  const sheet = chunk(await extractSample('xlsx/testEXCEL.xlsx'), 'table', {}, { filename: 'testEXCEL.xlsx' });
  assert.equal(sheet.length, 15);
  assert.deepEqual(sheet[11], { content: 'Number: 12; Square: 144', tokens: countTokens('Number: 12; Square: 144'), title: 'Feuil1' });
});

test('table: TAB-separated text works; text without a table is refused', () => {
  const tsv = chunk(textDoc('name\tcolour\napple\tred\nlime\tgreen'), 'table', {}, { filename: 'fruit.txt' });
  assert.deepEqual(tsv.map((c) => c.content), ['name: apple; colour: red', 'name: lime; colour: green']);
  throwsCode(() => chunk(textDoc('Just prose here.'), 'table', {}, { filename: 'prose.txt' }), 'unsupported', /table chunk method found nothing to chunk in prose.txt/);
});

test('qa: two-column tables (label header skipped), Q:/A: blocks, TAB lines', async () => {
  const csv = await extract(Buffer.from('Question,Answer\nWhat is RAG?,Retrieval-augmented generation.\n"Is it, really?","Yes,\nreally."\n'), 'faq.csv');
  const fromTable = wellFormed(chunk(csv, 'qa', {}, { filename: 'faq.csv' }));
  assert.deepEqual(fromTable.map((c) => [c.content, c.questions]), [
    ['Question: What is RAG?\tAnswer: Retrieval-augmented generation.', ['What is RAG?']],
    ['Question: Is it, really?\tAnswer: Yes,\nreally.', ['Is it, really?']],
  ]);
  const text = textDoc('Q: How do I reset?\nA: Hold the button\nfor ten seconds.\nQ: Warranty?\nA: Two years.\n\nColour options\tRed and blue');
  assert.deepEqual(chunk(text, 'qa', {}, { filename: 'faq.txt' }).map((c) => c.content), [
    'Question: How do I reset?\tAnswer: Hold the button\nfor ten seconds.',
    'Question: Warranty?\tAnswer: Two years.',
    'Question: Colour options\tAnswer: Red and blue',
  ]);
  // Every qa chunk splits on TAB into exactly question and answer (the chunk-update rule of §8.2).
  for (const c of fromTable) assert.equal(c.content.split('\t').length, 2);
});

test('qa: an FAQ document with headings reads heading = question; nothing found is an error', async () => {
  const md = await extract(Buffer.from('# FAQ\n\n## What is it?\n\nA parser.\n\n## Is it fast?\n\nYes.\n'), 'faq.md');
  assert.deepEqual(chunk(md, 'qa', {}, { filename: 'faq.md' }).map((c) => c.questions![0]), ['What is it?', 'Is it fast?']);
  throwsCode(() => chunk(textDoc('No pairs in here.'), 'qa', {}, { filename: 'x.txt' }), 'unsupported', /question\/answer pairs/);
});

test('tag: content column + tags column into important_keywords', async () => {
  const csv = await extract(Buffer.from('content,tags\nApples are red,"fruit, food"\nCars drive,vehicle;transport、road\n'), 'tags.csv');
  const chunks = wellFormed(chunk(csv, 'tag', {}, { filename: 'tags.csv' }));
  assert.deepEqual(chunks.map((c) => [c.content, c.important_keywords]), [
    ['Apples are red', ['fruit', 'food']],
    ['Cars drive', ['vehicle', 'transport', 'road']],
  ]);
});

test('laws: one chunk per article, chapter headings prefixed (English, §, Section, Chinese)', () => {
  const en = textDoc('Preamble text.\n\nChapter 1 General Provisions\nArticle 1 This law applies to everyone.\nArticle 2 Definitions follow.\nMore of article two.\n\nChapter 2 Duties\nArticle 3 Everyone must comply.');
  assert.deepEqual(chunk(en, 'laws', {}, { filename: 'law.txt' }).map((c) => [c.content, c.title]), [
    ['Preamble text.', undefined],
    ['Chapter 1 General Provisions\nArticle 1 This law applies to everyone.', 'Chapter 1 General Provisions'],
    ['Chapter 1 General Provisions\nArticle 2 Definitions follow.\nMore of article two.', 'Chapter 1 General Provisions'],
    ['Chapter 2 Duties\nArticle 3 Everyone must comply.', 'Chapter 2 Duties'],
  ]);
  const us = textDoc('§ 1 Short title.\n§ 2 Scope applies.\nSection 4.1 Fees are due.\nSection 4.2 Late fees.');
  assert.deepEqual(chunk(us, 'laws', {}, { filename: 'code.txt' }).map((c) => c.content), ['§ 1 Short title.', '§ 2 Scope applies.', 'Section 4.1 Fees are due.', 'Section 4.2 Late fees.']);
  const zh = textDoc('第一章 总则\n第一条 为了规范管理，制定本法。\n第二条 本法适用于全国。\n第二章 附则\n第十二条 本法自公布之日起施行。');
  assert.deepEqual(chunk(zh, 'laws', {}, { filename: 'law-zh.txt' }).map((c) => c.content), [
    '第一章 总则\n第一条 为了规范管理，制定本法。',
    '第一章 总则\n第二条 本法适用于全国。',
    '第二章 附则\n第十二条 本法自公布之日起施行。',
  ]);
});

test('laws: a long article is split within the budget, its chapter repeated', () => {
  const d = textDoc(`Chapter 9 Long\nArticle 1 ${'The party shall comply with all duties. '.repeat(60)}`);
  const chunks = wellFormed(chunk(d, 'laws', { chunk_token_num: 64 }, { filename: 'long.txt' }));
  assert.ok(chunks.length > 5);
  for (const c of chunks) {
    assert.ok(c.content.startsWith('Chapter 9 Long\n'));
    assert.ok(c.tokens <= 64, String(c.tokens));
  }
});

test('laws on the Federal Register sample: § 39.13 starts its own chunk', needsSamples, async () => {
  const chunks = chunk(await extractSample('pdf/federal-register-2020-17221.pdf'), 'laws', {}, { filename: 'fr.pdf' });
  assert.ok(chunks.some((c) => /(^|\n)§ 39\.13 \[Amended\]/.test(c.content)));
  assert.ok(chunks.every((c) => c.tokens <= 512));
});

test('presentation: one chunk per slide, titled by its first line; one per page for PDF', needsSamples, async () => {
  const slides = chunk(await extractSample('pptx/science-exploration-1p.pptx'), 'presentation', {}, { filename: 's.pptx' });
  assert.equal(slides.length, 1);
  assert.equal(slides[0]!.title, 'GSFC: Sciences and Exploration Directorate');
  const pages = chunk(await extractSample('pdf/N18-3011.pdf'), 'presentation', {}, { filename: 'N18-3011.pdf' });
  assert.equal(pages.length, 8);
  assert.deepEqual(pages.map((c) => c.positions![0]![0]), [1, 2, 3, 4, 5, 6, 7, 8]);
  throwsCode(() => chunk(textDoc('x'), 'presentation', {}, { filename: 'notes.txt' }), 'unsupported', /needs slides \(\.pptx\) or pages \(\.pdf\)/);
});

test('one: the whole document in a single chunk', needsSamples, async () => {
  const d = await extractSample('md/rust-book-ch03-02-data-types.md');
  const [only, ...rest] = wellFormed(chunk(d, 'one', { chunk_token_num: 128 }, { filename: 'ch.md' }));
  assert.equal(rest.length, 0);
  assert.ok(only!.tokens > 3000);
  assert.ok(only!.content.startsWith('Data Types\nEvery value in Rust'));
});

test('email: the header is a chunk, the body follows in naive chunks; other files are refused', needsSamples, async () => {
  const chunks = wellFormed(chunk(await extractSample('eml/testEmailWithPNGAtt.eml'), 'email', {}, { filename: 'm.eml' }));
  assert.deepEqual(chunks.map((c) => [c.content.split('\n')[0], c.title]), [
    ['Subject: Test Attachment Email', 'Test Attachment Email'],
    ['This email has a PNG attachment included in it', 'Test Attachment Email'],
  ]);
  throwsCode(() => chunk(textDoc('hello'), 'email', {}, { filename: 'a.txt' }), 'unsupported', /needs an email message/);
});

test('paper: the abstract is one chunk whatever the budget; sections open with their heading', needsSamples, async () => {
  const chunks = wellFormed(chunk(await extractSample('pdf/N18-3011.pdf'), 'paper', { chunk_token_num: 64 }, { filename: 'N18-3011.pdf' }));
  const abstract = chunks.find((c) => c.title === 'Abstract')!;
  assert.ok(abstract.content.startsWith('Abstract\nWe describe a deployed scalable system'));
  assert.ok(abstract.tokens > 64);
  const intro = chunks.filter((c) => c.title === '1 Introduction');
  assert.ok(intro.length > 1);
  assert.ok(intro[0]!.content.startsWith('1 Introduction\n'));
  assert.ok(chunks.filter((c) => c !== abstract).every((c) => c.tokens <= 64));
});

test('manual: every chunk starts with its heading path', needsSamples, async () => {
  const md = chunk(await extractSample('md/rust-book-ch03-02-data-types.md'), 'manual', { chunk_token_num: 256 }, { filename: 'ch.md' });
  const integer = md.find((c) => c.title === 'Data Types > Scalar Types > Integer Types')!;
  assert.ok(integer.content.startsWith('Data Types > Scalar Types > Integer Types\nAn integer is a number without a fractional component.'));
  const handbook = chunk(await extractSample('docx/handbook-872p.docx'), 'manual', {}, { filename: 'handbook.docx' });
  assert.ok(handbook.some((c) => c.content.startsWith('CHAPTER 1 – INTRODUCTION > A. PURPOSE\n')));
  assert.ok(handbook.every((c) => c.tokens <= 512));
});

test('book: chunks never span two chapters or sections', needsSamples, async () => {
  const chunks = wellFormed(chunk(await extractSample('md/rust-book-ch03-02-data-types.md'), 'book', { chunk_token_num: 512 }, { filename: 'ch.md' }));
  const titles = [...new Set(chunks.map((c) => c.title))];
  assert.deepEqual(titles, ['Data Types', 'Data Types > Scalar Types', 'Data Types > Compound Types']);
  assert.ok(chunks.find((c) => c.title === 'Data Types > Compound Types')!.content.startsWith('Compound Types\n'));
});

test('methods that need a model are refused with a code, not approximated', () => {
  const d = textDoc('Some text.');
  throwsCode(() => chunk(d, 'picture', {}, { filename: 'a.txt' }), 'needs_ocr');
  throwsCode(() => chunk(d, 'knowledge_graph', {}, { filename: 'a.txt' }), 'needs_llm');
  throwsCode(() => chunk(d, 'resume', {}, { filename: 'a.txt' }), 'needs_llm');
  throwsCode(() => chunk(d, 'nonsense', {}, { filename: 'a.txt' }), 'unsupported', /Unknown chunk method: nonsense/);
  assert.deepEqual(modelStepsRequested({ raptor: { use_raptor: true }, graphrag: { use_graphrag: false } }), ['raptor']);
  assert.deepEqual(modelStepsRequested(null), []);
});

test('every method on every sample: well-formed chunks or a ParseError, never a crash', needsSamples, async () => {
  const files = ['pdf/testPDF.pdf', 'docx/testWORD.docx', 'xlsx/testEXCEL.xlsx', 'pptx/testMSChart-govdocs-428996.pptx', 'html/httpd-logs.html', 'json/penguins.json', 'eml/delivery-status.eml'];
  const methods = ['naive', 'qa', 'table', 'one', 'presentation', 'email', 'paper', 'book', 'laws', 'manual', 'tag'];
  for (const f of files) {
    const d = await extractSample(f);
    for (const m of methods) {
      try {
        wellFormed(chunk(d, m, { chunk_token_num: 128 }, { filename: f }));
      } catch (err) {
        assert.ok(err instanceof ParseError, `${m} on ${f}: ${String(err)}`);
      }
    }
  }
});
