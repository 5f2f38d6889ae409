/** A small SSE reader for tests: `id:`/`data:` events in order, stoppable mid-stream. */
export interface SseEvent {
  id?: string;
  data: string;
}

export async function readSse(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  opts: { stopAfter?: number; onEvent?: (e: SseEvent) => void } = {},
): Promise<{ status: number; headers: Headers; events: SseEvent[]; comments: number; raw: string }> {
  const controller = new AbortController();
  const res = await fetch(url, { method: init.method ?? 'POST', headers: init.headers, body: init.body, signal: controller.signal });
  const events: SseEvent[] = [];
  let comments = 0;
  let raw = '';
  let buffer = '';
  const decoder = new TextDecoder();
  const reader = res.body!.getReader();
  try {
    outer: for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      raw += text;
      buffer += text;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const e: SseEvent = { data: '' };
        let isComment = true;
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          isComment = false;
          if (line.startsWith('id:')) e.id = line.slice(3).trim();
          else if (line.startsWith('data:')) e.data += line.slice(5);
        }
        if (isComment) {
          comments++;
          continue;
        }
        events.push(e);
        opts.onEvent?.(e);
        if (opts.stopAfter !== undefined && events.length >= opts.stopAfter) {
          controller.abort();
          break outer;
        }
      }
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  }
  return { status: res.status, headers: res.headers, events, comments, raw };
}
