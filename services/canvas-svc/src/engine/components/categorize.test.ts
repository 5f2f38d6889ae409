import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickCategory } from './categorize.js';
import { cpn, load, runAll, scriptedChat, testClock, text } from '../testing.js';

const router = () =>
  load({
    begin: cpn('Begin', {}, ['Categorize:c']),
    'Categorize:c': cpn('Categorize', { llm_id: 'm', category_description: { billing: { description: 'money', examples: ['refund'], to: ['Message:bill'] }, other: { to: ['Message:other'] } } }),
    'Message:bill': cpn('Message', { content: ['billing desk'] }),
    'Message:other': cpn('Message', { content: ['general desk'] }),
  });

test('Categorize: the category named most often wins, none named → the last category (§3.5)', () => {
  assert.equal(pickCategory('It is Billing, billing, maybe other', ['billing', 'other']), 'billing');
  assert.equal(pickCategory('no idea', ['billing', 'other']), 'other');
});

test('Categorize: routes to the chosen category and reports category_name', async () => {
  const chat = scriptedChat('billing');
  const canvas = router();
  const events = await runAll(canvas, { query: 'I want a refund' }, { ports: { clock: testClock(), chat } });
  assert.equal(text(events), 'billing desk');
  assert.equal(canvas.nodes.get('Categorize:c')!.outputs.category_name, 'billing');
  assert.deepEqual(chat.requests[0]!.messages, [{ role: 'user', content: 'I want a refund' }]);
  assert.match(chat.requests[0]!.system, /Category: billing\nDescription: money\nExample: refund/);
  const fallback = await runAll(router(), { query: 'hello' }, { ports: { clock: testClock(), chat: scriptedChat('unsure') } });
  assert.equal(text(fallback), 'general desk');
});

test('Categorize: a category without `to` is refused at load', () => {
  assert.throws(() => load({ begin: cpn('Begin', {}, ['c']), c: cpn('Categorize', { llm_id: 'm', category_description: { a: {} } }) }), { message: "c: category 'a' has no 'to'" });
});
