import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startS3rver, type S3rverProcess } from '../../shared/blob-store/src/s3rver.fixture.js';
import { startStack, signUp, type Stack } from '../support/stack.js';
import { readSample, sampleFiles, upload, waitForParsing } from '../support/documents.js';

type User = Awaited<ReturnType<typeof signUp>>;

/** The same document flow at scale settings: MariaDB for metadata, an S3 server (s3rver) for files. */
describe('documents on MariaDB with files in S3 (s3rver)', () => {
  let s3: S3rverProcess;
  let stack: Stack;
  let alice: User;

  before(async () => {
    s3 = await startS3rver();
    stack = await startStack({ db: 'mariadb', env: { BLOB_STORE_URL: `s3://${s3.accessKey}:${s3.secretKey}@${s3.endPoint}:${s3.port}?ssl=false` } });
    alice = await signUp(stack.http);
  });
  after(async () => {
    await stack?.stop();
    await s3?.stop();
  });

  test('upload, parse, retrieve, download, delete the dataset: nothing left behind', async () => {
    const ds = (await stack.http.post('/api/v1/datasets', { name: 'on-s3' }, alice.bearer)).body.data;
    const picks = sampleFiles().filter((f) => ['testPDF.pdf', 'testWORD.docx', 'testEXCEL.xlsx', 'rust-book-ch03-02-data-types.md'].includes(f.name));
    const up = await upload(stack.http, alice.bearer, ds.id, picks.map((f) => ({ name: f.name, data: readSample(f.path) })));
    assert.equal(up.body.code, 0, JSON.stringify(up.body));
    const ids = up.body.data.map((d: { id: string }) => d.id);
    await stack.http.post(`/api/v1/datasets/${ds.id}/chunks`, { document_ids: ids }, alice.bearer);
    const docs = await waitForParsing(stack.http, alice.bearer, ds.id, ids, 120_000);
    for (const id of ids) assert.equal(docs.get(id).run, 'DONE', docs.get(id).progress_msg);
    const r = await stack.http.post('/api/v1/retrieval', { dataset_ids: [ds.id], question: 'integer types signed unsigned', similarity_threshold: 0 }, alice.bearer);
    assert.equal(r.body.data.chunks[0].document_keyword, 'rust-book-ch03-02-data-types.md');
    const pdf = picks.find((f) => f.name === 'testPDF.pdf')!;
    const pdfId = up.body.data.find((d: { name: string }) => d.name === 'testPDF.pdf').id;
    const dl = await fetch(`${stack.baseUrl}/api/v1/datasets/${ds.id}/documents/${pdfId}`, { headers: { Authorization: alice.bearer } });
    assert.deepEqual(Buffer.from(await dl.arrayBuffer()), readSample(pdf.path), 'the bytes come back from S3 unchanged');
    assert.deepEqual((await stack.http.delete('/api/v1/datasets', { ids: [ds.id] }, alice.bearer)).body, { code: 0 });
    // The dataset's documents go with it (through the dataset.deleted event): the download now fails.
    const deadline = Date.now() + 15_000;
    let gone = false;
    while (!gone && Date.now() < deadline) {
      const again = await fetch(`http://${s3.endPoint}:${s3.port}/rag-${ds.id}/${pdfId}`);
      gone = again.status === 404;
      if (!gone) await new Promise((res) => setTimeout(res, 250));
    }
    assert.ok(gone, 'the file was removed from S3');
  });
});
