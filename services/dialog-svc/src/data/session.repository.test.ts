import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, migrate, openDb, type Knex } from '@rag/platform';
import { migrations } from './migrations.js';
import { SessionRepository, type SessionRow } from './session.repository.js';

let db: Knex;
let repo: SessionRepository;

const session = (id: string, over: Partial<SessionRow> = {}): SessionRow => ({
  id,
  chat_id: 'chat1',
  tenant_id: 't1',
  name: `session ${id}`,
  messages: [{ role: 'assistant', content: 'Hi' }],
  reference: [],
  user_id: '',
  create_time: 1000,
  update_time: 1000,
  ...over,
});

before(async () => {
  db = openDb({ url: undefined, dataDir: ':memory:', name: 'dialog' });
  await migrate(db, 'dialog-svc', migrations, createLogger('test', 'silent'));
  repo = new SessionRepository(db);
  await repo.insert(session('s1'));
  await repo.insert(session('s2', { chat_id: 'chat2', name: 'Other', create_time: 2000 }));
  await repo.insert(session('s3', { name: 'Zeta', user_id: 'u1', create_time: 3000 }));
});
after(async () => db?.destroy());

test('append-messages keeps every turn, with its reference, and bumps update_time', async () => {
  await Promise.all([
    repo.appendMessages('s1', [{ role: 'user', content: 'q1', id: 'a' }, { role: 'assistant', content: 'a1', id: 'a', prompt: 'p' }], { chunks: [{ id: 'c1' }], doc_aggs: [] }),
    repo.appendMessages('s1', [{ role: 'user', content: 'q2', id: 'b' }]),
  ]);
  const s = await repo.get('s1');
  assert.equal(s?.messages.length, 4);
  assert.deepEqual(s?.messages.filter((m) => m.role === 'user').map((m) => m.content).sort(), ['q1', 'q2']);
  assert.deepEqual(s?.reference, [{ chunks: [{ id: 'c1' }], doc_aggs: [] }]);
  assert.ok(s!.update_time > 1000);
  assert.equal(await repo.appendMessages('missing', [{ role: 'user', content: 'x' }]), undefined);
});

test('modify rewrites a conversation in one step (a streamed answer\'s final text)', async () => {
  const after = await repo.modify('s1', (current) => ({
    messages: current.messages.map((m, i) => (i === current.messages.length - 1 ? { ...m, content: `${m.content} (final)` } : m)),
  }));
  assert.match(String(after?.messages.at(-1)?.content), /\(final\)$/);
  assert.equal((await repo.get('s1'))?.messages.at(-1)?.content, after?.messages.at(-1)?.content);
  await db.transaction(async (trx) => {
    await repo.with(trx).modify('s3', () => ({ name: 'Zeta 2' }));
  });
  assert.equal((await repo.get('s3'))?.name, 'Zeta 2', 'works inside a caller transaction too');
});

test('lookups are scoped to the chat; lists filter, order and page', async () => {
  assert.equal(await repo.findInChat('chat2', 's1'), undefined);
  assert.equal((await repo.findInChat('chat1', 's1'))?.id, 's1');
  assert.deepEqual([...(await repo.idsInChat('chat1', ['s1', 's2', 's3', 'x']))].sort(), ['s1', 's3']);
  const page = (over: Partial<Parameters<SessionRepository['list']>[0]> = {}) => repo.list({ chatId: 'chat1', orderby: 'create_time', desc: true, page: 1, pageSize: 30, ...over });
  assert.deepEqual((await page()).map((s) => s.id), ['s3', 's1']);
  assert.deepEqual((await page({ desc: false })).map((s) => s.id), ['s1', 's3']);
  assert.deepEqual((await page({ name: 'ZETA 2' })).map((s) => s.id), ['s3']);
  assert.deepEqual((await page({ userId: 'u1' })).map((s) => s.id), ['s3']);
  assert.deepEqual((await page({ pageSize: 1, page: 2 })).map((s) => s.id), ['s1']);
  assert.deepEqual(await page({ pageSize: 0 }), []);
  await repo.deleteMany(['s1']);
  assert.equal(await repo.get('s1'), undefined);
});
