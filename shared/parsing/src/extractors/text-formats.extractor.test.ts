import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from '../extract.js';
import { buildCfb, utf16 } from '../test-support/cfb-writer.js';
import { blockContaining, extractSample, findBlock, needsSamples } from '../test-support/sample-docs.js';

test('httpd-logs.html: article headings, code blocks, no navigation chrome', needsSamples, async () => {
  const doc = await extractSample('html/httpd-logs.html');
  assert.equal(doc.type, 'html');
  assert.equal(doc.title, 'Log Files - Apache HTTP Server Version 2.5');
  assert.deepEqual(
    doc.blocks.filter((b) => b.kind === 'heading').slice(0, 3).map((b) => [b.level, b.text]),
    [[1, 'Log Files'], [2, 'Overview'], [2, 'Security Warning']],
  );
  const code = findBlock(doc, (b) => b.kind === 'code' && b.text.startsWith('LogFormat "%h %l %u %t \\"%r\\" %>s %b" common'));
  assert.ok(code.text.includes('\nCustomLog "logs/access_log" common'));
  assert.ok(!doc.blocks.some((b) => b.text.includes('Modules | Directives | FAQ')));
});

test('httpd-mod_ssl.html (200 KB): directive tables and headings', needsSamples, async () => {
  const doc = await extractSample('html/httpd-mod_ssl.html');
  assert.equal(findBlock(doc, (b) => b.kind === 'heading' && b.level === 1).text, 'Apache Module mod_ssl');
  assert.equal(findBlock(doc, (b) => b.text === 'SSLCipherSuite Directive').kind, 'heading');
  const table = findBlock(doc, (b) => b.kind === 'table' && b.text.startsWith('Description: | Cipher Suite available for negotiation in SSL handshake'));
  assert.deepEqual(table.rows?.[1], ['Syntax:', 'SSLCipherSuite [protocol] cipher-spec']);
  assert.ok(doc.blocks.filter((b) => b.kind === 'table').length > 50);
});

test('markdown chapter: heading levels, GFM table cells, fenced code, inline markup removed', needsSamples, async () => {
  const doc = await extractSample('md/rust-book-ch03-02-data-types.md');
  assert.equal(doc.type, 'markdown');
  assert.equal(doc.title, 'Data Types');
  assert.equal(findBlock(doc, (b) => b.text === 'Integer Types').level, 4);
  assert.equal(findBlock(doc, (b) => b.text === 'Scalar Types').level, 3);
  const table = findBlock(doc, (b) => b.kind === 'table');
  assert.deepEqual(table.rows?.[0], ['Length', 'Signed', 'Unsigned']);
  assert.deepEqual(table.rows?.[1], ['8-bit', 'i8', 'u8']);
  assert.equal(findBlock(doc, (b) => b.kind === 'code').text, 'let guess: u32 = "42".parse().expect("Not a number!");');
  assert.ok(blockContaining(doc, 'Every value in Rust is of a certain data type, which tells Rust').kind === 'paragraph');
  assert.ok(!doc.blocks.some((b) => b.text.includes('<!-- ignore -->')));
});

test('seattle-weather.csv: one table, header row, every record', needsSamples, async () => {
  const doc = await extractSample('csv/seattle-weather.csv');
  assert.equal(doc.type, 'csv');
  const table = doc.blocks[0]!;
  assert.equal(table.kind, 'table');
  assert.deepEqual(table.rows?.[0], ['date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather']);
  assert.deepEqual(table.rows?.[1], ['2012-01-01', '0.0', '12.8', '5.0', '4.7', 'drizzle']);
  assert.equal(table.rows?.length, 1462);
});

test('us-employment.csv: wide header, numeric cells', needsSamples, async () => {
  const doc = await extractSample('csv/us-employment.csv');
  const rows = doc.blocks[0]!.rows!;
  assert.equal(rows[0]![1], 'nonfarm');
  assert.equal(rows[0]!.length, 24);
  assert.deepEqual(rows[1]!.slice(0, 3), ['2006-01-01', '135450', '113603']);
});

test('CSV quoting: separators, doubled quotes and line breaks inside quotes', async () => {
  const doc = await extract(Buffer.from('name,quote\r\n"Smith, J.","He said ""hi""\nthen left"\r\nDoe,plain\r\n'), 'q.csv');
  assert.deepEqual(doc.blocks[0]!.rows, [['name', 'quote'], ['Smith, J.', 'He said "hi"\nthen left'], ['Doe', 'plain']]);
  const semi = await extract(Buffer.from('a;b;c\n1;2;3\n4;5;6\n'), 'semi.csv');
  assert.deepEqual(semi.blocks[0]!.rows?.[2], ['4', '5', '6']);
});

test('penguins.json: one block per record, nulls left out', needsSamples, async () => {
  const doc = await extractSample('json/penguins.json');
  assert.equal(doc.type, 'json');
  assert.equal(doc.blocks.length, 344);
  assert.equal(doc.blocks[0]!.kind, 'row');
  assert.equal(doc.blocks[0]!.text, 'Species: Adelie\nIsland: Torgersen\nBeak Length (mm): 39.1\nBeak Depth (mm): 18.7\nFlipper Length (mm): 181\nBody Mass (g): 3750\nSex: MALE');
  assert.equal(doc.blocks[3]!.text, 'Species: Adelie\nIsland: Torgersen');
});

test('earthquakes.json (GeoJSON, 1.2 MB): metadata block, then one block per feature', needsSamples, async () => {
  const start = performance.now();
  const doc = await extractSample('json/earthquakes.json');
  const ms = performance.now() - start;
  assert.equal(doc.blocks.length, 1 + 1707);
  assert.ok(doc.blocks[0]!.text.includes('metadata.title: USGS All Earthquakes, Past Week'));
  const first = doc.blocks[1]!.text.split('\n');
  assert.ok(first.includes('properties.place: 4km W of Castaic, CA'));
  assert.ok(first.includes('geometry.coordinates: -118.6671667, 34.4945, 26.49'));
  assert.ok(ms < 10_000, `took ${ms} ms`);
});

test('JSON Lines: one block per line', async () => {
  const doc = await extract(Buffer.from('{"id":1,"tags":["a","b"],"meta":{"ok":true}}\n\n{"id":2}\n'), 'data.jsonl');
  assert.deepEqual(doc.blocks.map((b) => b.text), ['id: 1\ntags: a, b\nmeta.ok: true', 'id: 2']);
});

test('testEmailWithPNGAtt.eml: header block with subject and attachment name, then the body', needsSamples, async () => {
  const doc = await extractSample('eml/testEmailWithPNGAtt.eml');
  assert.equal(doc.type, 'email');
  assert.equal(doc.title, 'Test Attachment Email');
  assert.equal(
    doc.blocks[0]!.text,
    'Subject: Test Attachment Email\nFrom: "Tika Test" <XXXX@apache.org>\nTo: "Tika Test" <XXXX@apache.org>\nDate: 2016-07-20 16:35:02 UTC\nAttachments: testPNG.png',
  );
  assert.equal(doc.blocks[0]!.kind, 'email_header');
  assert.equal(doc.blocks[1]!.text, 'This email has a PNG attachment included in it');
});

test('testRFC822_multipart_attachments.eml: plain-text body and text attachments read', needsSamples, async () => {
  const doc = await extractSample('eml/testRFC822_multipart_attachments.eml');
  assert.equal(doc.title, 'EML 1');
  assert.ok(doc.blocks[0]!.text.includes('Attachments: Test TxtA.txt, Test TxtB.txt'));
  assert.equal(blockContaining(doc, 'This is test email for EML1').kind, 'paragraph');
  assert.equal(blockContaining(doc, 'Attachment: Test TxtB.txt').kind, 'heading');
  assert.ok(doc.blocks.some((b) => b.text === 'This is Test TXTB File for parser'));
});

test('delivery-status.eml: the bounced message inside is read as a nested email', needsSamples, async () => {
  const doc = await extractSample('eml/delivery-status.eml');
  assert.equal(doc.title, 'Delivery Status Notification (Failure)');
  const headers = doc.blocks.filter((b) => b.kind === 'email_header');
  assert.equal(headers.length, 2);
  assert.ok(headers[1]!.text.startsWith('Subject: Example Subject\n'));
  assert.ok(blockContaining(doc, 'Diagnostic-Code: Amazon SES did not send the message').text.includes('suppression list'));
});

test('Outlook .msg: subject, sender, recipients, date, attachments and body from MAPI properties', async () => {
  const props = Buffer.alloc(48);
  props.writeUInt32LE((0x0039 << 16) | 0x0040, 32);
  props.writeBigUInt64LE(BigInt(Date.UTC(2020, 0, 2, 3, 4, 5)) * 10_000n + 116_444_736_000_000_000n, 40);
  const msg = buildCfb([
    { name: '__substg1.0_0037001F', data: utf16('Quarterly report') },
    { name: '__substg1.0_0C1A001F', data: utf16('Alice Example') },
    { name: '__substg1.0_5D01001F', data: utf16('alice@example.com') },
    { name: '__substg1.0_0E04001F', data: utf16('Bob Example') },
    { name: '__substg1.0_1000001F', data: utf16('Hello Bob,\r\n\r\nThe numbers are in.\r\n') },
    { name: '__properties_version1.0', data: props },
    { name: '__attach_version1.0_#00000000', children: [{ name: '__substg1.0_3707001F', data: utf16('numbers.xlsx') }] },
  ]);
  const doc = await extract(msg, 'report.msg');
  assert.equal(doc.type, 'email');
  assert.equal(doc.title, 'Quarterly report');
  assert.deepEqual(doc.blocks.map((b) => b.text), [
    'Subject: Quarterly report\nFrom: Alice Example <alice@example.com>\nTo: Bob Example\nDate: 2020-01-02 03:04:05 UTC\nAttachments: numbers.xlsx',
    'Hello Bob,',
    'The numbers are in.',
  ]);
});

test('plain text and code: paragraphs at blank lines, lines kept', async () => {
  const doc = await extract(Buffer.from('\uFEFFFirst paragraph\nstill first.\n\n\nSecond one.\n'), 'notes.txt');
  assert.deepEqual(doc.blocks.map((b) => [b.kind, b.text]), [['paragraph', 'First paragraph\nstill first.'], ['paragraph', 'Second one.']]);
  const code = await extract(Buffer.from('def f():\n    return 1\n'), 'f.py');
  assert.deepEqual(code.blocks.map((b) => [b.kind, b.text]), [['code', 'def f():\n    return 1']]);
  const latin1 = await extract(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'old.txt');
  assert.equal(latin1.blocks[0]!.text, 'café');
  // cp1252 keeps € and curly quotes in 0x80-0x9F (which Node's own TextDecoder drops).
  const cp1252 = await extract(Buffer.from([0x93, 0x35, 0x80, 0x94, 0x20, 0x96, 0x20, 0x6f, 0x6b]), 'price.txt');
  assert.equal(cp1252.blocks[0]!.text, '“5€” – ok');
  const gbk = await extract(Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0xa3, 0xac, 0xca, 0xc0, 0xbd, 0xe7]), 'zh.txt');
  assert.equal(gbk.blocks[0]!.text, '你好，世界');
});

test('RTF: body text, code-page bytes, \\u characters and table cells; tables of fonts and pictures skipped', async () => {
  const rtf = String.raw`{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times New Roman;}}{\colortbl;\red0\green0\blue0;}{\*\generator Riched20;}{\info{\title Hidden}}
\pard\b Heading here\b0\par
Caf\'e9 costs 5\'80 or \u8364? 6.\par
{\field{\*\fldinst HYPERLINK "http://x"}{\fldrslt link text}}\par
\trowd\cellx1000\cellx2000 A1\cell B1\cell\row
{\pict\pngblip 89504e47}\par
\uc0\u20320\u22909 !\par}`;
  const doc = await extract(Buffer.from(rtf, 'latin1'), 'letter.rtf');
  assert.equal(doc.type, 'text');
  assert.deepEqual(doc.blocks.map((b) => b.text), ['Heading here\nCafé costs 5€ or € 6.\nlink text\nA1 | B1', '你好!']);
  // Word saves RTF under .doc names: the bytes decide.
  assert.equal((await extract(Buffer.from(rtf, 'latin1'), 'letter.doc')).blocks[0]!.text.split('\n')[0], 'Heading here');
});
