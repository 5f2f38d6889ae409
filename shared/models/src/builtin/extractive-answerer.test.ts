import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_ANSWERER } from '@rag/contracts';
import type { ChatDelta, KnowledgeChunk } from '../types.js';
import { ExtractiveAnswerer, NO_KNOWLEDGE_ANSWER, NOTHING_RELEVANT_ANSWER } from './extractive-answerer.js';
import { knowledgeFromPrompt } from './knowledge-prompt.js';

const KNOWLEDGE: KnowledgeChunk[] = [
  { id: 0, content: 'Penguins live in the southern hemisphere. Most species eat krill and fish.' },
  { id: 7, content: 'The warranty lasts two years from the date of purchase. Batteries are covered for six months.' },
  { id: 'c-3', content: 'To claim the warranty, send the receipt to support. Shipping is free.' },
];
const ask = (question: string) => [
  { role: 'system' as const, content: 'Answer from the knowledge base.' },
  { role: 'user' as const, content: question },
];
const answerer = new ExtractiveAnswerer();

async function collect(stream: AsyncIterable<ChatDelta>): Promise<ChatDelta[]> {
  const out: ChatDelta[] = [];
  for await (const d of stream) out.push(d);
  return out;
}

test('it cites the chunk each sentence came from', async () => {
  const { text, usage } = await answerer.complete(ask('How long does the warranty last?'), { knowledge: KNOWLEDGE });
  assert.equal(answerer.name, BUILTIN_ANSWERER);
  assert.match(text, /^The warranty lasts two years from the date of purchase\. \[ID:7\]/);
  assert.match(text, /To claim the warranty, send the receipt to support\. \[ID:c-3\]/);
  assert.doesNotMatch(text, /Penguins|\[ID:0\]/);
  for (const [, sentence, id] of text.matchAll(/([^[\]]+?) \[ID:([^\]]+)\]/g)) {
    const chunk = KNOWLEDGE.find((c) => String(c.id) === id);
    assert.ok(chunk?.content.includes(sentence!.trim()), `"${sentence}" comes from chunk ${id}`);
  }
  assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens > 0);
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
});

test('the best sentence comes first and the answer is deterministic', async () => {
  const a = await answerer.complete(ask('What do penguins eat?'), { knowledge: KNOWLEDGE });
  const b = await answerer.complete(ask('What do penguins eat?'), { knowledge: KNOWLEDGE });
  assert.equal(a.text, b.text);
  assert.ok(a.text.startsWith('Most species eat krill and fish. [ID:0]') || a.text.startsWith('Penguins live in the southern hemisphere. [ID:0]'));
  assert.doesNotMatch(a.text, /\[ID:7\]/);
});

test('it streams word by word and ends with usage', async () => {
  const deltas = await collect(answerer.stream(ask('How long does the warranty last?'), { knowledge: KNOWLEDGE }));
  const words = deltas.filter((d) => d.content !== undefined);
  assert.ok(words.length > 5);
  assert.ok(words.every((d) => d.content!.trim().split(/\s+/).length === 1));
  const last = deltas[deltas.length - 1]!;
  assert.equal(last.finish_reason, 'stop');
  assert.ok(last.usage && last.usage.completion_tokens > 0);
  assert.equal(words.map((d) => d.content).join(''), (await answerer.complete(ask('How long does the warranty last?'), { knowledge: KNOWLEDGE })).text);
});

test('without knowledge, or with nothing relevant, it says so plainly', async () => {
  assert.equal((await answerer.complete(ask('How long does the warranty last?'))).text, NO_KNOWLEDGE_ANSWER);
  assert.equal((await answerer.complete(ask('How long does the warranty last?'), { knowledge: [] })).text, NO_KNOWLEDGE_ANSWER);
  assert.equal((await answerer.complete(ask('Which volcano erupted in 1883?'), { knowledge: KNOWLEDGE })).text, NOTHING_RELEVANT_ANSWER);
});

test('knowledge in the system prompt follows the `ID: <n>` convention', async () => {
  const system = [
    'You are a helpful assistant. Here is the knowledge base:',
    'ID: 0',
    '├── Title: animals.txt',
    '└── Content:',
    'Penguins live in the southern hemisphere.',
    '',
    'ID: 1',
    '├── Title: warranty.pdf',
    '├── URL: https://example.invalid/w',
    '└── Content:',
    'The warranty lasts two years.',
    'Claims need a receipt.',
    '--- end of knowledge ---',
    'The above is the knowledge base.',
  ].join('\n');
  assert.deepEqual(knowledgeFromPrompt([{ role: 'system', content: system }]), [
    { id: '0', content: 'Penguins live in the southern hemisphere.' },
    { id: '1', content: 'The warranty lasts two years.\nClaims need a receipt.' },
  ]);
  const { text } = await answerer.complete([
    { role: 'system', content: system },
    { role: 'user', content: 'How long is the warranty?' },
  ]);
  assert.match(text, /^The warranty lasts two years\. \[ID:1\]/);
});

test('a related-questions prompt gets a numbered list', async () => {
  const { text } = await answerer.complete([
    { role: 'system', content: 'Generate 5 related search questions for the user query. Output a numbered list.' },
    { role: 'user', content: 'Keywords: RAGFlow deployment\nRelated search terms:' },
  ]);
  const lines = text.split('\n');
  assert.equal(lines.length, 5);
  lines.forEach((line, i) => assert.match(line, new RegExp(`^${i + 1}\\. .*RAGFlow deployment.*\\?$`)));
});

test('max_tokens cuts the answer short and a cancelled signal stops it', async () => {
  const short = await collect(answerer.stream(ask('How long does the warranty last?'), { knowledge: KNOWLEDGE, max_tokens: 3 }));
  assert.equal(short[short.length - 1]!.finish_reason, 'length');
  assert.ok(short.filter((d) => d.content).length <= 3);
  const controller = new AbortController();
  const seen: ChatDelta[] = [];
  await assert.rejects(
    (async () => {
      for await (const d of answerer.stream(ask('How long does the warranty last?'), { knowledge: KNOWLEDGE, signal: controller.signal })) {
        seen.push(d);
        controller.abort();
      }
    })(),
    { name: 'ModelError', kind: 'aborted' },
  );
  assert.equal(seen.length, 1);
});
