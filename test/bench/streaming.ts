/**
 * Part `stream`: completions streamed through the gateway (dialog-svc → JetStream ANSWERS → gateway
 * → SSE), with a provider model served by the scripted stub of test/support/model-server.ts
 * (registered through /v1/llm/add_llm as OpenAI-API-Compatible with its api_base).
 *
 * (a) time to first token: native SSE and OpenAI-compatible stream through the gateway, beside a
 *     direct streamed request to the stub;
 * (b) relay throughput: one answer of many tiny deltas sent with no delay, deltas/s as the client
 *     receives them, beside a direct client of the stub;
 * (c) many concurrent SSE streams held for about a minute: errors, gaps, repeats, the final
 *     `data:true` of every stream.
 * The stub runs in the bench process (its `script()` queues behaviours for the next calls), so it
 * shares a core with the clients.
 */
import { signUp } from '../support/stack.js';
import { startModelServer, type ModelServer } from '../support/model-server.js';
import type { Cluster } from './cluster.js';
import { mapLimit, progress, round, summarize, table, type PartReport, type Summary } from './common.js';

export interface StreamOptions {
  ttftRuns: number;
  relayDeltas: number;
  streams: number;
  streamSeconds: number;
}

type User = Awaited<ReturnType<typeof signUp>>;

interface StreamEvent {
  id?: string;
  data: string;
  /** ms since the request was sent */
  at: number;
}

interface StreamRead {
  status: number;
  events: StreamEvent[];
  comments: number;
  /** ms to the first event `isToken` accepts */
  firstToken: number;
  /** ms to the end of the body */
  end: number;
  error?: string;
}

/**
 * Reads an SSE response (`data:` / `data: ` lines, `id:`, `:` comments), stamping each event.
 * `isToken` says which event carries the first answer text.
 */
async function readStream(url: string, init: { headers: Record<string, string>; body: string }, isToken: (data: string) => boolean, timeoutMs: number): Promise<StreamRead> {
  const t0 = performance.now();
  const events: StreamEvent[] = [];
  let comments = 0;
  let firstToken = NaN;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const e: StreamEvent = { data: '', at: performance.now() - t0 };
        let comment = true;
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          comment = false;
          if (line.startsWith('id:')) e.id = line.slice(3).trim();
          else if (line.startsWith('data:')) e.data += line.slice(line.startsWith('data: ') ? 6 : 5);
        }
        if (comment) {
          comments++;
          continue;
        }
        events.push(e);
        if (Number.isNaN(firstToken) && isToken(e.data)) firstToken = e.at;
      }
    }
    return { status: res.status, events, comments, firstToken, end: performance.now() - t0 };
  } catch (err) {
    return { status: 0, events, comments, firstToken, end: performance.now() - t0, error: (err as Error).message };
  }
}

const nativeToken = (data: string) => {
  try {
    const p = JSON.parse(data) as { data?: { answer?: string; final?: boolean } };
    return typeof p.data?.answer === 'string' && p.data.answer.length > 0 && p.data.final === false;
  } catch {
    return false;
  }
};
const openaiToken = (data: string) => {
  if (data === '[DONE]') return false;
  try {
    return !!(JSON.parse(data) as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content;
  } catch {
    return false;
  }
};
const nativeText = (events: StreamEvent[]) =>
  events
    .map((e) => {
      try {
        return JSON.parse(e.data) as { data?: { answer?: string; final?: boolean } };
      } catch {
        return {};
      }
    })
    .filter((p) => p.data?.final === false)
    .map((p) => p.data!.answer ?? '')
    .join('');
const openaiText = (events: StreamEvent[]) =>
  events
    .filter((e) => e.data !== '[DONE]')
    .map((e) => {
      try {
        return (JSON.parse(e.data) as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ?? '';
      } catch {
        return '';
      }
    })
    .join('');

export async function benchStreaming(cluster: Cluster, opts: StreamOptions): Promise<PartReport> {
  const stub: ModelServer = await startModelServer();
  const failures: string[] = [];
  try {
    const user: User = await signUp(cluster.http);
    const add = await cluster.http.post('/v1/llm/add_llm', { llm_factory: 'OpenAI-API-Compatible', llm_name: 'stub-chat', model_type: 'chat', api_base: stub.url, api_key: 'stub-key' }, user.loginToken);
    if (add.body.code !== 0) throw new Error(`add_llm failed: ${add.text}`);
    const chat = await cluster.http.post('/api/v1/chats', { name: 'stream bench', llm: { model_name: 'stub-chat___OpenAI-API@OpenAI-API-Compatible' } }, user.bearer);
    if (chat.body.code !== 0) throw new Error(`create chat failed: ${chat.text}`);
    const chatId = chat.body.data.id as string;
    const json = { Authorization: user.bearer, 'Content-Type': 'application/json' };
    const newSession = async () => {
      const s = await cluster.http.post(`/api/v1/chats/${chatId}/sessions`, { name: 'bench' }, user.bearer);
      if (s.body.code !== 0) throw new Error(`create session failed: ${s.text}`);
      return s.body.data.id as string;
    };
    const native = async (question: string, timeoutMs = 60_000) =>
      readStream(`${cluster.baseUrl}/api/v1/chats/${chatId}/completions`, { headers: json, body: JSON.stringify({ question, session_id: await newSession(), stream: true }) }, nativeToken, timeoutMs);
    const openai = (question: string, timeoutMs = 60_000) =>
      readStream(
        `${cluster.baseUrl}/api/v1/chats_openai/${chatId}/chat/completions`,
        { headers: json, body: JSON.stringify({ model: 'stub', messages: [{ role: 'user', content: question }], stream: true }) },
        openaiToken,
        timeoutMs,
      );
    const direct = (question: string, timeoutMs = 60_000) =>
      readStream(`${stub.url}/chat/completions`, { headers: { 'Content-Type': 'application/json', Authorization: 'Bearer stub-key' }, body: JSON.stringify({ model: 'stub-chat', messages: [{ role: 'user', content: question }], stream: true }) }, openaiToken, timeoutMs);

    // (a) Time to first token, sequential, each path warmed up first.
    progress(`stream: time to first token, ${opts.ttftRuns} requests per path`);
    const ttft: Record<string, { firstToken: Summary; total: Summary; errors: number }> = {};
    for (const [name, call] of [
      ['model stub, direct streamed request', direct],
      ['gateway, native SSE (POST /api/v1/chats/<id>/completions)', native],
      ['gateway, OpenAI-compatible stream (POST /api/v1/chats_openai/<id>/chat/completions)', openai],
    ] as const) {
      for (let i = 0; i < 3; i++) await call(`warm-up question ${i}`);
      const runs: StreamRead[] = [];
      for (let i = 0; i < opts.ttftRuns; i++) runs.push(await call(`What is the answer to question number ${i}?`));
      const bad = runs.filter((r) => r.status !== 200 || r.error || Number.isNaN(r.firstToken));
      ttft[name] = { firstToken: summarize(runs.filter((r) => !Number.isNaN(r.firstToken)).map((r) => r.firstToken)), total: summarize(runs.map((r) => r.end)), errors: bad.length };
      if (bad.length) failures.push(`stream ttft ${name}: ${bad.length} failed, e.g. ${bad[0]!.error ?? bad[0]!.status}`);
    }

    // (b) Relay throughput: one answer of `relayDeltas` one-word deltas, no delay.
    progress(`stream: relay throughput, ${opts.relayDeltas} deltas per answer`);
    const words = Array.from({ length: opts.relayDeltas }, (_, i) => `w${i}`);
    const expected = words.join(' ');
    const relay: Record<string, { deltas: number; seconds: number; deltas_per_s: number; first_to_last_ms: number; complete: boolean }> = {};
    for (const [name, call, isToken, text] of [
      ['model stub, direct client', direct, openaiToken, openaiText],
      ['gateway, native SSE', native, nativeToken, nativeText],
      ['gateway, OpenAI-compatible stream', openai, openaiToken, openaiText],
    ] as const) {
      stub.script({ kind: 'text', text: expected, endpoint: 'chat' });
      const r = await call('Stream many small deltas', 120_000);
      const tokens = r.events.filter((e) => isToken(e.data));
      const span = tokens.length > 1 ? tokens.at(-1)!.at - tokens[0]!.at : NaN;
      const complete = text(r.events).trim() === expected;
      relay[name] = { deltas: tokens.length, seconds: round(r.end / 1000, 3), deltas_per_s: Math.round(tokens.length / (r.end / 1000)), first_to_last_ms: round(span, 1), complete };
      if (!complete || r.error) failures.push(`stream relay ${name}: ${r.error ?? `text incomplete (${tokens.length} deltas)`}`);
    }

    // (c) Many concurrent streams held for about `streamSeconds`.
    const perWordMs = 1000;
    const streamWords = Math.max(2, Math.round(opts.streamSeconds * (1000 / perWordMs)));
    const longText = Array.from({ length: streamWords }, (_, i) => `t${i}`).join(' ');
    progress(`stream: ${opts.streams} concurrent SSE streams, ${streamWords} deltas ${perWordMs} ms apart (~${opts.streamSeconds} s each)`);
    const sessions = await mapLimit(Array.from({ length: opts.streams }), 8, () => newSession());
    stub.script({ kind: 'slow', delayMs: perWordMs, text: longText, endpoint: 'chat', times: opts.streams });
    const c0 = performance.now();
    const held = await Promise.all(
      sessions.map((sessionId, i) =>
        readStream(
          `${cluster.baseUrl}/api/v1/chats/${chatId}/completions`,
          { headers: json, body: JSON.stringify({ question: `Held stream ${i}`, session_id: sessionId, stream: true }) },
          nativeToken,
          (opts.streamSeconds + 120) * 1000,
        ),
      ),
    );
    const heldSeconds = (performance.now() - c0) / 1000;
    let errors = 0;
    let dropped = 0;
    let duplicated = 0;
    let errorEvents = 0;
    let endedTrue = 0;
    let wrongText = 0;
    const gaps: number[] = [];
    const durations: number[] = [];
    /** Streams whose events stopped for more than 3 delta intervals (the stub never pauses that long). */
    const stalls: { stream: number; afterEvent: number; of: number; atMs: number; gapMs: number }[] = [];
    const stallMs = 3 * perWordMs;
    const firstTokens: number[] = [];
    for (const r of held) {
      if (r.status !== 200 || r.error) errors++;
      const ids = r.events.map((e) => Number(e.id));
      const unique = new Set(ids);
      duplicated += ids.length - unique.size;
      const payloads = r.events.map((e) => {
        try {
          return JSON.parse(e.data) as { code?: number; data?: unknown };
        } catch {
          return { code: -1 };
        }
      });
      errorEvents += payloads.filter((p) => p.code !== 0).length;
      if (JSON.stringify(payloads.at(-1)) === '{"code":0,"data":true}') endedTrue++;
      const text = nativeText(r.events).replace(/\s+/g, ' ').trim();
      const got = text ? text.split(' ') : [];
      if (text !== longText) wrongText++;
      dropped += Math.max(0, streamWords - new Set(got).size);
      let worst = { gap: 0, i: 0 };
      for (let i = 1; i < r.events.length; i++) {
        const gap = r.events[i]!.at - r.events[i - 1]!.at;
        gaps.push(gap);
        if (gap > worst.gap) worst = { gap, i };
      }
      if (worst.gap > stallMs) stalls.push({ stream: held.indexOf(r), afterEvent: worst.i, of: r.events.length, atMs: Math.round(r.events[worst.i - 1]!.at), gapMs: Math.round(worst.gap) });
      durations.push(r.end);
      if (!Number.isNaN(r.firstToken)) firstTokens.push(r.firstToken);
    }
    const concurrent = {
      streams: opts.streams,
      deltas_per_stream: streamWords,
      delta_interval_ms: perWordMs,
      wall_seconds: round(heldSeconds, 1),
      http_errors: errors,
      error_events: errorEvents,
      dropped_deltas: dropped,
      duplicated_events: duplicated,
      wrong_text: wrongText,
      final_data_true: endedTrue,
      stalled_streams: stalls.length,
      stalls,
      stream_seconds: summarize(durations.map((d) => d / 1000), 1),
      first_token_ms: summarize(firstTokens, 1),
      gap_between_events_ms: summarize(gaps, 1),
    };
    if (errors || errorEvents || dropped || duplicated || wrongText || endedTrue !== opts.streams || stalls.length) {
      failures.push(
        `stream concurrent: ${errors} HTTP errors, ${errorEvents} error events, ${dropped} dropped, ${duplicated} duplicated, ${wrongText} wrong texts, data:true on ${endedTrue}/${opts.streams}, ` +
          `${stalls.length} streams stalled > ${stallMs} ms${stalls.length ? ` (${stalls.slice(0, 5).map((x) => `#${x.stream}: ${x.gapMs} ms of silence after event ${x.afterEvent}/${x.of} at ${x.atMs} ms`).join('; ')})` : ''}`,
      );
    }

    const markdown = [
      '**(a) Time to first token** (sequential; from sending the request to the first event carrying answer text)',
      '',
      table(
        ['path', 'requests', 'TTFT p50 ms', 'TTFT p95 ms', 'TTFT max ms', 'whole answer p50 ms', 'errors'],
        Object.entries(ttft).map(([name, r]) => [name, r.firstToken.n, r.firstToken.p50, r.firstToken.p95, r.firstToken.max, r.total.p50, r.errors]),
      ),
      '',
      `Gateway paths create a session first (not timed for native); the answer is the stub's default \`Stub answer. You said: …\`, one word per delta.`,
      '',
      `**(b) Relay throughput** (one answer of ${opts.relayDeltas.toLocaleString('en')} one-word deltas, the stub sending with no delay)`,
      '',
      table(
        ['path', 'deltas received', 'request → end s', 'deltas/s (received ÷ request→end)', 'first → last delta ms', 'text complete'],
        Object.entries(relay).map(([name, r]) => [name, r.deltas, r.seconds, r.deltas_per_s, r.first_to_last_ms, r.complete ? 'yes' : 'NO']),
      ),
      '',
      `**(c) ${opts.streams} concurrent native SSE streams** (stub \`slow\`: ${streamWords} deltas ${perWordMs} ms apart per answer)`,
      '',
      table(
        ['streams', 'wall s', 'stream s p50 / max', 'HTTP errors', 'error events', 'dropped deltas', 'duplicated events', 'wrong text', 'final data:true', `stalled > ${stallMs / 1000} s`, 'first token p50 / max ms', 'gap between events p99 / max ms'],
        [
          [
            opts.streams,
            concurrent.wall_seconds,
            `${concurrent.stream_seconds.p50} / ${concurrent.stream_seconds.max}`,
            errors,
            errorEvents,
            dropped,
            duplicated,
            wrongText,
            `${endedTrue}/${opts.streams}`,
            stalls.length,
            `${concurrent.first_token_ms.p50} / ${concurrent.first_token_ms.max}`,
            `${concurrent.gap_between_events_ms.p99} / ${concurrent.gap_between_events_ms.max}`,
          ],
        ],
      ),
      '',
      'Every stream is checked: HTTP 200, SSE ids unique, no `code ≠ 0` event, the concatenated deltas equal the scripted text exactly, last event `{"code":0,"data":true}`, ' +
        `and no silence longer than ${stallMs / 1000} s between events (the stub sends one every ${perWordMs / 1000} s). ` +
        (stalls.length ? `Stalls: ${stalls.slice(0, 5).map((x) => `stream #${x.stream} silent ${(x.gapMs / 1000).toFixed(1)} s after event ${x.afterEvent} of ${x.of} (at ${(x.atMs / 1000).toFixed(1)} s)`).join('; ')}${stalls.length > 5 ? '; …' : ''}. ` : '') +
        'The stub and all clients run in the bench process; gateway, dialog-svc and nats-server are separate processes.',
    ].join('\n');
    return { title: '5. Streaming completions through the gateway', markdown, data: { ttft, relay, concurrent }, failures };
  } finally {
    await stub.stop();
  }
}
