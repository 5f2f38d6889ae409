/**
 * Writes docs/openapi.json, the gateway's OpenAPI 3.1 document, from its route table and the
 * shared contracts (the same function serves GET /api/v1/openapi.json). `make docs` runs it;
 * test/docs/openapi-docs.test.ts fails when the committed file differs from what this renders.
 *
 *   node --conditions=development --import tsx scripts/gen-openapi.ts [--check]
 */
import path from 'node:path';
import { ROOT, runDocGenerator } from './generated-doc.js';
import { openApiDocument } from '../services/gateway/src/routes/openapi.routes.js';

export { ROOT };
export const OPENAPI_DOC_PATH = path.join(ROOT, 'docs', 'openapi.json');

export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

await runDocGenerator(import.meta.url, OPENAPI_DOC_PATH, renderOpenApi);
