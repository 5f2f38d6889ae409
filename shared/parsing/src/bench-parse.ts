/**
 * How long extraction and naive chunking take on the team's sample documents.
 *
 *   node --conditions=development --import tsx shared/parsing/src/bench-parse.ts [docs-dir] [rounds]
 *
 * Round 1 includes one-time costs (pdf.js worker module, tiktoken rank table); later rounds show
 * the steady state of a long-running parse worker. CPU time is printed beside wall time because
 * shared machines make wall time noisy.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chunk, extract } from './index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const docsDir = process.argv[2] ?? process.env.RAG_SAMPLE_DOCS ?? path.resolve(here, '../../../../shared/data/docs');
const rounds = Number(process.argv[3] ?? 2);

function files(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? files(full) : [full];
    })
    .filter((f) => !f.endsWith('.tsv'))
    .sort();
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const all = files(docsDir);
for (let round = 1; round <= rounds; round++) {
  console.log(`\nround ${round}`);
  console.log('file'.padEnd(44), 'KB'.padStart(6), 'extract ms'.padStart(11), 'cpu ms'.padStart(8), 'chunk ms'.padStart(9), 'blocks'.padStart(7), 'chunks'.padStart(7));
  const roundStart = performance.now();
  const roundCpu = process.cpuUsage();
  for (const file of all) {
    const data = readFileSync(file);
    const name = path.basename(file);
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    try {
      const doc = await extract(data, name);
      const t1 = performance.now();
      const chunks = chunk(doc, 'naive', { chunk_token_num: 512, delimiter: '\\n' }, { filename: name });
      const t2 = performance.now();
      console.log(
        path.relative(docsDir, file).padEnd(44),
        String(Math.round(data.length / 1024)).padStart(6),
        (t1 - t0).toFixed(0).padStart(11),
        cpuMs(cpu).toFixed(0).padStart(8),
        (t2 - t1).toFixed(0).padStart(9),
        String(doc.blocks.length).padStart(7),
        String(chunks.length).padStart(7),
      );
    } catch (err) {
      console.log(path.relative(docsDir, file).padEnd(44), 'FAILED', err instanceof Error ? err.message : String(err));
    }
  }
  console.log(`total: ${(performance.now() - roundStart).toFixed(0)} ms wall, ${cpuMs(roundCpu).toFixed(0)} ms cpu for ${all.length} files`);
}
