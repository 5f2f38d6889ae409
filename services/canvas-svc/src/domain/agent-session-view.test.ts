import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentSessionRow } from '../data/session.repository.js';
import { listedSession } from './agent-session.service.js';

const row = (over: Partial<AgentSessionRow>): AgentSessionRow => ({
  id: 's1',
  agent_id: 'a1',
  tenant_id: 't1',
  user_id: 'u1',
  messages: [],
  reference: [],
  tokens: 0,
  source: 'agent',
  dsl: { components: {} },
  duration: 0,
  round: 0,
  thumb_up: 0,
  errors: null,
  create_time: 1_700_000_000_000,
  update_time: 1_700_000_000_000,
  ...over,
});

test('a listed session: messages renamed, prompt stripped, agent_id, no reference or tenant; dsl only when asked', () => {
  const listed = listedSession(row({ messages: [{ role: 'assistant', content: 'hi', prompt: 'secret' }] }), true);
  assert.deepEqual(listed.messages, [{ role: 'assistant', content: 'hi' }]);
  assert.equal(listed.agent_id, 'a1');
  assert.ok(!('reference' in listed) && !('tenant_id' in listed) && !('message' in listed));
  assert.deepEqual(listed.dsl, { components: {} });
  assert.ok(!('dsl' in listedSession(row({}), false)));
});

test('non-first non-user messages take the chunks of the next reference entry, in step (§14.2 as §11)', () => {
  const chunk = { chunk_id: 'c1', content_with_weight: 'text', doc_id: 'd1', docnm_kwd: 'doc.txt', kb_id: 'k1', image_id: '', positions: [[1, 2, 3, 4, 5]] };
  const listed = listedSession(
    row({
      messages: [
        { role: 'assistant', content: 'opener' },
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'a1' },
        { role: 'user', content: 'q2' },
        { role: 'assistant', content: 'a2' },
      ],
      reference: [{ chunks: [chunk], doc_aggs: [] }, 'not a dict'],
    }),
    false,
  );
  const messages = listed.messages as Record<string, unknown>[];
  assert.ok(!('reference' in messages[0]!), 'the opener gets none');
  assert.ok(!('reference' in messages[1]!), 'user messages get none');
  assert.deepEqual(messages[2]!.reference, [{ id: 'c1', content: 'text', document_id: 'd1', document_name: 'doc.txt', dataset_id: 'k1', image_id: '', positions: [[1, 2, 3, 4, 5]] }]);
  assert.deepEqual(messages[4]!.reference, [], 'an entry that is not a dict gives no chunks');
  // Without any reference entry the messages are left as they are.
  assert.ok(!('reference' in (listedSession(row({ messages: [{ role: 'assistant', content: 'x' }, { role: 'assistant', content: 'y' }] }), false).messages as Record<string, unknown>[])[1]!));
});
