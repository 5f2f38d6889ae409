import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Http } from './http.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The team's sample documents: ../shared/data/docs beside the checkout. */
export const SHARED_DOCS = path.resolve(here, '../../../shared/data/docs');

export function sampleFiles(): { name: string; path: string }[] {
  const out: { name: string; path: string }[] = [];
  for (const dir of readdirSync(SHARED_DOCS, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(path.join(SHARED_DOCS, dir.name))) out.push({ name: f, path: path.join(SHARED_DOCS, dir.name, f) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Uploads files (name → bytes) in one multipart request, parts named `file`. */
export async function upload(http: Http, bearer: string, datasetId: string, files: { name: string; data: Buffer | string }[], fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([typeof f.data === 'string' ? f.data : new Uint8Array(f.data)]), f.name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const res = await fetch(`${http.base}/api/v1/datasets/${datasetId}/documents`, { method: 'POST', headers: { Authorization: bearer }, body: form });
  return { status: res.status, body: (await res.json()) as any };
}

export function readSample(p: string): Buffer {
  return readFileSync(p);
}

/** Polls the document list until every document left RUNNING/UNSTART (the SDK's way). */
export async function waitForParsing(http: Http, bearer: string, datasetId: string, ids: string[], timeoutMs = 120_000): Promise<Map<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await http.get(`/api/v1/datasets/${datasetId}/documents?page_size=1000`, bearer);
    const docs = new Map<string, any>((r.body.data?.docs ?? []).map((d: any) => [d.id, d]));
    const pending = ids.filter((id) => !['DONE', 'FAIL', 'CANCEL'].includes(docs.get(id)?.run));
    if (!pending.length) return docs;
    if (Date.now() > deadline) throw new Error(`still parsing after ${timeoutMs} ms: ${pending.map((id) => `${docs.get(id)?.name}=${docs.get(id)?.run}/${docs.get(id)?.progress}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
