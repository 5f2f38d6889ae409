#!/usr/bin/env node
/**
 * The repository's own rules that the type checker cannot see (STYLE.md §3): NATS subjects are named
 * once in shared/contracts and never spelled at a call site. Tests may spell throwaway subjects, and
 * comments may mention them.
 * Exits 1 and lists each offending line.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SKIP_DIRS = new Set(['node_modules', 'dist']);
const SUBJECT_LITERAL = /(['"`])rag\.v1\.[A-Za-z0-9_.$>{*-]*/;
const EXEMPT = [/^shared\/contracts\/src\//, /\.test\.ts$/];

function sources(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) sources(full, out);
    else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(path.relative(root, full).split(path.sep).join('/'));
  }
  return out;
}

const problems = [];
for (const parent of ['shared', 'services']) {
  for (const pkg of existsSync(path.join(root, parent)) ? readdirSync(path.join(root, parent)) : []) {
    for (const file of sources(path.join(root, parent, pkg, 'src'))) {
      if (EXEMPT.some((re) => re.test(file))) continue;
      readFileSync(path.join(root, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (!/^\s*(\/\/|\/\*|\*)/.test(line) && SUBJECT_LITERAL.test(line)) problems.push(`${file}:${i + 1}: NATS subject spelled at a call site; import it from @rag/contracts (Subjects, eventSubject)\n    ${line.trim()}`);
        });
    }
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('lint: ok');
