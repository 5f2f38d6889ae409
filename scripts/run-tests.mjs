#!/usr/bin/env node
/**
 * Runs every *.test.ts of the repository (shared/*\/src, services/*\/src, test/) with node's built-in
 * test runner, from the TypeScript sources (tsx, `development` export condition), and exits with its
 * code. TAP output, so the closing `# pass N` / `# fail N` lines are always printed.
 *
 *   node scripts/run-tests.mjs                 # everything
 *   node scripts/run-tests.mjs launcher docs   # only files whose path contains one of the words
 *
 * TEST_CONCURRENCY (default 2) files run at once; TEST_TIMEOUT_MS (default 300000) bounds each test.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.data', 'bench-results']);

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) findTests(full, out);
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) out.push(path.relative(root, full));
  }
  return out;
}

const subdirs = (parent) => (existsSync(path.join(root, parent)) ? readdirSync(path.join(root, parent), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(root, parent, d.name, 'src')) : []);
const searchRoots = [...subdirs('shared'), ...subdirs('services'), path.join(root, 'test')];
const filters = process.argv.slice(2);
const files = searchRoots
  .flatMap((dir) => findTests(dir))
  .filter((f) => !filters.length || filters.some((word) => f.includes(word)))
  .sort();

if (!files.length) {
  console.error(`run-tests: no *.test.ts files found${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(1);
}
console.log(`run-tests: ${files.length} test files\n${files.map((f) => `  ${f}`).join('\n')}`);

const args = [
  '--conditions=development',
  '--import',
  'tsx',
  '--test',
  `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
  `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 300000}`,
  '--test-reporter=tap',
  ...files,
];
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
