import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import JSZip from 'jszip';
import { extract } from './extract.js';
import { ParseError, type ParseErrorCode } from './parse-error.js';
import { buildCfb } from './test-support/cfb-writer.js';
import { needsSamples, sampleBytes } from './test-support/sample-docs.js';

async function failure(data: Buffer, name: string): Promise<ParseError> {
  try {
    await extract(data, name);
  } catch (err) {
    assert.ok(err instanceof ParseError, `${name}: expected a ParseError, got ${String(err)}`);
    return err;
  }
  assert.fail(`${name}: expected a ParseError`);
}

async function expectError(data: Buffer, name: string, code: ParseErrorCode, message?: string | RegExp): Promise<void> {
  const err = await failure(data, name);
  assert.equal(err.code, code, `${name}: ${err.message}`);
  if (typeof message === 'string') assert.equal(err.message, message);
  else if (message) assert.match(err.message, message);
}

test('a 0-byte file is empty, whatever its type', async () => {
  for (const name of ['a.pdf', 'a.docx', 'a.txt', 'a.json', 'a.eml', 'a.xlsx', 'noext']) await expectError(Buffer.alloc(0), name, 'empty', 'Empty file');
});

test('whitespace-only text is empty too', async () => {
  await expectError(Buffer.from('  \n\t\n'), 'blank.txt', 'empty', 'The file contains only whitespace');
  await expectError(Buffer.from('\n\n'), 'blank.md', 'empty');
});

test('random bytes named .docx/.xlsx/.pptx are corrupt', async () => {
  const junk = randomBytes(4096);
  junk[0] = 0x42; // never accidentally a zip or compound-file signature
  await expectError(junk, 'report.docx', 'corrupt', 'The file is not a valid DOCX (it is not a zip archive)');
  await expectError(junk, 'sheet.xlsx', 'corrupt', 'The file is not a valid XLSX (it is not a zip archive)');
  await expectError(junk, 'deck.pptx', 'corrupt', 'The file is not a valid PPTX (it is not a zip archive)');
});

test('a broken zip named .docx is corrupt', async () => {
  const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), randomBytes(2000)]);
  await expectError(zip, 'broken.docx', 'corrupt', 'The file is not a valid DOCX (zip archive is corrupt)');
});

test('a truncated DOCX is corrupt, not a crash', needsSamples, async () => {
  const whole = sampleBytes('docx/testWORD.docx');
  await expectError(whole.subarray(0, Math.floor(whole.length / 2)), 'half.docx', 'corrupt');
});

test('a zip that is no Office document is unsupported; a docx without its main part is corrupt', async () => {
  const zip = new JSZip();
  zip.file('hello.txt', 'hi');
  const bytes = await zip.generateAsync({ type: 'nodebuffer' });
  await expectError(bytes, 'archive.zip', 'unsupported', 'The file is a zip archive but not a DOCX, XLSX or PPTX document');
  await expectError(bytes, 'fake.docx', 'corrupt', 'The file is not a valid DOCX (word/document.xml is missing)');
});

test('a zip that would inflate past the memory budget is refused before it is inflated', async () => {
  const zip = new JSZip();
  zip.file('word/document.xml', 'x'.repeat(1000));
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
  // Claim 3.75 GB in the file's central directory entry (offset 24: uncompressed size; 46: name).
  const cd = bytes.indexOf(Buffer.from('PK\x01\x02', 'latin1'), bytes.lastIndexOf(Buffer.from('word/document.xml')) - 46);
  bytes.writeUInt32LE(0xf0000000, cd + 24);
  await expectError(bytes, 'bomb.docx', 'unsupported', 'The DOCX expands to 3840 MB, more than the 1024 MB the parser accepts');
});

test('a PDF named .docx is read as the PDF it is', needsSamples, async () => {
  const doc = await extract(sampleBytes('pdf/testPDF.pdf'), 'report.docx');
  assert.equal(doc.type, 'pdf');
  assert.ok(doc.blocks.some((b) => b.text.includes('Tika - Content Analysis Toolkit')));
});

test('a workbook named .docx is read as the workbook it is', needsSamples, async () => {
  const doc = await extract(sampleBytes('xlsx/testEXCEL.xlsx'), 'numbers.docx');
  assert.equal(doc.type, 'xlsx');
});

test('a password-protected DOCX (encrypted package in a compound file) is encrypted', async () => {
  const locked = buildCfb([{ name: 'EncryptionInfo', data: Buffer.from([4, 0, 4, 0]) }, { name: 'EncryptedPackage', data: randomBytes(700) }]);
  await expectError(locked, 'locked.docx', 'encrypted', 'This DOCX is password-protected and cannot be read');
});

test('legacy Office files are unsupported with a way out', async () => {
  await expectError(buildCfb([{ name: 'WordDocument', data: Buffer.from('x') }]), 'old.doc', 'unsupported', 'Legacy Word 97-2003 (.doc) files are not supported; save the file as .docx and upload it again');
  await expectError(Buffer.from('anything'), 'old.xls', 'unsupported', /Excel 97-2003/);
  await expectError(buildCfb([{ name: 'Workbook', data: Buffer.from('x') }]), 'mislabelled.docx', 'unsupported', /Excel 97-2003/);
});

test('a broken compound file is corrupt', async () => {
  const cfb = buildCfb([{ name: '__substg1.0_0037001F', data: Buffer.alloc(2000, 0x41) }]);
  await expectError(cfb.subarray(0, 1100), 'cut.msg', 'corrupt', /^The file is not a valid MSG \(compound file is corrupt: /);
});

test('images need OCR; unknown binaries are unsupported; binary data named .txt is corrupt', async () => {
  await expectError(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'photo.png', 'needs_ocr', 'This file is an image; reading it needs OCR, which is not available');
  await expectError(Buffer.from('89504e470d0a1a0a', 'hex'), 'photo-named.txt', 'needs_ocr');
  await expectError(Buffer.from([0x4d, 0x5a, 0, 0, 1, 2]), 'tool.exe', 'unsupported', 'This type of file is not supported (.exe)');
  await expectError(Buffer.from([0x41, 0, 0x42, 0x43]), 'data.txt', 'corrupt', 'The file is named .txt but contains binary data, not text');
});

test('invalid JSON is corrupt with the position', async () => {
  await expectError(Buffer.from('{"a": 1,,}'), 'bad.json', 'corrupt', /^The file is not valid JSON \(/);
  await expectError(Buffer.from('{"a":1}\n{oops}\n'), 'bad.jsonl', 'corrupt', /line 2/);
});

test('documents without any text are no_text', async () => {
  await expectError(Buffer.from('<html><body><img src="x.png"></body></html>'), 'pic.html', 'no_text', 'The HTML contains no text');
  await expectError(Buffer.from('[null, {}, []]'), 'nulls.json', 'no_text');
});

test('every ParseError carries a registered code and a readable message', async () => {
  const junk = randomBytes(512);
  junk[0] = 0x42;
  for (const name of ['x.pdf', 'x.docx', 'x.xlsx', 'x.pptx', 'x.msg', 'x.json', 'x.exe']) {
    const err = await failure(junk, name);
    assert.ok(['encrypted', 'no_text', 'corrupt', 'empty', 'unsupported', 'needs_ocr', 'needs_llm'].includes(err.code));
    assert.ok(err.message.length > 10 && !err.message.includes('{'), err.message);
  }
});

test('an aborted signal stops extraction with the abort reason, not a ParseError', needsSamples, async () => {
  const controller = new AbortController();
  controller.abort(new Error('task cancelled'));
  await assert.rejects(extract(sampleBytes('pdf/N18-3011.pdf'), 'N18-3011.pdf', { signal: controller.signal }), /task cancelled/);
});
