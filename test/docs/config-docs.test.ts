import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DOC_PATH, ROOT, renderConfigDocs } from '../../scripts/gen-config-docs.js';

test('docs/configuration.md is what scripts/gen-config-docs.ts renders (run `make docs` after changing a config spec)', async () => {
  assert.equal(readFileSync(DOC_PATH, 'utf8'), await renderConfigDocs());
});

/** Source files (tests excluded) under `dir`. */
function sources(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && e.name !== 'dist') sources(full, out);
    else if (e.isFile() && /\.(ts|mjs)$/.test(e.name) && !e.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const NOT_OURS = new Set(['PATH', 'HOME', 'CI']);

test('every environment variable the code declares or reads is in docs/configuration.md', async () => {
  const dirs = ['shared', 'services'].flatMap((p) => readdirSync(path.join(ROOT, p)).map((pkg) => path.join(ROOT, p, pkg, 'src')));
  dirs.push(path.join(ROOT, 'test', 'support'), path.join(ROOT, 'test', 'bench'), path.join(ROOT, 'scripts'));
  const keys = new Map<string, string>();
  for (const file of dirs.flatMap((d) => sources(d))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*([A-Z][A-Z0-9_]+):\s*env\./gm)) keys.set(m[1]!, file);
    for (const m of text.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)) keys.set((m[1] ?? m[2])!, file);
  }
  const doc = await renderConfigDocs();
  const missing = [...keys].filter(([k]) => !NOT_OURS.has(k) && !doc.includes(`| \`${k}\` |`)).map(([k, f]) => `${k} (${path.relative(ROOT, f)})`);
  assert.deepEqual(missing, [], 'add these to a config spec that scripts/gen-config-docs.ts documents');
  assert.ok(keys.size > 20, `found only ${keys.size} keys: the scan is broken`);
});
