/**
 * ElasticsearchChunkIndex without a server: @elastic/elasticsearch-mock stands in for the HTTP layer,
 * so these tests pin the exact requests sent and the mapping of canned responses. The shared
 * contract suite runs against a real cluster only when ES_URL is set (no Elasticsearch can run on
 * the build machine); skipping it otherwise is honest because the request/response mapping is
 * covered here, and ES.md lists what only a real cluster can verify.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import MockModule from '@elastic/elasticsearch-mock';
import { makeChunk, registerChunkIndexContract } from '../chunk-index.contract.js';
import { ElasticsearchChunkIndex } from './es-chunk-index.js';

// The mock is CommonJS (its typings claim an ES default export; at run time the default import is the class),
// and its ResponseError must come from the same (CommonJS) copy of the client.
const Mock = MockModule as unknown as typeof MockModule.default;
const { errors } = createRequire(import.meta.url)('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch');

interface Call {
  method: string;
  path: string;
  querystring: Record<string, string>;
  body: unknown;
}
type Reply = (call: Call) => unknown;

function notFound(body: unknown = { error: { type: 'index_not_found_exception' }, status: 404 }): unknown {
  return new errors.ResponseError({ body, statusCode: 404, headers: {}, warnings: null, meta: {} as never });
}

/** A mock cluster that records every request and answers with `reply` (a 404 when it returns undefined). */
function fakeCluster(reply: Reply): { ix: ElasticsearchChunkIndex; calls: Call[] } {
  const mock = new Mock();
  const calls: Call[] = [];
  mock.add({ method: ['GET', 'POST', 'PUT', 'HEAD', 'DELETE'], path: '*' }, (pattern) => {
    const params = pattern as unknown as Call;
    const call = { method: params.method, path: params.path, querystring: { ...params.querystring }, body: params.body };
    calls.push(call);
    return (reply(call) ?? notFound()) as Record<string, unknown>;
  });
  // getConnection() is typed against the CommonJS copy of the transport; the client takes any Connection class.
  const client = new Client({ node: 'http://localhost:9200', Connection: mock.getConnection() as never });
  return { ix: new ElasticsearchChunkIndex({ client }), calls };
}

const FILTERS = (extra: object[] = []) => [{ terms: { tenant_id: ['t1'] } }, { terms: { dataset_id: ['ds1'] } }, ...extra];
const FIELDS = ['fts_content', 'important_keywords^2', 'questions^2', 'title_tokens^3'];

describe('ElasticsearchChunkIndex requests and response mapping (mock cluster)', () => {
  test('ensure creates the tenant index with the mapping once; a known index costs no request', async () => {
    const { ix, calls } = fakeCluster((c) => (c.method === 'PUT' ? { acknowledged: true } : undefined));
    await ix.ensure('T1', { vectorDims: 4 });
    await ix.ensure('T1', { vectorDims: 4 });
    assert.deepEqual(
      calls.map((c) => `${c.method} ${c.path}`),
      ['HEAD /ragflow_t1', 'PUT /ragflow_t1'],
    );
    const english = { type: 'text', analyzer: 'english' };
    assert.deepEqual(calls[1]!.body, {
      mappings: {
        dynamic: false,
        properties: {
          id: { type: 'keyword' },
          tenant_id: { type: 'keyword' },
          dataset_id: { type: 'keyword' },
          document_id: { type: 'keyword' },
          document_name: { type: 'keyword' },
          content: { type: 'text', index: false },
          content_tokens: { type: 'keyword', index: false, doc_values: false },
          fts_content: english,
          important_keywords: english,
          questions: english,
          title_tokens: english,
          positions: { type: 'float', index: false, doc_values: false },
          image_id: { type: 'keyword' },
          available: { type: 'boolean' },
          embedding_model: { type: 'keyword' },
          create_time: { type: 'keyword' },
          create_timestamp: { type: 'double' },
          page_order: { type: 'double' },
          doc_type: { type: 'keyword' },
          pagerank: { type: 'float' },
          extra: { type: 'object', enabled: false },
          q_4_vec: { type: 'dense_vector', dims: 4, index: true, similarity: 'cosine' },
        },
      },
    });
  });

  test('upsert: existing index, new vector dims mapped, one bulk of index ops (idempotent by _id) with refresh', async () => {
    const { ix, calls } = fakeCluster((c) => {
      if (c.method === 'HEAD') return '';
      if (c.path === '/ragflow_t1/_mapping') return { acknowledged: true };
      if (c.path === '/_bulk') return { errors: false, items: [] };
      return undefined;
    });
    const chunk = makeChunk({
      id: 'aaaaaaaaaaaaaaaa',
      tenant_id: 't1',
      dataset_id: 'ds1',
      document_id: 'doc1',
      document_name: 'Guide.pdf',
      content: '检索 works',
      vector: new Float32Array([0.5, 0.25, 0, 1]),
      questions: ['q?'],
    });
    await ix.upsert([chunk, { ...chunk, id: 'bbbbbbbbbbbbbbbb', vector: null, title_tokens: [], content_tokens: ['x', 'y'] }]);
    assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), ['HEAD /ragflow_t1', 'PUT /ragflow_t1/_mapping', 'POST /_bulk']);
    assert.deepEqual(calls[1]!.body, { properties: { q_4_vec: { type: 'dense_vector', dims: 4, index: true, similarity: 'cosine' } } });
    assert.deepEqual(calls[2]!.querystring, { refresh: 'wait_for' });
    const common = {
      tenant_id: 't1', dataset_id: 'ds1', document_id: 'doc1', document_name: 'Guide.pdf', content: '检索 works',
      important_keywords: [], questions: ['q?'], positions: [], image_id: '', available: true, embedding_model: 'test-embedder',
      create_time: '2024-05-01 10:00:00', create_timestamp: 1714557600.5, page_order: 0, doc_type: '',
    };
    assert.deepEqual(calls[2]!.body, [
      { index: { _index: 'ragflow_t1', _id: 'aaaaaaaaaaaaaaaa' } },
      { id: 'aaaaaaaaaaaaaaaa', ...common, fts_content: ' 检  索  works', title_tokens: ['guide', 'pdf'], q_4_vec: [0.5, 0.25, 0, 1] },
      { index: { _index: 'ragflow_t1', _id: 'bbbbbbbbbbbbbbbb' } },
      { id: 'bbbbbbbbbbbbbbbb', ...common, fts_content: 'x y', title_tokens: [], content_tokens: ['x', 'y'] },
    ].map((o) => JSON.parse(JSON.stringify(o)) as unknown));
  });

  test('upsert reports the first failed bulk item', async () => {
    const { ix } = fakeCluster((c) => {
      if (c.method === 'HEAD') return '';
      if (c.path === '/_bulk') return { errors: true, items: [{ index: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'bad field' } } }] };
      return undefined;
    });
    await assert.rejects(ix.upsert([makeChunk({ tenant_id: 't1', dataset_id: 'ds1', document_id: 'd', content: 'x' })]), /mapper_parsing_exception: bad field/);
  });

  test('get maps _source back to a chunk (vector from q_<dims>_vec); 404 and foreign tenants give null', async () => {
    const source = {
      id: 'cccccccccccccccc', tenant_id: 't1', dataset_id: 'ds1', document_id: 'doc1', document_name: 'a.txt', content: 'Hello world',
      fts_content: 'Hello world', title_tokens: ['a', 'txt'], important_keywords: ['k'], questions: [], positions: [[1, 2, 3, 4, 5]],
      image_id: '', available: false, embedding_model: 'm', create_time: '2024-01-01 00:00:00', create_timestamp: 1.5, page_order: 2,
      doc_type: 'text', pagerank: 1, extra: { a: 1 }, q_3_vec: [1, 0, 0],
    };
    const { ix, calls } = fakeCluster((c) => {
      if (c.path === '/ragflow_t1/_doc/cccccccccccccccc') return { _index: 'ragflow_t1', _id: 'cccccccccccccccc', found: true, _source: source };
      if (c.path === '/ragflow_t1/_doc/dddddddddddddddd') return { found: true, _source: { ...source, tenant_id: 'other' } };
      return undefined;
    });
    const got = await ix.get('t1', 'cccccccccccccccc');
    assert.deepEqual(calls[0]!.querystring, { _source_exclude_vectors: 'false' });
    assert.deepEqual({ ...got, vector: [...got!.vector!] }, {
      id: 'cccccccccccccccc', tenant_id: 't1', dataset_id: 'ds1', document_id: 'doc1', document_name: 'a.txt', content: 'Hello world',
      content_tokens: ['hello', 'world'], title_tokens: ['a', 'txt'], important_keywords: ['k'], questions: [], positions: [[1, 2, 3, 4, 5]],
      image_id: '', available: false, vector: [1, 0, 0], embedding_model: 'm', create_time: '2024-01-01 00:00:00', create_timestamp: 1.5,
      page_order: 2, doc_type: 'text', pagerank: 1, extra: { a: 1 },
    });
    assert.equal(await ix.get('t1', 'eeeeeeeeeeeeeeee'), null);
    assert.equal(await ix.get('t1', 'dddddddddddddddd'), null);
  });

  test('search: one _msearch (BM25 top-K + kNN top-K, same filters), union scored like SQLite, page fetched by ids', async () => {
    const hit = (id: string, score: number, source?: object) => ({ _index: 'ragflow_t1', _id: id, _score: score, ...(source ? { _source: source } : {}) });
    const page = (id: string) => ({
      _index: 'ragflow_t1', _id: id,
      _source: { id, tenant_id: 't1', dataset_id: 'ds1', document_id: 'doc1', document_name: 'd.txt', content: `Running ${id}`, available: true },
    });
    const { ix, calls } = fakeCluster((c) => {
      if (c.method === 'HEAD') return '';
      if (c.path === '/ragflow_t1/_mapping') return { acknowledged: true };
      if (c.path === '/_msearch') {
        return {
          responses: [
            { hits: { hits: [hit('a', 4, { q_2_vec: [1, 0] }), hit('b', 2, { q_2_vec: [0, 1] })] } },
            { hits: { hits: [hit('a', 1), hit('c', 0.75)] } },
          ],
        };
      }
      if (c.path === '/ragflow_t1/_search') return { hits: { hits: [page('b'), page('a'), page('c')] } };
      return undefined;
    });
    const res = await ix.search({
      tenantIds: ['t1'], datasetIds: ['ds1'], documentIds: ['doc1'], text: 'the running dogs', terms: ['extra'],
      vector: new Float32Array([1, 0]), topK: 50, similarityThreshold: 0.2, vectorWeight: 0.5, page: 1, pageSize: 10, highlight: true,
    });
    assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), ['HEAD /ragflow_t1', 'PUT /ragflow_t1/_mapping', 'POST /_msearch', 'POST /ragflow_t1/_search']);
    const filters = FILTERS([{ terms: { document_id: ['doc1'] } }, { term: { available: true } }]);
    assert.deepEqual(calls[2]!.body, [
      { index: ['ragflow_t1'], ignore_unavailable: true },
      {
        size: 50,
        query: { bool: { filter: filters, must: [{ combined_fields: { query: 'running dogs extra', fields: FIELDS, operator: 'or' } }] } },
        _source: { includes: ['q_2_vec'], exclude_vectors: false },
        track_total_hits: false,
      },
      { index: ['ragflow_t1'], ignore_unavailable: true },
      {
        size: 50,
        knn: { field: 'q_2_vec', query_vector: [1, 0], k: 50, num_candidates: 100, filter: filters },
        _source: false,
        track_total_hits: false,
      },
    ]);
    assert.deepEqual(calls[3]!.body, { size: 3, query: { ids: { values: ['a', 'b', 'c'] } }, _source: { exclude_vectors: false } });
    assert.deepEqual(calls[3]!.querystring, { ignore_unavailable: 'true' });
    // a: term 4/4 = 1, cosine 1 → 1; c: term 0, cosine 2·0.75−1 = 0.5 → 0.25; b: term 0.5, cosine 0 → 0.25 (ties by id).
    assert.equal(res.total, 3);
    assert.deepEqual(res.hits.map((h) => [h.id, h.similarity, h.vector_similarity, h.term_similarity]), [
      ['a', 1, 1, 1],
      ['b', 0.25, 0, 0.5],
      ['c', 0.25, 0.5, 0],
    ]);
    assert.equal(res.hits[0]!.highlight, '<em>Running</em> a');
    assert.equal(res.hits[0]!.document_name, 'd.txt');
  });

  test('search: text only sends no kNN and no vector fields; CJK bigrams become phrase queries; errors surface', async () => {
    let reply: unknown = { responses: [{ hits: { hits: [] } }] };
    const { ix, calls } = fakeCluster((c) => (c.path === '/_msearch' ? reply : undefined));
    const q = { tenantIds: ['t1'], datasetIds: ['ds1'], text: '检索增强 RAG', topK: 5, similarityThreshold: 0, vectorWeight: 0.3, page: 1, pageSize: 5 };
    assert.deepEqual(await ix.search(q), { total: 0, hits: [] });
    assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), ['POST /_msearch'], 'an empty page fetches nothing');
    assert.deepEqual((calls[0]!.body as unknown[])[1], {
      size: 5,
      query: {
        bool: {
          filter: FILTERS([{ term: { available: true } }]),
          must: [{
            bool: {
              should: [
                { combined_fields: { query: 'rag', fields: FIELDS, operator: 'or' } },
                { multi_match: { query: '检索', type: 'phrase', fields: FIELDS } },
                { multi_match: { query: '索增', type: 'phrase', fields: FIELDS } },
                { multi_match: { query: '增强', type: 'phrase', fields: FIELDS } },
              ],
              minimum_should_match: 1,
            },
          }],
        },
      },
      _source: false,
      track_total_hits: false,
    });
    reply = { responses: [{ error: { type: 'search_phase_execution_exception', reason: 'all shards failed' }, status: 400 }] };
    await assert.rejects(ix.search(q), /search_phase_execution_exception: all shards failed/);
    assert.deepEqual(await ix.search({ ...q, text: '!!! "" ***' }), { total: 0, hits: [] }, 'no terms, no vector: no request');
  });

  test('listByDocument: filters, full-text must, stable sort, from/size, exact total', async () => {
    const { ix, calls } = fakeCluster((c) =>
      c.path === '/ragflow_t1/_search'
        ? { hits: { total: { value: 7, relation: 'eq' }, hits: [{ _index: 'ragflow_t1', _id: 'x', _source: { id: 'x', tenant_id: 't1', dataset_id: 'ds1', document_id: 'doc1', content: 'chunk test 1' } }] } }
        : undefined,
    );
    const res = await ix.listByDocument({ tenantId: 't1', datasetId: 'ds1', documentId: 'doc1', keywords: 'chunk', page: 3, pageSize: 2, highlight: true });
    assert.equal(res.total, 7);
    assert.equal(res.chunks[0]!.highlight, '<em>chunk</em> test 1');
    assert.deepEqual(calls[0]!.querystring, { ignore_unavailable: 'true' });
    assert.deepEqual(calls[0]!.body, {
      from: 4,
      size: 2,
      query: { bool: { filter: FILTERS([{ terms: { document_id: ['doc1'] } }]), must: [{ combined_fields: { query: 'chunk', fields: FIELDS, operator: 'or' } }] } },
      sort: [{ page_order: 'asc' }, { create_timestamp: 'asc' }, { id: 'asc' }],
      track_total_hits: true,
      _source: { exclude_vectors: false },
    });
  });

  test('deletes, availability and counts are scoped queries with refresh', async () => {
    const { ix, calls } = fakeCluster((c) => {
      if (c.path.endsWith('/_delete_by_query')) return { deleted: 2 };
      if (c.path.endsWith('/_update_by_query')) return { updated: 5 };
      if (c.path.endsWith('/_count')) return { count: 9 };
      return undefined;
    });
    assert.equal(await ix.deleteByIds('t1', 'ds1', 'doc1', ['a', 'b', 'a', 'zz']), 2);
    assert.equal(await ix.deleteByIds('t1', 'ds1', 'doc1', []), 0);
    assert.equal(await ix.deleteByDataset('t1', 'ds1'), 2);
    assert.equal(await ix.setAvailability('t1', 'doc1', false), 5);
    assert.equal(await ix.countByDocument('t1', 'ds1', 'doc1'), 9);
    assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), [
      'POST /ragflow_t1/_delete_by_query',
      'POST /ragflow_t1/_delete_by_query',
      'POST /ragflow_t1/_update_by_query',
      'POST /ragflow_t1/_count',
    ]);
    assert.deepEqual(calls[0]!.querystring, { refresh: 'true', conflicts: 'proceed', ignore_unavailable: 'true' });
    assert.deepEqual(calls[0]!.body, { query: { bool: { filter: FILTERS([{ terms: { document_id: ['doc1'] } }, { ids: { values: ['a', 'b', 'zz'] } }]) } } });
    assert.deepEqual(calls[1]!.body, { query: { bool: { filter: FILTERS() } } });
    assert.deepEqual(calls[2]!.body, {
      query: { bool: { filter: [{ term: { tenant_id: 't1' } }, { term: { document_id: 'doc1' } }] } },
      script: { source: 'ctx._source.available = params.available', lang: 'painless', params: { available: false } },
      conflicts: 'proceed', // the client sends update-by-query's `conflicts` in the body
    });
    assert.deepEqual(calls[3]!.body, { query: { bool: { filter: FILTERS([{ terms: { document_id: ['doc1'] } }]) } } });
  });

  test('update re-indexes the merged chunk with optimistic concurrency; a missing chunk is reported', async () => {
    const source = { id: 'ffffffffffffffff', tenant_id: 't1', dataset_id: 'ds1', document_id: 'doc1', document_name: 'n.txt', content: 'old', title_tokens: ['n', 'txt'], available: true };
    const { ix, calls } = fakeCluster((c) => {
      if (c.method === 'GET' && c.path === '/ragflow_t1/_doc/ffffffffffffffff') return { found: true, _seq_no: 3, _primary_term: 1, _source: source };
      if (c.method === 'PUT' && c.path === '/ragflow_t1/_doc/ffffffffffffffff') return { result: 'updated' };
      return undefined;
    });
    assert.equal(await ix.update('t1', 'ffffffffffffffff', { content: 'new words', available: false }), true);
    assert.deepEqual(calls[1]!.querystring, { refresh: 'wait_for', if_seq_no: '3', if_primary_term: '1' });
    const body = calls[1]!.body as Record<string, unknown>;
    assert.equal(body.content, 'new words');
    assert.equal(body.fts_content, 'new words');
    assert.equal(body.available, false);
    assert.equal(await ix.update('t1', '0000000000000000', { content: 'x' }), false);
  });
});

// Real-cluster run of the shared contract (see the header comment for why a skip is honest here).
const ES_URL = process.env.ES_URL;
const realClient = ES_URL ? new Client({ node: ES_URL }) : null;
registerChunkIndexContract('ElasticsearchChunkIndex (real cluster)', {
  ...(ES_URL ? {} : { skip: 'ES_URL is not set: no Elasticsearch here; request building and response mapping are covered by the mock tests above' }),
  open: async () => new ElasticsearchChunkIndex({ client: realClient!, indexPrefix: 'chunk_contract_' }),
  dropTenant: async (tenantId) => {
    await realClient!.indices.delete({ index: `chunk_contract_${tenantId}`.toLowerCase(), ignore_unavailable: true });
  },
});
