import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ErrorRegistry, RetCode } from '@rag/contracts';
import { ERRORS_DOC_PATH, registrySections, renderErrorDocs } from '../../scripts/gen-error-docs.js';

const doc = readFileSync(ERRORS_DOC_PATH, 'utf8');

test('docs/errors.md is what scripts/gen-error-docs.ts renders from ErrorRegistry (run `make docs` after changing the registry)', () => {
  assert.equal(doc, renderErrorDocs());
});

test('docs/errors.md has one row per registry entry with its code, and every return code', () => {
  const rows = new Map(
    doc
      .split('\n')
      .map((line) => /^\| `([A-Z][A-Z0-9_]*)` \| (\d+) /.exec(line))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => [m[1]!, Number(m[2])]),
  );
  for (const [key, { code }] of Object.entries(ErrorRegistry)) assert.equal(rows.get(key), code, `${key} is missing or has the wrong code`);
  for (const [name, code] of Object.entries(RetCode)) assert.ok(doc.includes(`| \`${name}\` | ${code} |`), name);
});

test('every registry entry sits under a section of errors.ts, once', () => {
  const keys = registrySections().flatMap((s) => s.keys);
  assert.deepEqual([...keys].sort(), Object.keys(ErrorRegistry).sort());
  assert.ok(!registrySections().some((s) => s.title === 'Other'), 'a key was not placed under a `// section` comment: check the scan in scripts/gen-error-docs.ts');
});
