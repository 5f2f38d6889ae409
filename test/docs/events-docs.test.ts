import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EventTypes, Streams } from '@rag/contracts';

const doc = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'events.md'), 'utf8');

test('docs/events.md has a heading for every event type in EventTypes', () => {
  const headings = doc.split('\n').filter((l) => l.startsWith('#### '));
  const missing = Object.values(EventTypes).filter((type) => !headings.some((h) => h.includes(`\`${type}\``)));
  assert.deepEqual(missing, [], 'document these event types and their data in docs/events.md');
});

test('docs/events.md names the stream and its subjects as the contracts define them', () => {
  assert.ok(doc.includes(`\`${Streams.events.name}\``));
  for (const subject of Streams.events.subjects) assert.ok(doc.includes(`\`${subject}\``), subject);
});
