/**
 * The command-line half of every docs generator: run as a program, it writes the rendered text to
 * its file, or with `--check` exits 1 when the committed file differs (`make docs` writes; the
 * tests in test/docs compare).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Writes (or checks) `docPath` when the module at `moduleUrl` is the program being run. */
export async function runDocGenerator(moduleUrl: string, docPath: string, render: () => string | Promise<string>): Promise<void> {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(path.resolve(process.argv[1])).href) return;
  const text = await render();
  const rel = path.relative(ROOT, docPath);
  if (!process.argv.includes('--check')) {
    writeFileSync(docPath, text);
    console.log(`wrote ${rel}`);
    return;
  }
  let current = '';
  try {
    current = readFileSync(docPath, 'utf8');
  } catch {
    /* missing: stale */
  }
  if (current !== text) {
    console.error(`${rel} is stale: run make docs`);
    process.exit(1);
  }
  console.log(`${rel} is up to date`);
}
