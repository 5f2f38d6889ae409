import { RagError, Subjects, jsonEnvelope } from '@rag/contracts';
import { lenientBody, lenientBodyOrEmpty, requireFields } from '../http/body.js';
import { storeUploadParts } from '../http/multipart.js';
import { clientGone, closeWhenStalled, sendReply } from '../http/reply.js';
import { forward, pathParams, route, type RouteContext, type RouteDef } from '../http/route.js';
import type { Request } from 'express';
import { pipeline } from 'node:stream/promises';

/** Every value of every query parameter (documents filter on repeated `suffix` and `run`). */
function queryMulti(req: Request): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of new URL(req.originalUrl, 'http://x').searchParams) (out[k] ??= []).push(v);
  return out;
}

function queryLast(req: Request): Record<string, string> {
  return Object.fromEntries(Object.entries(queryMulti(req)).map(([k, v]) => [k, v[v.length - 1]!]));
}

const inDataset = (ctx: RouteContext) => pathParams(ctx, 'dataset_id');
const inDocument = (ctx: RouteContext) => pathParams(ctx, 'dataset_id', 'document_id');

async function upload(ctx: RouteContext): Promise<void> {
  const { req, deps } = ctx;
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')) throw new RagError('NO_FILE_PART');
  const datasetId = String(req.params.dataset_id);
  const check = await deps.bus.request(Subjects.document.uploadCheck, { body: {}, params: { dataset_id: datasetId } }, ctx.caller);
  if (check.code !== 0) {
    req.resume();
    return sendReply(ctx.res, 'J', check);
  }
  const { files, fields } = await storeUploadParts(req, deps.blobs, datasetId, {
    maxFileBytes: deps.config.UPLOAD_MAX_FILE_BYTES,
    maxFiles: deps.config.UPLOAD_MAX_FILES,
    maxParts: deps.config.UPLOAD_MAX_PARTS,
    maxTotalBytes: deps.config.UPLOAD_MAX_REQUEST_BYTES,
  });
  if (!files.length) throw new RagError('NO_FILE_PART');
  // document-svc mints the document ids, moves the staged files to them and removes what it
  // consumed. If the call fails or times out it may still have committed, so the gateway leaves the
  // staged files alone: document-svc's sweeper removes any nobody claimed.
  await forward(ctx, Subjects.document.upload, { body: { files, parent_path: fields.parent_path }, params: { dataset_id: datasetId } }, 'R');
}

async function download(ctx: RouteContext): Promise<void> {
  const reply = await ctx.deps.bus.request(Subjects.document.download, { body: {}, params: inDocument(ctx) }, ctx.caller);
  if (reply.code !== 0 || !reply.data) return void ctx.res.json({ code: reply.code, message: reply.message });
  const { bucket, key, name } = reply.data;
  const stream = await ctx.deps.blobs.getStream(bucket, key);
  if (!stream) return void ctx.res.json({ code: 102, message: 'This file is empty.' });
  // A name with a lone surrogate (a rename can store one) must not make encodeURIComponent throw.
  const encoded = encodeURIComponent(String(name).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
  ctx.res.setHeader('Content-Type', 'application/octet-stream');
  ctx.res.setHeader('Content-Disposition', `attachment; filename=${encoded}; filename*=UTF-8''${encoded}`);
  // pipeline closes the file when the client leaves, and cuts the response when the file fails
  // mid-way (a truncated download must not look complete); a client that stops reading is cut too.
  const stopStallGuard = closeWhenStalled(ctx.res, ctx.deps.config.RESPONSE_STALL_TIMEOUT_MS);
  try {
    await pipeline(stream, ctx.res);
  } catch (err) {
    if (clientGone(ctx.res) && (err as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return; // the client left
    ctx.deps.logger.warn({ err, request_id: ctx.requestId, bucket, key }, 'download failed mid-way');
    if (!ctx.res.headersSent) throw err;
  } finally {
    stopStallGuard();
  }
}

/**
 * Dify's external-knowledge API (§16): its own auth answers (builder B: HTTP status = code),
 * then the required fields, then plain `{records}` JSON.
 */
async function difyRetrieval(ctx: RouteContext): Promise<void> {
  const { req, res } = ctx;
  const header = req.headers.authorization;
  if (!header) return void res.json(jsonEnvelope(100, `AttributeError("'NoneType' object has no attribute 'split'")`, null));
  const words = header.split(/\s+/).filter(Boolean);
  if (words.length < 2) return void res.json(jsonEnvelope(100, "IndexError('list index out of range')", null));
  const principal = await ctx.deps.auth.byApiKey(words[1]!, ctx.requestId);
  if (!principal) return void res.status(403).json({ code: 403, message: 'API-KEY is invalid!' });
  ctx.principal = principal;
  ctx.caller = { tenantId: principal.tenantId, userId: principal.userId, tenantIds: principal.tenantIds, requestId: ctx.requestId };
  const body = lenientBodyOrEmpty(req);
  requireFields(body, { required: ['knowledge_id', 'query'] });
  const reply = await ctx.deps.bus.request(Subjects.retrieval.dify, { body }, ctx.caller);
  if (reply.code === 0) return void res.json(reply.data);
  const status = reply.code === 404 || /not_found/i.test(reply.message ?? '') ? 404 : 500;
  res.status(status).json({ code: status, message: status === 404 && reply.code !== 404 ? 'No chunk found! Check the chunk status please!' : reply.message });
}

/** Documents, parsing, chunks, retrieval, metadata and Dify (§6, §8, §9, §16). */
export function documentRoutes(): RouteDef[] {
  const docs = '/api/v1/datasets/:dataset_id/documents';
  const chunks = `${docs}/:document_id/chunks`;
  return [
    route('POST', docs, 'apikey', 'R', upload),
    route('GET', docs, 'apikey', 'R', (ctx) => forward(ctx, Subjects.document.list, { body: queryMulti(ctx.req), params: inDataset(ctx) }, 'R')),
    route('DELETE', docs, 'apikey', 'R', (ctx) => forward(ctx, Subjects.document.delete, { body: lenientBody(ctx.req), params: inDataset(ctx) }, 'R')),
    route('PUT', `${docs}/:document_id`, 'apikey', 'R', (ctx) => forward(ctx, Subjects.document.update, { body: lenientBody(ctx.req), params: inDocument(ctx) }, 'R')),
    route('GET', `${docs}/:document_id`, 'apikey', 'R', download),
    route('POST', '/api/v1/datasets/:dataset_id/chunks', 'apikey', 'R', (ctx) => forward(ctx, Subjects.document.parse, { body: lenientBody(ctx.req), params: inDataset(ctx) }, 'R')),
    route('DELETE', '/api/v1/datasets/:dataset_id/chunks', 'apikey', 'R', (ctx) => forward(ctx, Subjects.document.stopParsing, { body: lenientBody(ctx.req), params: inDataset(ctx) }, 'R')),
    route('GET', chunks, 'apikey', 'R', (ctx) => forward(ctx, Subjects.chunk.list, { body: queryLast(ctx.req), params: inDocument(ctx) }, 'R')),
    route('POST', chunks, 'apikey', 'R', (ctx) => forward(ctx, Subjects.chunk.add, { body: lenientBody(ctx.req), params: inDocument(ctx) }, 'R')),
    route('DELETE', chunks, 'apikey', 'R', (ctx) => forward(ctx, Subjects.chunk.delete, { body: lenientBody(ctx.req), params: inDocument(ctx) }, 'R')),
    route('PUT', `${chunks}/:chunk_id`, 'apikey', 'R', (ctx) => forward(ctx, Subjects.chunk.update, { body: lenientBody(ctx.req), params: pathParams(ctx, 'dataset_id', 'document_id', 'chunk_id') }, 'R')),
    route('POST', '/api/v1/retrieval', 'apikey', 'R', (ctx) => forward(ctx, Subjects.retrieval.search, { body: lenientBody(ctx.req) }, 'R')),
    route('POST', '/api/v1/dify/retrieval', 'none', 'J', difyRetrieval),
    route('GET', '/api/v1/datasets/:dataset_id/metadata/summary', 'apikey', 'R', (ctx) => forward(ctx, Subjects.document.metadataSummary, { body: lenientBodyOrEmpty(ctx.req), params: inDataset(ctx) }, 'R')),
    route('POST', '/api/v1/datasets/:dataset_id/metadata/update', 'apikey', 'R', (ctx) => forward(ctx, Subjects.document.metadataUpdate, { body: lenientBody(ctx.req), params: inDataset(ctx) }, 'R')),
  ];
}


