import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BusContract, routesOf, type Operation } from '@rag/contracts';
import { allRoutes } from '../../services/gateway/src/routes/index.js';
import { OPENAPI_DOC_PATH, renderOpenApi } from '../../scripts/gen-openapi.js';

const committed = readFileSync(OPENAPI_DOC_PATH, 'utf8');
const doc = JSON.parse(committed) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
const openApiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');

test('docs/openapi.json is what scripts/gen-openapi.ts renders from the route table and the contracts (run `make docs` after changing either)', () => {
  assert.equal(committed, renderOpenApi());
});

test('every gateway route is in the document once, with a unique operationId', () => {
  assert.equal(doc.openapi, '3.1.0');
  const ids = new Set<string>();
  for (const r of allRoutes()) {
    const operation = doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()];
    assert.ok(operation, `${r.method} ${r.path} is missing`);
    assert.ok(!ids.has(operation.operationId), `operationId ${operation.operationId} is used twice`);
    ids.add(operation.operationId);
  }
});

test('every route a subject contract names is a route the gateway serves (contracts and route table agree)', () => {
  const served = new Set(allRoutes().map((r) => `${r.method} ${openApiPath(r.path)}`));
  for (const [subject, operation] of Object.entries(BusContract) as [string, Operation][]) {
    for (const key of routesOf(operation)) assert.ok(served.has(key), `${subject} names ${key}, which the gateway does not serve`);
  }
});
