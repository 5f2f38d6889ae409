import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, signUp, type Stack } from '../support/stack.js';
import { readSample, sampleFiles, upload, waitForParsing } from '../support/documents.js';

type User = Awaited<ReturnType<typeof signUp>>;

describe('documents, parsing, chunks, retrieval (SQLite, built-in models)', () => {
  let stack: Stack;
  let alice: User;
  let bob: User;
  let datasetId: string;
  const docIds = new Map<string, string>();

  before(async () => {
    stack = await startStack({ workers: 2 });
    alice = await signUp(stack.http);
    bob = await signUp(stack.http);
    const ds = await stack.http.post('/api/v1/datasets', { name: 'samples' }, alice.bearer);
    assert.equal(ds.body.code, 0, ds.text);
    datasetId = ds.body.data.id;
  });
  after(async () => stack?.stop());

  test('every sample document uploads with its type and the dataset parser config', async () => {
    const files = sampleFiles();
    assert.ok(files.length >= 20, `found ${files.length} sample files`);
    const r = await upload(stack.http, alice.bearer, datasetId, files.map((f) => ({ name: f.name, data: readSample(f.path) })));
    assert.equal(r.body.code, 0, JSON.stringify(r.body));
    assert.equal(r.body.data.length, files.length);
    for (const d of r.body.data) {
      docIds.set(d.name, d.id);
      assert.deepEqual(Object.keys(d).sort(), ['chunk_method', 'created_by', 'dataset_id', 'id', 'location', 'name', 'parser_config', 'pipeline_id', 'run', 'size', 'source_type', 'suffix', 'thumbnail', 'type'].sort());
      assert.equal(d.run, 'UNSTART');
      assert.equal(d.dataset_id, datasetId);
    }
    const byName = new Map<string, any>(r.body.data.map((d: any) => [d.name, d]));
    assert.equal(byName.get('testPDF.pdf').type, 'pdf');
    assert.equal(byName.get('testWORD.docx').type, 'doc');
    assert.equal(byName.get('testEXCEL.xlsx').chunk_method, 'naive');
    assert.equal(byName.get('science-exploration-1p.pptx').chunk_method, 'presentation');
    assert.equal(byName.get('delivery-status.eml').chunk_method, 'email');
    const again = await upload(stack.http, alice.bearer, datasetId, [{ name: 'testPDF.pdf', data: readSample(files.find((f) => f.name === 'testPDF.pdf')!.path) }]);
    assert.equal(again.body.data[0].name, 'testPDF(1).pdf', 'names are de-duplicated');
    const ds = await stack.http.get(`/api/v1/datasets?id=${datasetId}`, alice.bearer);
    assert.equal(ds.body.data[0].document_count, files.length + 1);
  });

  test('upload refusals', async () => {
    const bad = await upload(stack.http, alice.bearer, datasetId, [{ name: 'ok.txt', data: 'fine' }, { name: 'virus.exe', data: 'MZ' }]);
    assert.deepEqual(bad.body, { code: 500, message: 'virus.exe: This type of file has not been supported yet!' });
    const list = await stack.http.get(`/api/v1/datasets/${datasetId}/documents?name=ok.txt`, alice.bearer);
    assert.equal(list.body.data.docs.length, 1, 'the good file of a partly failed upload is kept');
    const long = await upload(stack.http, alice.bearer, datasetId, [{ name: `${'a'.repeat(252)}.txt`, data: 'x' }]);
    assert.deepEqual(long.body, { code: 101, message: 'File name must be 255 bytes or less.' });
    const none = await stack.http.send('POST', `/api/v1/datasets/${datasetId}/documents`, { json: {}, auth: alice.bearer });
    assert.deepEqual(none.body, { code: 101, message: 'No file part!' });
    const foreign = await upload(stack.http, bob.bearer, datasetId, [{ name: 'x.txt', data: 'x' }]);
    assert.deepEqual(foreign.body, { code: 100, message: `LookupError("Can't find the dataset with ID ${datasetId}!")`, data: null });
  });

  test('parsing every sample ends DONE with chunks, counters on document and dataset', async () => {
    const ids = [...docIds.values()];
    const r = await stack.http.post(`/api/v1/datasets/${datasetId}/chunks`, { document_ids: ids }, alice.bearer);
    assert.deepEqual(r.body, { code: 0 });
    const docs = await waitForParsing(stack.http, alice.bearer, datasetId, ids, 240_000);
    let totalChunks = 0;
    for (const id of ids) {
      const d = docs.get(id);
      assert.equal(d.run, 'DONE', `${d.name}: ${d.progress_msg}`);
      assert.ok(d.chunk_count > 0, `${d.name} has chunks`);
      assert.ok(d.token_count > 0);
      assert.equal(d.progress, 1);
      assert.ok(d.process_duration > 0);
      assert.ok(d.process_begin_at);
      assert.match(d.progress_msg, /Task done/);
      totalChunks += d.chunk_count;
    }
    const deadline = Date.now() + 10_000;
    let ds: any;
    do {
      ds = (await stack.http.get(`/api/v1/datasets?id=${datasetId}`, alice.bearer)).body.data[0];
      if (ds.chunk_count === totalChunks) break;
      await new Promise((r2) => setTimeout(r2, 200));
    } while (Date.now() < deadline);
    assert.equal(ds.chunk_count, totalChunks, 'dataset chunk_count follows the documents');
  });

  test('chunks list with the document, keyword search, add/update/delete by hand', async () => {
    const docId = docIds.get('testPDF.pdf')!;
    const base = `/api/v1/datasets/${datasetId}/documents/${docId}/chunks`;
    const all = await stack.http.get(base, alice.bearer);
    assert.equal(all.body.code, 0, all.text);
    assert.ok(all.body.data.total > 0);
    assert.equal(all.body.data.doc.id, docId);
    const c0 = all.body.data.chunks[0];
    assert.deepEqual(Object.keys(c0).sort(), ['available', 'content', 'dataset_id', 'docnm_kwd', 'document_id', 'id', 'image_id', 'important_keywords', 'positions', 'questions'].sort());
    assert.match(c0.id, /^[0-9a-f]{16}$/);
    const added = await stack.http.post(base, { content: 'zebra migration patterns in savanna', important_keywords: ['zebra'], questions: [' where do zebras go? ', ''] }, alice.bearer);
    assert.equal(added.body.code, 0, added.text);
    const chunk = added.body.data.chunk;
    assert.deepEqual(chunk.questions, ['where do zebras go?']);
    const found = await stack.http.get(`${base}?keywords=zebra`, alice.bearer);
    assert.equal(found.body.data.total, 1);
    assert.equal(found.body.data.chunks[0].id, chunk.id);
    assert.equal((await stack.http.get(`${base}?id=${chunk.id}`, alice.bearer)).body.data.chunks[0].content, chunk.content);
    assert.deepEqual((await stack.http.get(`${base}?id=ffffffffffffffff`, alice.bearer)).body, { code: 404, message: `Chunk not found: ${datasetId}/ffffffffffffffff` });
    assert.deepEqual((await stack.http.post(base, { content: '  ' }, alice.bearer)).body, { code: 102, message: '`content` is required' });
    assert.deepEqual((await stack.http.post(base, { content: 'x', important_keywords: 'a' }, alice.bearer)).body, { code: 102, message: '`important_keywords` is required to be a list' });
    assert.equal((await stack.http.post(base, { content: 'x', questions: [1] }, alice.bearer)).body.message, "TypeError('sequence item 0: expected str instance, int found')");
    const upd = await stack.http.put(`${base}/${chunk.id}`, { content: 'zebra herds cross the river', available: false }, alice.bearer);
    assert.deepEqual(upd.body, { code: 0 });
    const q = await stack.http.post('/api/v1/retrieval', { dataset_ids: [datasetId], question: 'zebra herds river' }, alice.bearer);
    assert.ok(!q.body.data.chunks.some((c: any) => c.id === chunk.id), 'unavailable chunks are never retrieved');
    await stack.http.put(`${base}/${chunk.id}`, { available: true }, alice.bearer);
    const q2 = await stack.http.post('/api/v1/retrieval', { dataset_ids: [datasetId], question: 'zebra herds river' }, alice.bearer);
    assert.equal(q2.body.data.chunks[0].id, chunk.id);
    assert.deepEqual((await stack.http.delete(base, { chunk_ids: [chunk.id, 'nope'] }, alice.bearer)).body, { code: 102, message: 'rm_chunk deleted chunks 1, expect 2' });
    assert.equal((await stack.http.get(`${base}?keywords=zebra`, alice.bearer)).body.data.total, 0);
  });

  test('retrieval: fields, hybrid scores, doc_aggs, paging, filters and errors', async () => {
    const r = await stack.http.post('/api/v1/retrieval', { dataset_ids: [datasetId], question: 'penguin species flipper length', page_size: 5 }, alice.bearer);
    assert.equal(r.body.code, 0, r.text);
    const { chunks, total, doc_aggs } = r.body.data;
    assert.ok(total >= chunks.length && chunks.length > 0);
    assert.equal(chunks[0].document_keyword, 'penguins.json');
    for (const c of chunks) {
      assert.deepEqual(Object.keys(c).sort(), ['content', 'content_ltks', 'dataset_id', 'doc_type_kwd', 'document_id', 'document_keyword', 'highlight', 'id', 'image_id', 'important_keywords', 'mom_id', 'positions', 'similarity', 'term_similarity', 'vector_similarity'].sort());
      assert.ok(Math.abs(c.similarity - (0.3 * c.vector_similarity + 0.7 * c.term_similarity)) < 1e-6);
      assert.ok(c.similarity >= 0.2);
    }
    assert.ok(Array.isArray(doc_aggs) && doc_aggs[0].doc_name && doc_aggs[0].count > 0);
    assert.match(chunks[0].highlight, /<em>/);
    const p2 = await stack.http.post('/api/v1/retrieval', { dataset_ids: [datasetId], question: 'penguin species flipper length', page: 2, page_size: 5 }, alice.bearer);
    assert.equal(p2.body.data.total, total, 'total does not depend on the page');
    assert.ok(!p2.body.data.chunks.some((c: any) => chunks.some((c1: any) => c1.id === c.id)), 'pages do not overlap');
    const onlyPdf = await stack.http.post('/api/v1/retrieval', { dataset_ids: [datasetId], question: 'penguin', document_ids: [docIds.get('testPDF.pdf')], similarity_threshold: 0 }, alice.bearer);
    assert.ok(onlyPdf.body.data.chunks.every((c: any) => c.document_id === docIds.get('testPDF.pdf')));
    const noHighlight = await stack.http.post('/api/v1/retrieval', { dataset_ids: [datasetId], question: 'penguin', highlight: 'false' }, alice.bearer);
    assert.ok(noHighlight.body.data.chunks.every((c: any) => !('highlight' in c)));
    assert.deepEqual((await stack.http.post('/api/v1/retrieval', { dataset_ids: [datasetId], question: '' }, alice.bearer)).body, { code: 0, data: { total: 0, chunks: [], doc_aggs: {} } });
    assert.deepEqual((await stack.http.post('/api/v1/retrieval', { question: 'x' }, alice.bearer)).body, { code: 102, message: '`dataset_ids` is required.' });
    assert.deepEqual((await stack.http.post('/api/v1/retrieval', { dataset_ids: [datasetId] }, alice.bearer)).body, { code: 102, message: '`question` is required.' });
    assert.deepEqual((await stack.http.post('/api/v1/retrieval', { dataset_ids: [datasetId], question: 'x' }, bob.bearer)).body, { code: 102, message: `You don't own the dataset ${datasetId}.` });
    const other = (await stack.http.post('/api/v1/datasets', { name: 'other-model', embedding_model: 'BAAI/bge-m3@Builtin' }, alice.bearer)).body.data;
    assert.deepEqual((await stack.http.post('/api/v1/retrieval', { dataset_ids: [datasetId, other.id], question: 'x' }, alice.bearer)).body, { code: 102, message: 'Datasets use different embedding models."' });
    assert.deepEqual((await stack.http.post('/api/v1/retrieval', { dataset_ids: [datasetId], question: 'x', document_ids: 'abc' }, alice.bearer)).body, { code: 102, message: '`documents` should be a list' });
  });

  test('metadata: set on documents, filter retrieval and listing, summary', async () => {
    const pdf = docIds.get('N18-3011.pdf')!;
    const md = docIds.get('rust-book-ch03-02-data-types.md')!;
    assert.equal((await stack.http.put(`/api/v1/datasets/${datasetId}/documents/${pdf}`, { meta_fields: { topic: 'science', year: 2018 } }, alice.bearer)).body.code, 0);
    assert.equal((await stack.http.put(`/api/v1/datasets/${datasetId}/documents/${md}`, { meta_fields: { topic: 'programming', year: 2023 } }, alice.bearer)).body.code, 0);
    const cond = { logic: 'and', conditions: [{ name: 'topic', comparison_operator: 'is', value: 'science' }] };
    const r = await stack.http.post('/api/v1/retrieval', { dataset_ids: [datasetId], question: 'literature graph semantic scholar', metadata_condition: cond, similarity_threshold: 0 }, alice.bearer);
    assert.ok(r.body.data.chunks.length > 0);
    assert.ok(r.body.data.chunks.every((c: any) => c.document_id === pdf));
    const none = await stack.http.post('/api/v1/retrieval', { dataset_ids: [datasetId], question: 'x', metadata_condition: { conditions: [{ name: 'topic', comparison_operator: 'is', value: 'cooking' }] } }, alice.bearer);
    assert.deepEqual(none.body.data, { total: 0, chunks: [], doc_aggs: [] });
    const newer = encodeURIComponent(JSON.stringify({ conditions: [{ name: 'year', comparison_operator: '>', value: '2020' }] }));
    const listed = await stack.http.get(`/api/v1/datasets/${datasetId}/documents?metadata_condition=${newer}`, alice.bearer);
    assert.deepEqual(listed.body.data.docs.map((d: any) => d.id), [md]);
    const summary = await stack.http.send('GET', `/api/v1/datasets/${datasetId}/metadata/summary`, { auth: alice.bearer });
    assert.equal(summary.body.data.summary.topic.type, 'string');
    assert.equal(summary.body.data.summary.year.type, 'number');
  });

  test('Dify external knowledge API', async () => {
    const ok = await stack.http.post('/api/v1/dify/retrieval', { knowledge_id: datasetId, query: 'penguin flipper', retrieval_setting: { top_k: 3, score_threshold: 0.1 } }, alice.bearer);
    assert.equal(ok.status, 200);
    assert.ok(ok.body.records.length > 0 && ok.body.records.length <= 3);
    const rec = ok.body.records[0];
    assert.deepEqual(Object.keys(rec).sort(), ['content', 'metadata', 'score', 'title']);
    assert.ok(rec.metadata.doc_id);
    const missing = await stack.http.post('/api/v1/dify/retrieval', { knowledge_id: 'ffffffffffffffffffffffffffffffff', query: 'x' }, alice.bearer);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { code: 404, message: 'Knowledgebase not found!' });
    const badKey = await stack.http.post('/api/v1/dify/retrieval', { knowledge_id: datasetId, query: 'x' }, 'Bearer nope');
    assert.equal(badKey.status, 403);
    assert.deepEqual(badKey.body, { code: 403, message: 'API-KEY is invalid!' });
    const fields = await stack.http.post('/api/v1/dify/retrieval', {}, alice.bearer);
    assert.deepEqual(fields.body, { code: 101, message: 'required argument are missing: knowledge_id,query; ', data: null });
  });

  test('bad files end FAIL with a clear message and harm nothing else', async () => {
    const pdf = readSample(sampleFiles().find((f) => f.name === 'testPDF.pdf')!.path);
    const up = await upload(stack.http, alice.bearer, datasetId, [
      { name: 'empty.txt', data: '' },
      { name: 'truncated.pdf', data: pdf.subarray(0, 2000) },
      { name: 'not-really.docx', data: 'this is plain text, not a zip' },
    ]);
    assert.equal(up.body.code, 0, JSON.stringify(up.body));
    const ids = up.body.data.map((d: any) => d.id);
    await stack.http.post(`/api/v1/datasets/${datasetId}/chunks`, { document_ids: ids }, alice.bearer);
    const docs = await waitForParsing(stack.http, alice.bearer, datasetId, ids, 60_000);
    for (const id of ids) {
      const d = docs.get(id);
      assert.equal(d.run, 'FAIL', `${d.name} should fail`);
      assert.equal(d.progress, -1);
      assert.match(d.progress_msg, /\[ERROR\] /);
    }
    assert.match(docs.get(ids[0]).progress_msg, /Empty file/);
    const stillThere = await stack.http.get(`/api/v1/datasets/${datasetId}/documents/${docIds.get('testPDF.pdf')}/chunks`, alice.bearer);
    assert.ok(stillThere.body.data.total > 0, 'other documents keep their chunks');
  });

  test('stop parsing, re-parse, download, rename, delete', async () => {
    const doc = docIds.get('handbook-872p.docx')!;
    assert.deepEqual((await stack.http.post(`/api/v1/datasets/${datasetId}/chunks`, { document_ids: [doc] }, alice.bearer)).body, { code: 0 });
    const stop = await stack.http.delete(`/api/v1/datasets/${datasetId}/chunks`, { document_ids: [doc] }, alice.bearer);
    assert.deepEqual(stop.body, { code: 0 });
    const listed = (await stack.http.get(`/api/v1/datasets/${datasetId}/documents?id=${doc}`, alice.bearer)).body.data.docs[0];
    assert.equal(listed.run, 'CANCEL');
    assert.equal(listed.progress, 0);
    assert.equal(listed.chunk_count, 0);
    assert.ok(listed.process_begin_at);
    assert.deepEqual((await stack.http.delete(`/api/v1/datasets/${datasetId}/chunks`, { document_ids: [doc] }, alice.bearer)).body, { code: 102, message: "Can't stop parsing document with progress at 0 or 1" });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await stack.http.get(`/api/v1/datasets/${datasetId}/documents/${doc}/chunks`, alice.bearer)).body.data.total, 0, 'a cancelled task leaves no chunks');

    const txt = docIds.get('testPDF.pdf')!;
    const dl = await fetch(`${stack.baseUrl}/api/v1/datasets/${datasetId}/documents/${txt}`, { headers: { Authorization: alice.bearer } });
    assert.equal(dl.headers.get('content-type'), 'application/octet-stream');
    const bytes = Buffer.from(await dl.arrayBuffer());
    assert.deepEqual(bytes, readSample(sampleFiles().find((f) => f.name === 'testPDF.pdf')!.path));
    assert.deepEqual((await stack.http.put(`/api/v1/datasets/${datasetId}/documents/${txt}`, { name: 'renamed.txt' }, alice.bearer)).body, { code: 101, message: "The extension of file can't be changed" });
    assert.equal((await stack.http.put(`/api/v1/datasets/${datasetId}/documents/${txt}`, { name: 'renamed.pdf' }, alice.bearer)).body.data.name, 'renamed.pdf');
    const del = await stack.http.delete(`/api/v1/datasets/${datasetId}/documents`, { ids: [txt, 'nope'] }, alice.bearer);
    assert.deepEqual(del.body, { code: 102, message: "Documents not found: ['nope']" });
    assert.equal((await stack.http.get(`/api/v1/datasets/${datasetId}/documents?id=${txt}`, alice.bearer)).body.code, 102);
    const gone = await stack.http.post('/api/v1/retrieval', { dataset_ids: [datasetId], question: 'renamed', document_ids: [txt] }, alice.bearer);
    assert.equal(gone.body.code, 102, 'a deleted document is no longer retrievable');
  });
});
