import assert from 'node:assert/strict';
import { test } from 'node:test';
import JSZip from 'jszip';
import { extract } from '../extract.js';
import { ParseError } from '../parse-error.js';
import { buildZip, deflatedEntry, zerosDeflateStream } from '../test-support/zip-writer.js';
import { measureInflatedSize } from './zip-inflation.js';

const MiB = 1024 * 1024;
const CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';

async function refusal(data: Buffer, name: string): Promise<ParseError> {
  const err = await extract(data, name).then(
    () => assert.fail(`${name}: expected a refusal`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ParseError, String(err));
  return err;
}

test('the measure is the bytes the entries inflate to, not what the headers declare', async () => {
  const honest = await new JSZip()
    .file('a.txt', 'hello '.repeat(1000))
    .file('b.txt', 'stored', { compression: 'STORE' })
    .generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  assert.equal(await measureInflatedSize(honest, 10 * MiB), 6000 + 6);

  // 5 MiB of zeros declared as 10 bytes.
  const liar = buildZip([{ name: 'word/document.xml', body: zerosDeflateStream(5), method: 8, declaredUncompressed: 10 }]);
  assert.equal(await measureInflatedSize(liar, 10 * MiB), 5 * MiB);
});

test('counting stops soon after the budget is passed, whatever the stream holds', async () => {
  const big = buildZip([{ name: 'x.xml', body: zerosDeflateStream(256), method: 8, declaredUncompressed: 10 }]);
  const started = process.hrtime.bigint();
  const counted = await measureInflatedSize(big, MiB);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(counted > MiB && counted <= 2 * MiB, `counted ${counted}`);
  assert.ok(ms < 2000, `took ${ms} ms`);
});

test('a DOCX whose headers declare 1 KB but whose part inflates to 1.1 GiB is refused before the Office library reads it', async () => {
  const bomb = buildZip([
    deflatedEntry('[Content_Types].xml', CONTENT_TYPES),
    { name: 'word/document.xml', body: zerosDeflateStream(1100), method: 8, declaredUncompressed: 1024 },
  ]);
  assert.ok(bomb.length < 2 * MiB, `the archive itself is small (${bomb.length} bytes)`);
  const err = await refusal(bomb, 'bomb.docx');
  assert.equal(err.code, 'unsupported');
  assert.equal(err.message, 'The DOCX expands to more than the 1024 MB the parser accepts');
});

test('directory entries sharing one compressed stream are each counted (the overlapping-files bomb)', async () => {
  const shared = zerosDeflateStream(64);
  const bomb = buildZip([
    { name: 'word/document.xml', body: shared, method: 8, declaredUncompressed: 100 },
    ...Array.from({ length: 17 }, (_, i) => ({ name: `word/media/p${i}.xml`, body: Buffer.alloc(0), method: 8 as const, declaredCompressed: shared.length, declaredUncompressed: 100, sharesDataWith: 0 })),
  ]);
  assert.ok(bomb.length < MiB);
  const err = await refusal(bomb, 'overlap.docx');
  assert.equal(err.message, 'The DOCX expands to more than the 1024 MB the parser accepts');
});

test('a zip whose directory points outside the file is corrupt, not a crash', async () => {
  const zip = buildZip([deflatedEntry('word/document.xml', '<w:document/>')]);
  // The central entry's local header offset (central directory starts right after the local part).
  const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  zip.writeUInt32LE(0x00ffffff, central + 42);
  await assert.rejects(measureInflatedSize(zip, MiB), { name: 'ZipStructureError' });
});
