import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionRow } from '../data/session.repository.js';
import { createdSession, listedChunk, listedMessages, listedSession } from './session-view.js';

const chunk = { chunk_id: 'c1', content_with_weight: 'text', doc_id: 'd1', docnm_kwd: 'a.txt', kb_id: 'k1', image_id: '', positions: [[1, 2, 3, 4, 5]], similarity: 0.9 };

test('reference chunks are listed with API names, whichever names they were stored with', () => {
  assert.deepEqual(listedChunk(chunk), { id: 'c1', content: 'text', document_id: 'd1', document_name: 'a.txt', dataset_id: 'k1', image_id: '', positions: [[1, 2, 3, 4, 5]] });
  assert.deepEqual(listedChunk({ id: 'c2', content: 'x', document_id: 'd2', document_name: 'b', dataset_id: 'k2', img_id: 'i', position_int: [] }), {
    id: 'c2',
    content: 'x',
    document_id: 'd2',
    document_name: 'b',
    dataset_id: 'k2',
    image_id: 'i',
    positions: [],
  });
  assert.deepEqual(listedChunk({}), { id: null, content: null, document_id: null, document_name: null, dataset_id: null, image_id: null, positions: null });
});

test('non-user messages take the reference entries in order; prompts are removed', () => {
  const messages = [
    { role: 'assistant', content: 'Hi!' },
    { role: 'user', content: 'q1', id: 'u1' },
    { role: 'assistant', content: 'a1', id: 'u1', prompt: 'secret', created_at: 1.5 },
    { role: 'user', content: 'q2', id: 'u2' },
    { role: 'assistant', content: 'a2', id: 'u2', prompt: 'secret' },
  ];
  const reference = [{ chunks: [], doc_aggs: [] }, { chunks: [chunk], doc_aggs: [], total: 1 }, { chunks: [], doc_aggs: [] }];
  const listed = listedMessages(messages, reference);
  assert.deepEqual(listed[0], { role: 'assistant', content: 'Hi!', reference: [] });
  assert.deepEqual(listed[1], { role: 'user', content: 'q1', id: 'u1' });
  assert.equal((listed[2]!.reference as unknown[]).length, 1);
  assert.equal('prompt' in listed[2]!, false);
  assert.deepEqual(listed[4], { role: 'assistant', content: 'a2', id: 'u2', reference: [] });
  assert.equal(messages[2]!.prompt, 'secret', 'the stored messages are not changed');
  // Fewer references than answers: the walk stops, later answers get no `reference` key.
  const short = listedMessages(messages, [{ chunks: [chunk], doc_aggs: [] }]);
  assert.equal((short[0]!.reference as unknown[]).length, 1);
  assert.equal('reference' in short[2]!, false);
  assert.equal('reference' in listedMessages(messages, [])[0]!, false);
});

test('session objects of create and list', () => {
  const row: SessionRow = { id: 's1', chat_id: 'c1', tenant_id: 't1', name: 'New session', messages: [{ role: 'assistant', content: 'Hi' }], reference: [], user_id: '', create_time: 0, update_time: 0 };
  assert.deepEqual(Object.keys(createdSession(row)).sort(), ['chat_id', 'create_date', 'create_time', 'id', 'messages', 'name', 'update_date', 'update_time', 'user_id']);
  assert.deepEqual(Object.keys(listedSession(row)).sort(), ['chat_id', 'create_date', 'create_time', 'id', 'messages', 'name', 'update_date', 'update_time', 'user_id']);
  assert.equal(createdSession(row).create_date, 'Thu, 01 Jan 1970 00:00:00 GMT');
});
