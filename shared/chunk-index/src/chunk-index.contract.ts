/**
 * The behaviour every ChunkIndex implementation must have. Register it from an implementation's
 * test file with a harness that makes a fresh index; each test uses its own random tenant ids, so
 * a shared real cluster works too.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import type { ChunkIndex, ChunkRecord, SearchQuery } from './chunk-index.js';
import { chunkId } from './chunk-id.js';

export interface ContractHarness {
  /** A ready index. Called once per test. */
  open(): Promise<ChunkIndex>;
  /** Removes whatever a test's tenant left behind (indices on a shared cluster). */
  dropTenant?(tenantId: string): Promise<void>;
  /** Set when the implementation should not be exercised here; the suite is skipped with this message. */
  skip?: string;
}

const uid = (): string => randomBytes(16).toString('hex');

export function makeChunk(p: Partial<ChunkRecord> & Pick<ChunkRecord, 'tenant_id' | 'dataset_id' | 'document_id' | 'content'>): ChunkRecord {
  return {
    id: p.id ?? chunkId(p.content, p.document_id),
    document_name: 'document.txt',
    important_keywords: [],
    questions: [],
    positions: [],
    image_id: '',
    available: true,
    vector: null,
    embedding_model: 'test-embedder',
    create_time: '2024-05-01 10:00:00',
    create_timestamp: 1714557600.5,
    page_order: 0,
    doc_type: '',
    ...p,
  };
}

function unit(...xs: number[]): Float32Array {
  const n = Math.hypot(...xs);
  return new Float32Array(xs.map((x) => x / n));
}

const FILLER = [
  'delta epsilon zeta', 'eta theta iota', 'kappa lambda mu', 'nu xi omicron', 'pi rho sigma', 'tau upsilon phi',
];

export function registerChunkIndexContract(name: string, harness: ContractHarness): void {
  describe(`ChunkIndex contract: ${name}`, { skip: harness.skip ?? false }, () => {
    const tenants: string[] = [];
    const opened: ChunkIndex[] = [];
    after(async () => {
      for (const t of tenants) await harness.dropTenant?.(t);
      for (const ix of opened) await ix.close();
    });
    async function setup(nTenants = 1): Promise<{ ix: ChunkIndex; t: string[] }> {
      const ix = await harness.open();
      opened.push(ix);
      const t = Array.from({ length: nTenants }, () => `t${uid()}`);
      for (const tenant of t) {
        tenants.push(tenant);
        await ix.ensure(tenant, { vectorDims: 4 });
      }
      return { ix, t };
    }
    const search = (ix: ChunkIndex, q: Partial<SearchQuery> & Pick<SearchQuery, 'tenantIds' | 'datasetIds'>) =>
      ix.search({ text: '', topK: 100, similarityThreshold: 0, vectorWeight: 0, page: 1, pageSize: 100, ...q });

    test('upsert is idempotent by id: the same chunks twice leave one copy; a changed body replaces', async () => {
      const { ix, t } = await setup();
      const [ds, doc] = [uid(), uid()];
      const chunks = ['apple orchard', 'banana plantation', 'cherry grove'].map((content, i) =>
        makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: doc, content, page_order: i }),
      );
      await ix.upsert(chunks);
      await ix.upsert(chunks);
      assert.equal(await ix.countByDocument(t[0]!, ds, doc), 3);
      const found = await search(ix, { tenantIds: [t[0]!], datasetIds: [ds], text: 'apple banana cherry' });
      assert.equal(found.total, 3);
      assert.deepEqual(new Set(found.hits.map((h) => h.id)), new Set(chunks.map((c) => c.id)));
      await ix.upsert([{ ...chunks[0]!, important_keywords: ['fruit'] }]);
      assert.equal(await ix.countByDocument(t[0]!, ds, doc), 3);
      assert.deepEqual((await ix.get(t[0]!, chunks[0]!.id))?.important_keywords, ['fruit']);
    });

    test('get returns every field as stored; unknown ids and other tenants get null', async () => {
      const { ix, t } = await setup(2);
      const c = makeChunk({
        tenant_id: t[0]!,
        dataset_id: uid(),
        document_id: uid(),
        document_name: 'Report 2024.pdf',
        content: 'Quarterly revenue grew.',
        content_tokens: ['quarterly', 'revenue', 'grew'],
        important_keywords: ['revenue', 'growth'],
        questions: ['How did revenue change?'],
        positions: [[1, 10, 200, 30, 60], [2, 0, 100, 5, 9]],
        image_id: 'img-1',
        available: false,
        vector: new Float32Array([0.25, -0.5, 0.125, 1]),
        create_time: '2024-05-02 11:12:13',
        create_timestamp: 1714648333.25,
        page_order: 7,
        doc_type: 'image',
        pagerank: 3,
        extra: { mom_id: 'abc' },
      });
      await ix.upsert([c]);
      const got = await ix.get(t[0]!, c.id);
      assert.ok(got);
      const { vector, ...rest } = got;
      const { vector: expectedVector, ...expected } = c;
      assert.deepEqual([...(vector ?? [])], [...expectedVector!]);
      assert.deepEqual(rest, { ...expected, title_tokens: ['report', '2024', 'pdf'] });
      assert.equal(await ix.get(t[0]!, chunkId('nope', 'x')), null);
      assert.equal(await ix.get(t[1]!, c.id), null, 'another tenant cannot read the chunk');
    });

    test('update patches fields, re-indexes content and reports missing chunks', async () => {
      const { ix, t } = await setup();
      const [ds, doc] = [uid(), uid()];
      const c = makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: doc, content: 'old wording here', vector: unit(1, 0, 0, 0) });
      await ix.upsert([c, ...FILLER.map((content) => makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: doc, content }))]);
      assert.equal(await ix.update(t[0]!, c.id, { content: 'fresh phrasing now', important_keywords: ['kiwi'], vector: unit(0, 1, 0, 0) }), true);
      const got = await ix.get(t[0]!, c.id);
      assert.equal(got?.content, 'fresh phrasing now');
      assert.deepEqual(got?.important_keywords, ['kiwi']);
      assert.deepEqual([...got!.vector!], [...unit(0, 1, 0, 0)]);
      assert.equal(got?.create_time, c.create_time, 'untouched fields stay');
      const q = { tenantIds: [t[0]!], datasetIds: [ds] };
      assert.equal((await search(ix, { ...q, text: 'wording' })).total, 0, 'old content no longer matches');
      assert.equal((await search(ix, { ...q, text: 'phrasing' })).hits[0]?.id, c.id);
      assert.equal((await search(ix, { ...q, text: 'kiwi' })).hits[0]?.id, c.id, 'important keywords are searchable');
      const byVector = await search(ix, { ...q, vector: unit(0, 1, 0, 0), vectorWeight: 1, similarityThreshold: 0.99 });
      assert.deepEqual(byVector.hits.map((h) => h.id), [c.id], 'the new vector is searched');
      assert.equal(await ix.update(t[0]!, chunkId('missing', doc), { content: 'x' }), false);
    });

    test('deleteByIds deletes only existing ids of that document and counts them', async () => {
      const { ix, t } = await setup();
      const [ds, docA, docB] = [uid(), uid(), uid()];
      const a = ['one alpha', 'two alpha', 'three alpha'].map((content) => makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: docA, content }));
      const b = makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: docB, content: 'four alpha' });
      await ix.upsert([...a, b]);
      const n = await ix.deleteByIds(t[0]!, ds, docA, [a[0]!.id, a[1]!.id, b.id, chunkId('ghost', docA), a[0]!.id]);
      assert.equal(n, 2);
      assert.equal(await ix.countByDocument(t[0]!, ds, docA), 1);
      assert.equal(await ix.countByDocument(t[0]!, ds, docB), 1, "another document's chunk is not deleted");
      const left = await search(ix, { tenantIds: [t[0]!], datasetIds: [ds], text: 'alpha' });
      assert.deepEqual(new Set(left.hits.map((h) => h.id)), new Set([a[2]!.id, b.id]), 'deleted chunks disappear from search at once');
      assert.equal(await ix.deleteByIds(t[0]!, ds, docA, []), 0);
    });

    test('deleteByDocument and deleteByDataset remove exactly their scope', async () => {
      const { ix, t } = await setup();
      const [ds1, ds2, d1, d2, d3] = [uid(), uid(), uid(), uid(), uid()];
      const mk = (ds: string, doc: string, content: string) =>
        makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: doc, content, vector: unit(1, 1, 0, 0) });
      await ix.upsert([mk(ds1, d1, 'shared term a'), mk(ds1, d1, 'shared term b'), mk(ds1, d2, 'shared term c'), mk(ds2, d3, 'shared term d')]);
      assert.equal(await ix.deleteByDocument(t[0]!, ds1, d1), 2);
      assert.equal(await ix.countByDocument(t[0]!, ds1, d1), 0);
      assert.equal(await ix.countByDocument(t[0]!, ds1, d2), 1);
      const v = await search(ix, { tenantIds: [t[0]!], datasetIds: [ds1, ds2], vector: unit(1, 1, 0, 0), vectorWeight: 1 });
      assert.equal(v.total, 2, 'vector search no longer sees deleted chunks');
      assert.equal(await ix.deleteByDataset(t[0]!, ds1), 1);
      assert.equal(await ix.countByDocument(t[0]!, ds2, d3), 1, 'other datasets stay');
      assert.equal((await search(ix, { tenantIds: [t[0]!], datasetIds: [ds1, ds2], text: 'shared' })).total, 1);
    });

    test('unavailable chunks are hidden from text and vector search but still listed', async () => {
      const { ix, t } = await setup();
      const [ds, doc, other] = [uid(), uid(), uid()];
      await ix.upsert([
        makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: doc, content: 'visible walrus', vector: unit(1, 0, 0, 0) }),
        makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: doc, content: 'hidden walrus', vector: unit(1, 0, 0, 0), available: false }),
        makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: other, content: 'other walrus', vector: unit(1, 0, 0, 0) }),
      ]);
      const q = { tenantIds: [t[0]!], datasetIds: [ds], text: 'walrus', vector: unit(1, 0, 0, 0), vectorWeight: 0.5 };
      assert.deepEqual((await search(ix, q)).hits.map((h) => h.content).sort(), ['other walrus', 'visible walrus']);
      assert.equal(await ix.setAvailability(t[0]!, doc, false), 2);
      assert.deepEqual((await search(ix, q)).hits.map((h) => h.content), ['other walrus']);
      const listed = await ix.listByDocument({ tenantId: t[0]!, datasetId: ds, documentId: doc, page: 1, pageSize: 10 });
      assert.equal(listed.total, 2);
      assert.deepEqual(listed.chunks.map((c) => c.available), [false, false]);
      await ix.setAvailability(t[0]!, doc, true);
      assert.equal((await search(ix, q)).total, 3);
    });

    test('listByDocument: keywords match within the document; title tokens only for parsed chunks (§8.2)', async () => {
      const { ix, t } = await setup();
      const [ds, doc, otherDoc] = [uid(), uid(), uid()];
      const name = 'ragflow_test_upload_0.txt';
      const manual = [1, 2, 3, 4].map((i) =>
        makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: doc, document_name: name, content: `chunk test ${i}`, title_tokens: [], page_order: 0, create_timestamp: 100 + i }),
      );
      const parsed = makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: doc, document_name: name, content: 'This is a test to verify parsing.', create_timestamp: 50, page_order: 0 });
      const elsewhere = makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: otherDoc, content: 'chunk elsewhere' });
      await ix.upsert([manual[2]!, parsed, manual[0]!, elsewhere, manual[3]!, manual[1]!]);
      const list = (keywords?: string, page = 1, pageSize = 30) =>
        ix.listByDocument({ tenantId: t[0]!, datasetId: ds, documentId: doc, page, pageSize, ...(keywords === undefined ? {} : { keywords }) });
      const all = await list();
      assert.equal(all.total, 5);
      assert.deepEqual(all.chunks.map((c) => c.content), [parsed.content, ...manual.map((c) => c.content)], 'ordered by page_order then create_timestamp');
      assert.equal((await list('')).total, 5);
      const chunk = await list('chunk');
      assert.equal(chunk.total, 4);
      assert.deepEqual(chunk.chunks.map((c) => c.content), manual.map((c) => c.content));
      assert.deepEqual((await list('1')).chunks.map((c) => c.content), ['chunk test 1']);
      assert.deepEqual((await list('ragflow')).chunks.map((c) => c.id), [parsed.id], "only the parsed chunk carries the document name's tokens");
      assert.equal((await list('unknown')).total, 0);
      const paged = await list('chunk', 2, 3);
      assert.equal(paged.total, 4);
      assert.deepEqual(paged.chunks.map((c) => c.content), ['chunk test 4']);
      const hl = await ix.listByDocument({ tenantId: t[0]!, datasetId: ds, documentId: doc, page: 1, pageSize: 1, keywords: 'chunk', highlight: true });
      assert.equal(hl.chunks[0]?.highlight, '<em>chunk</em> test 1');
    });

    test('search filters: tenants are isolated even with equal dataset ids; dataset and document filters apply', async () => {
      const { ix, t } = await setup(2);
      const [ds, ds2, d1, d2] = [uid(), uid(), uid(), uid()];
      const v = unit(0, 0, 1, 0);
      await ix.upsert([
        makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: d1, content: 'secret plans one', vector: v }),
        makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: d2, content: 'secret plans two', vector: v }),
        makeChunk({ tenant_id: t[0]!, dataset_id: ds2, document_id: uid(), content: 'secret plans three', vector: v }),
        makeChunk({ tenant_id: t[1]!, dataset_id: ds, document_id: d1, content: 'secret plans of the other tenant', vector: v }),
      ]);
      for (const vectorWeight of [0, 0.5, 1]) {
        const q = { text: 'secret plans', vector: v, vectorWeight };
        const mine = await search(ix, { ...q, tenantIds: [t[0]!], datasetIds: [ds] });
        assert.deepEqual(mine.hits.map((h) => h.content).sort(), ['secret plans one', 'secret plans two'], `weight ${vectorWeight}`);
        assert.ok(mine.hits.every((h) => h.tenant_id === t[0]));
        const theirs = await search(ix, { ...q, tenantIds: [t[1]!], datasetIds: [ds] });
        assert.deepEqual(theirs.hits.map((h) => h.content), ['secret plans of the other tenant']);
        const both = await search(ix, { ...q, tenantIds: [t[0]!], datasetIds: [ds, ds2] });
        assert.equal(both.total, 3);
        const oneDoc = await search(ix, { ...q, tenantIds: [t[0]!], datasetIds: [ds], documentIds: [d2] });
        assert.deepEqual(oneDoc.hits.map((h) => h.content), ['secret plans two']);
      }
      assert.equal((await search(ix, { tenantIds: [t[0]!], datasetIds: [], text: 'secret' })).total, 0);
    });

    test('hybrid scoring: similarity = w·cosine + (1−w)·term, threshold, total and pages', async () => {
      const { ix, t } = await setup();
      const ds = uid();
      const doc = uid();
      const mk = (content: string, vector: Float32Array, page_order: number) =>
        makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: doc, content, vector, page_order });
      const a = mk('alpha beta', unit(1, 0, 0, 0), 0);
      const b = mk('alpha', unit(0, 1, 0, 0), 1);
      const c = mk('gamma', unit(1, 1, 0, 0), 2);
      const fillers = FILLER.map((content, i) => mk(content, unit(0, 0, 1, 1 + i), 10 + i));
      await ix.upsert([a, b, c, ...fillers]);
      const base = { tenantIds: [t[0]!], datasetIds: [ds], text: 'alpha', vector: unit(1, 0, 0, 0) };
      for (const w of [0, 0.5, 1]) {
        const r = await search(ix, { ...base, vectorWeight: w });
        const byId = new Map(r.hits.map((h) => [h.id, h]));
        for (const h of r.hits) {
          assert.ok(Math.abs(h.similarity - (w * h.vector_similarity + (1 - w) * h.term_similarity)) < 1e-6, `w=${w}`);
          assert.ok(h.term_similarity >= 0 && h.term_similarity <= 1 + 1e-9);
        }
        assert.ok(Math.abs(byId.get(a.id)!.vector_similarity - 1) < 1e-5);
        assert.ok(Math.abs(byId.get(b.id)!.vector_similarity) < 1e-5);
        assert.ok(Math.abs(byId.get(c.id)!.vector_similarity - Math.SQRT1_2) < 1e-5);
        assert.equal(byId.get(c.id)!.term_similarity, 0, 'no term match → term similarity 0');
        assert.ok(Math.abs(Math.max(...r.hits.map((h) => h.term_similarity)) - 1) < 1e-9, 'best BM25 normalises to 1');
        assert.ok(byId.get(a.id)!.term_similarity > 0 && byId.get(b.id)!.term_similarity > 0);
        const sims = r.hits.map((h) => h.similarity);
        assert.deepEqual(sims, [...sims].sort((x, y) => y - x), 'sorted by similarity');
        assert.equal(r.total, 3 + fillers.length, 'threshold 0 keeps every candidate');
      }
      const vectorOnly = await search(ix, { ...base, vectorWeight: 1 });
      assert.deepEqual(vectorOnly.hits.slice(0, 2).map((h) => h.id), [a.id, c.id]);
      const thresholded = await search(ix, { ...base, vectorWeight: 1, similarityThreshold: 0.5 });
      assert.equal(thresholded.total, 2);
      assert.ok(thresholded.hits.every((h) => h.similarity >= 0.5));
      const termOnly = await search(ix, { ...base, vectorWeight: 0, similarityThreshold: 0.01 });
      assert.deepEqual(new Set(termOnly.hits.map((h) => h.id)), new Set([a.id, b.id]));
      const full = await search(ix, { ...base, vectorWeight: 0.5 });
      const pages = await Promise.all([1, 2, 3, 4, 5].map((page) => search(ix, { ...base, vectorWeight: 0.5, page, pageSize: 2 })));
      assert.deepEqual(pages.map((p) => p.total), [9, 9, 9, 9, 9], 'total is the count above threshold on every page');
      assert.deepEqual(pages.map((p) => p.hits.length), [2, 2, 2, 2, 1]);
      assert.deepEqual(pages.flatMap((p) => p.hits.map((h) => h.id)), full.hits.map((h) => h.id), 'pages tile the ranking');
      assert.equal((await search(ix, { ...base, vectorWeight: 0.5, page: 6, pageSize: 2 })).hits.length, 0);
      const capped = await search(ix, { ...base, text: 'alpha', vector: undefined, topK: 1 });
      assert.equal(capped.total, 1, 'topK bounds the candidate pool');
    });

    test('highlight wraps matched words (by stem) in <em>', async () => {
      const { ix, t } = await setup();
      const ds = uid();
      await ix.upsert([
        makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: uid(), content: 'Running dogs ran; the dog runs.' }),
        ...FILLER.map((content) => makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: uid(), content })),
      ]);
      const r = await search(ix, { tenantIds: [t[0]!], datasetIds: [ds], text: 'dog running', highlight: true });
      assert.equal(r.hits[0]?.highlight, '<em>Running</em> <em>dogs</em> ran; the <em>dog</em> <em>runs</em>.');
      const plain = await search(ix, { tenantIds: [t[0]!], datasetIds: [ds], text: 'dog' });
      assert.equal(plain.hits[0]?.highlight, undefined);
    });

    test('CJK text is searchable by character bigrams', async () => {
      const { ix, t } = await setup();
      const ds = uid();
      await ix.upsert([
        makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: uid(), content: '检索增强生成是一种技术' }),
        makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: uid(), content: '今天天气很好' }),
        ...FILLER.map((content) => makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: uid(), content })),
      ]);
      const r = await search(ix, { tenantIds: [t[0]!], datasetIds: [ds], text: '增强生成', highlight: true });
      assert.equal(r.total, 1);
      assert.equal(r.hits[0]?.highlight, '检索<em>增强生成</em>是一种技术');
    });

    test('hostile query text never raises: FTS operators, quotes, wildcards, emoji, CJK', async () => {
      const { ix, t } = await setup();
      const [ds, doc] = [uid(), uid()];
      await ix.upsert([
        makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: doc, content: 'near and or not x marks the spot' }),
        ...FILLER.map((content) => makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: doc, content })),
      ]);
      const hostile = [
        '"', '""', '"unbalanced', 'AND (', 'OR', 'NOT', 'a AND', 'NEAR(', 'NEAR(a b, 2)', '*', 'a*', '-x', '^x', 'x:y',
        'content: spot', '{content}: spot', '(((', ')', 'a + b', '😀', '🙈 spot', '检索', '\u0301', '\0', '\\', "'; DROP TABLE chunks; --",
        '   ', '.', 'x'.repeat(5000), Array.from({ length: 300 }, (_, i) => `w${i}`).join(' '),
      ];
      for (const text of hostile) {
        await search(ix, { tenantIds: [t[0]!], datasetIds: [ds], text, highlight: true, vector: unit(1, 2, 3, 4), vectorWeight: 0.3 });
        await ix.listByDocument({ tenantId: t[0]!, datasetId: ds, documentId: doc, keywords: text, page: 1, pageSize: 10, highlight: true });
      }
      const spot = await search(ix, { tenantIds: [t[0]!], datasetIds: [ds], text: '"spot" AND (x' });
      assert.equal(spot.total, 1, 'the words of hostile text still match');
      assert.equal(await ix.countByDocument(t[0]!, ds, doc), 1 + FILLER.length);
    });

    test('vector-only search: empty text with a vector ranks by cosine; no text and no vector finds nothing', async () => {
      const { ix, t } = await setup();
      const ds = uid();
      const near = makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: uid(), content: 'first', vector: unit(1, 0.1, 0, 0) });
      const far = makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: uid(), content: 'second', vector: unit(0, 1, 0, 0) });
      const none = makeChunk({ tenant_id: t[0]!, dataset_id: ds, document_id: uid(), content: 'third', vector: null });
      await ix.upsert([near, far, none]);
      const r = await search(ix, { tenantIds: [t[0]!], datasetIds: [ds], vector: unit(1, 0, 0, 0), vectorWeight: 1 });
      assert.deepEqual(r.hits.map((h) => h.id), [near.id, far.id]);
      assert.equal((await search(ix, { tenantIds: [t[0]!], datasetIds: [ds] })).total, 0);
    });
  });
}
