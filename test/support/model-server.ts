/**
 * A deterministic, scriptable OpenAI-compatible model server for tests (CONTRACT §17, §22): the
 * stub that offline runs register with `add_llm` as `api_base`. Loopback only, random port.
 *
 * - `POST …/embeddings`: bag-of-words vectors (64 dims, each lower-cased word hashed to one
 *   dimension, L2-normalised), so texts sharing words have positive cosine; `usage.prompt_tokens`.
 *   Honours `encoding_format: "base64"` (the openai clients' default).
 * - `POST …/chat/completions`, streamed (SSE `data: {...}` … `data: [DONE]`) or not: answers
 *   `Stub answer. You said: <last user message>`; a prompt asking for related questions gets
 *   `1. …\n2. …\n3. …`; `usage` always in the non-streamed answer, and in the stream when
 *   `stream_options.include_usage` asks for it.
 * - `POST …/rerank`: `{model, query, documents, top_n}` → `results[{index, relevance_score}]`,
 *   scored by the share of query words found in the document.
 * - `GET …/models`.
 * Routes match by path suffix, so `/v1/embeddings` and Azure's
 * `/openai/deployments/<name>/embeddings?api-version=…` both work.
 *
 * `script()` queues behaviours for the next calls (text, a `<think>` block, slow tokens, an HTTP
 * error with `retry-after`, a stream cut mid-answer, a hang); every request is recorded.
 *
 * Run on its own: `node --import tsx test/support/model-server.ts [port]` prints the base URL.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pathToFileURL } from 'node:url';

export type StubEndpoint = 'chat' | 'embeddings' | 'rerank' | 'models' | 'other';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  query: Record<string, string>;
  endpoint: StubEndpoint;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (or the raw text when it is not JSON). */
  body: any;
  receivedAt: number;
  /** Set when the client went away before the answer was complete. */
  disconnectedAt?: number;
}

/** What the next matching call(s) do. `times` (default 1) is how many calls it applies to. */
export type Scripted = (
  | { kind: 'text'; text: string }
  /** `<think>reasoning</think>text` in the content, or with `native`, `reasoning_content` deltas. */
  | { kind: 'think'; reasoning: string; text: string; native?: boolean }
  /** Each stream chunk (or a non-streamed answer, per chunk it would have had) waits `delayMs`. */
  | { kind: 'slow'; delayMs: number; text?: string }
  /** An HTTP error; `retryAfter` (seconds) sets the `retry-after` header. */
  | { kind: 'status'; status: number; retryAfter?: number; message?: string }
  /** Sends `afterChunks` chunks (default 2) of a streamed answer, then destroys the socket. */
  | { kind: 'broken'; afterChunks?: number; text?: string }
  /** Reads the request and never answers. */
  | { kind: 'hang' }
) & {
  times?: number;
  /** Which calls it applies to. Default: `chat` for text/think, any POST otherwise. */
  endpoint?: Exclude<StubEndpoint, 'models' | 'other'> | 'any';
  /** Stream chunk size in characters; default one word per chunk. */
  chunkSize?: number;
  /** Leave `usage` out of the answer. */
  noUsage?: boolean;
};

export interface ModelServerOptions {
  port?: number;
  /** Embedding dimensions (default 64). */
  dimensions?: number;
}

export interface ModelServer {
  /** Base URL for OpenAI clients: `http://127.0.0.1:<port>/v1`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  script(next: Scripted): void;
  /** Recorded requests to one endpoint. */
  requestsTo(endpoint: StubEndpoint): RecordedRequest[];
  /** Resolves when the client of `request` disconnects before its answer was complete. */
  disconnected(request: RecordedRequest, timeoutMs?: number): Promise<void>;
  /** Forgets recorded requests and pending scripts. */
  reset(): void;
  stop(): Promise<void>;
}

const WORD = /[\p{L}\p{N}]+/gu;
const wordsOf = (text: string) => text.toLowerCase().match(WORD) ?? [];
const countTokens = (text: string) => Math.max(1, wordsOf(text).length);
const RELATED = /related\s+(?:search\s+)?(?:questions|queries|terms)|alternative\s+(?:questions|queries)/i;

export function stubEmbedding(text: string, dimensions = 64): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const word of wordsOf(text)) {
    let h = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
    v[(h >>> 0) % dimensions]! += 1;
  }
  const norm = Math.hypot(...v);
  return norm > 0 ? v.map((x) => x / norm) : v.map((_, i) => (i === 0 ? 1 : 0));
}

export function stubAnswer(messages: Array<{ role: string; content: unknown }>): string {
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const said = typeof lastUser?.content === 'string' ? lastUser.content : JSON.stringify(lastUser?.content ?? '');
  if (messages.some((m) => typeof m.content === 'string' && RELATED.test(m.content))) {
    const topic = said.replace(/^[\s\S]*keywords?:\s*/i, '').split('\n')[0]!.trim() || 'this';
    return `1. What is ${topic}?\n2. How does ${topic} work?\n3. Why does ${topic} matter?`;
  }
  return `Stub answer. You said: ${said}`;
}

export async function startModelServer(opts: ModelServerOptions = {}): Promise<ModelServer> {
  const dimensions = opts.dimensions ?? 64;
  const requests: RecordedRequest[] = [];
  let scripts: Array<Scripted & { left: number }> = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const closeWaiters = new Map<RecordedRequest, Array<() => void>>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  function takeScript(endpoint: StubEndpoint): Scripted | undefined {
    const index = scripts.findIndex((s) => {
      const applies = s.endpoint ?? (s.kind === 'text' || s.kind === 'think' ? 'chat' : 'any');
      return applies === 'any' ? endpoint !== 'models' && endpoint !== 'other' : applies === endpoint;
    });
    if (index < 0) return undefined;
    const s = scripts[index]!;
    if (--s.left <= 0) scripts.splice(index, 1);
    return s;
  }

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err), type: 'server_error' } });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stub');
    const raw = await readBody(req);
    let body: any = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      /* keep the text */
    }
    const endpoint = endpointOf(req.method ?? 'GET', url.pathname);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      endpoint,
      headers: { ...req.headers },
      body,
      receivedAt: Date.now(),
    };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.disconnectedAt = Date.now();
      for (const wake of closeWaiters.get(record) ?? []) wake();
      closeWaiters.delete(record);
    });

    if (endpoint === 'models') return sendJson(res, 200, { object: 'list', data: ['stub-chat', 'stub-embedding', 'stub-rerank'].map((id) => ({ id, object: 'model', created: 0, owned_by: 'stub' })) });
    if (endpoint === 'other') return sendJson(res, 404, { error: { message: `No route ${req.method} ${url.pathname}`, type: 'invalid_request_error' } });

    const scripted = takeScript(endpoint);
    if (scripted?.kind === 'hang') return;
    if (scripted?.kind === 'status') {
      const headers: Record<string, string> = scripted.retryAfter !== undefined ? { 'retry-after': String(scripted.retryAfter) } : {};
      return sendJson(res, scripted.status, { error: { message: scripted.message ?? `Scripted HTTP ${scripted.status}`, type: 'scripted', code: scripted.status } }, headers);
    }
    if (scripted?.kind === 'broken' && endpoint !== 'chat') {
      res.socket?.destroy();
      return;
    }
    if (scripted?.kind === 'slow' && endpoint !== 'chat') await sleep(scripted.delayMs);

    if (endpoint === 'embeddings') return embeddings(res, body);
    if (endpoint === 'rerank') return rerank(res, body);
    return chat(res, body, scripted);
  }

  function embeddings(res: ServerResponse, body: any): void {
    const input: unknown[] = Array.isArray(body?.input) ? body.input : [body?.input ?? ''];
    const texts = input.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
    const base64 = body?.encoding_format === 'base64';
    const data = texts.map((text, index) => {
      const vector = stubEmbedding(text, dimensions);
      const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    const tokens = texts.reduce((sum, t) => sum + countTokens(t), 0);
    sendJson(res, 200, { object: 'list', data, model: body?.model ?? 'stub-embedding', usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  function rerank(res: ServerResponse, body: any): void {
    const query = new Set(wordsOf(String(body?.query ?? '')));
    const documents: string[] = Array.isArray(body?.documents) ? body.documents.map((d: unknown) => (typeof d === 'string' ? d : String((d as { text?: unknown })?.text ?? ''))) : [];
    const results = documents
      .map((text, index) => {
        const words = new Set(wordsOf(text));
        const shared = [...query].filter((w) => words.has(w)).length;
        return { index, relevance_score: query.size ? shared / query.size : 0, document: { text } };
      })
      .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
      .slice(0, typeof body?.top_n === 'number' ? body.top_n : documents.length);
    const tokens = countTokens(String(body?.query ?? '')) + documents.reduce((s, d) => s + countTokens(d), 0);
    sendJson(res, 200, { id: 'rerank-stub', model: body?.model ?? 'stub-rerank', results, usage: { total_tokens: tokens } });
  }

  async function chat(res: ServerResponse, body: any, scripted: Scripted | undefined): Promise<void> {
    const messages: Array<{ role: string; content: unknown }> = Array.isArray(body?.messages) ? body.messages : [];
    const text = scripted && 'text' in scripted && scripted.text !== undefined ? scripted.text : stubAnswer(messages);
    const native = scripted?.kind === 'think' && scripted.native === true;
    const reasoning = scripted?.kind === 'think' ? scripted.reasoning : '';
    const content = scripted?.kind === 'think' && !native ? `<think>${reasoning}</think>${text}` : text;
    const promptTokens = messages.reduce((s, m) => s + countTokens(typeof m.content === 'string' ? m.content : ''), 0);
    const completionTokens = countTokens(reasoning + ' ' + text);
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const delay = scripted?.kind === 'slow' ? scripted.delayMs : 0;
    const split = (s: string) => (scripted?.chunkSize ? (s.match(new RegExp(`[\\s\\S]{1,${scripted.chunkSize}}`, 'g')) ?? []) : (s.match(/\s*\S+\s*/g) ?? []));
    const id = `chatcmpl-stub-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body?.model ?? 'stub-chat';

    if (body?.stream !== true) {
      if (scripted?.kind === 'broken') {
        res.socket?.destroy();
        return;
      }
      if (delay) await sleep(delay * split(content).length);
      const message: Record<string, unknown> = { role: 'assistant', content };
      if (native) message.reasoning_content = reasoning;
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, finish_reason: 'stop', logprobs: null }],
        ...(scripted?.noUsage ? {} : { usage }),
      });
    }

    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    // Each chunk is flushed before the next step, so a scripted break cuts after real bytes.
    const send = (delta: Record<string, unknown>, finish: string | null = null) =>
      new Promise<void>((resolve) => {
        const chunk = { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`, () => resolve());
      });
    await send({ role: 'assistant', content: '' });
    const chunks = [...(native ? split(reasoning).map((r) => ({ reasoning_content: r })) : []), ...split(content).map((c) => ({ content: c }))];
    const breakAfter = scripted?.kind === 'broken' ? (scripted.afterChunks ?? 2) : Infinity;
    for (let i = 0; i < chunks.length; i++) {
      if (res.destroyed) return;
      if (i >= breakAfter) {
        res.socket?.destroy();
        return;
      }
      if (delay) await sleep(delay);
      await send(chunks[i]!);
    }
    if (res.destroyed) return;
    await send({}, 'stop');
    if (body?.stream_options?.include_usage && !scripted?.noUsage) {
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`);
    }
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    script(next) {
      scripts.push({ ...next, left: Math.max(1, next.times ?? 1) });
    },
    requestsTo: (endpoint) => requests.filter((r) => r.endpoint === endpoint),
    disconnected(request, timeoutMs = 2000) {
      if (request.disconnectedAt !== undefined) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the client of ${request.path} did not disconnect within ${timeoutMs} ms`)), timeoutMs);
        const waiters = closeWaiters.get(request) ?? [];
        waiters.push(() => {
          clearTimeout(timer);
          if (request.disconnectedAt !== undefined) resolve();
          else reject(new Error(`the request to ${request.path} completed instead of being cancelled`));
        });
        closeWaiters.set(request, waiters);
      });
    },
    reset() {
      requests.length = 0;
      scripts = [];
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function endpointOf(method: string, path: string): StubEndpoint {
  const p = path.replace(/\/+$/, '');
  if (method === 'GET' && p.endsWith('/models')) return 'models';
  if (method !== 'POST') return 'other';
  if (p.endsWith('/chat/completions')) return 'chat';
  if (p.endsWith('/embeddings')) return 'embeddings';
  if (p.endsWith('/rerank')) return 'rerank';
  return 'other';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startModelServer({ port: Number(process.argv[2] ?? 0) });
  console.log(server.url);
  const shutdown = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
