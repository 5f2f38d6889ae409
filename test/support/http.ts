/** A small HTTP client for the end-to-end tests: JSON in, status + headers + parsed JSON out. */
export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export class Http {
  constructor(readonly base: string) {}

  async send<T = any>(method: string, path: string, opts: { json?: unknown; body?: string | Buffer; headers?: Record<string, string>; auth?: string } = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.auth !== undefined) headers.Authorization = opts.auth;
    let body: string | Buffer | undefined = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers, body: body as never });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, auth?: string) {
    return this.send<T>('GET', path, auth === undefined ? {} : { auth });
  }
  post<T = any>(path: string, json: unknown, auth?: string) {
    return this.send<T>('POST', path, auth === undefined ? { json } : { json, auth });
  }
  put<T = any>(path: string, json: unknown, auth?: string) {
    return this.send<T>('PUT', path, auth === undefined ? { json } : { json, auth });
  }
  delete<T = any>(path: string, json: unknown, auth?: string) {
    return this.send<T>('DELETE', path, auth === undefined ? { json } : { json, auth });
  }
}
