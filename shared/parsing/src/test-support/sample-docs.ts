import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Block, ExtractedDocument } from '../document.types.js';
import { extract } from '../extract.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The team's sample documents (../shared/data/docs beside the checkout), or RAG_SAMPLE_DOCS. */
export const SAMPLE_DOCS = process.env.RAG_SAMPLE_DOCS ?? path.resolve(here, '../../../../../shared/data/docs');
export const HAVE_SAMPLES = existsSync(path.join(SAMPLE_DOCS, 'MANIFEST.tsv'));
/** node:test option: sample-based tests are skipped, not failed, where the samples are absent. */
export const needsSamples = { skip: HAVE_SAMPLES ? false : `sample documents not found at ${SAMPLE_DOCS}` };

export function sampleBytes(relPath: string): Buffer {
  return readFileSync(path.join(SAMPLE_DOCS, relPath));
}

/** The sample files listed in MANIFEST.tsv (first column), e.g. `pdf/testPDF.pdf`. */
export function manifestFiles(): string[] {
  if (!HAVE_SAMPLES) return [];
  return readFileSync(path.join(SAMPLE_DOCS, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t')[0]!)
    .filter(Boolean);
}

const cache = new Map<string, Promise<ExtractedDocument>>();

/** Extracts a sample once per test process (several tests look at the same document). */
export function extractSample(relPath: string): Promise<ExtractedDocument> {
  let doc = cache.get(relPath);
  if (!doc) {
    doc = extract(sampleBytes(relPath), path.basename(relPath));
    cache.set(relPath, doc);
  }
  return doc;
}

export function findBlock(doc: ExtractedDocument, predicate: (b: Block) => boolean): Block {
  const block = doc.blocks.find(predicate);
  if (!block) throw new Error('no block matches');
  return block;
}

export function blockContaining(doc: ExtractedDocument, phrase: string): Block {
  const block = doc.blocks.find((b) => b.text.includes(phrase));
  if (!block) throw new Error(`no block contains ${JSON.stringify(phrase)}`);
  return block;
}
