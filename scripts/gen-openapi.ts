/**
 * Writes docs/openapi.json, the gateway's OpenAPI 3.1 document, from its route table and the
 * shared contracts (the same function serves GET /api/v1/openapi.json). `make docs` runs it;
 * test/docs/openapi-docs.test.ts fails when the committed file differs from what this renders.
 *
 *   node --conditions=development --import tsx scripts/gen-openapi.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openApiDocument } from '../services/gateway/src/routes/openapi.routes.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OPENAPI_DOC_PATH = path.join(ROOT, 'docs', 'openapi.json');

export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const text = renderOpenApi();
  const rel = path.relative(ROOT, OPENAPI_DOC_PATH);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OPENAPI_DOC_PATH, 'utf8');
    } catch {
      /* missing: stale */
    }
    if (current !== text) {
      console.error(`${rel} is stale: run make docs`);
      process.exit(1);
    }
    console.log(`${rel} is up to date`);
  } else {
    writeFileSync(OPENAPI_DOC_PATH, text);
    console.log(`wrote ${rel}`);
  }
}
