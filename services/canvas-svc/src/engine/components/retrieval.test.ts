import { test } from 'node:test';
import assert from 'node:assert/strict';
import { citationNumber } from '../context.js';
import { cpn, load, runAll, testClock, text } from '../testing.js';
import type { RetrievalPort, RetrievalRequest, RetrievedChunk } from '../types.js';

const chunk: RetrievedChunk = { id: 'c1', content: 'Cats sleep a lot.', document_id: 'd1', document_name: 'cats.txt', dataset_id: 'ds1', similarity: 0.9 };

function datasets(found: RetrievedChunk[]): RetrievalPort & { requests: RetrievalRequest[] } {
  const requests: RetrievalRequest[] = [];
  return { requests, retrieve: async (request) => (requests.push(request), found) };
}

const canvas = (kb_ids: unknown[], message: string) =>
  load({
    begin: cpn('Begin', {}, ['Retrieval:r']),
    'Retrieval:r': cpn('Retrieval', { query: '{sys.query}', kb_ids, top_n: 3, empty_response: 'nothing found' }, ['Message:m']),
    'Message:m': cpn('Message', { content: [message] }),
  });

test('Retrieval: chunks become formalized content and citations keyed by SHA-1 mod 500; message_end cites only with [ID:n]', async () => {
  const port = datasets([chunk]);
  const n = citationNumber('c1');
  const events = await runAll(canvas(['ds1'], `{Retrieval:r@formalized_content} [ID:${n}]`), { query: 'cats' }, { ports: { clock: testClock(), retrieval: port } });
  assert.equal(port.requests[0]!.query, 'cats');
  assert.deepEqual(port.requests[0]!.datasets, ['ds1']);
  assert.equal(port.requests[0]!.topN, 3);
  assert.match(text(events), new RegExp(`^ID: ${n}\\n├── Title: cats.txt\\n└── Content:\\nCats sleep a lot\\.`));
  const end = events.find((e) => e.event === 'message_end')!;
  assert.deepEqual(end.event === 'message_end' && end.data.reference, { chunks: { [String(n)]: chunk }, doc_aggs: { 'cats.txt': { doc_name: 'cats.txt', doc_id: 'd1', count: 1 } } });
  const plain = await runAll(canvas(['ds1'], '{Retrieval:r@formalized_content}'), { query: 'cats' }, { ports: { clock: testClock(), retrieval: datasets([chunk]) } });
  const plainEnd = plain.find((e) => e.event === 'message_end')!;
  assert.deepEqual(plainEnd.data, {});
});

test('Retrieval: no datasets or an empty query give empty_response without calling the port', async () => {
  const port = datasets([chunk]);
  const events = await runAll(canvas([], '{Retrieval:r@formalized_content}'), { query: 'cats' }, { ports: { clock: testClock(), retrieval: port } });
  assert.equal(text(events), 'nothing found');
  assert.equal(port.requests.length, 0);
});

test('Retrieval: kb_ids entries with @ are references resolved to dataset names or ids', async () => {
  const port = datasets([]);
  await runAll(canvas(['begin@kb'], 'x'), { query: 'cats', inputs: { kb: { value: 'my notes' } } }, { ports: { clock: testClock(), retrieval: port } });
  assert.deepEqual(port.requests[0]!.datasets, ['my notes']);
});

test('Retrieval: a query text naming a missing component is refused at load', () => {
  assert.throws(() => load({ begin: cpn('Begin', {}, ['r']), r: cpn('Retrieval', { query: '{Agent:gone@content}', kb_ids: ['ds1'] }) }), { message: "r: refers to a component that does not exist: 'Agent:gone@content'" });
});
