import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { httpGetter, markdownTable, percentile, runLoad } from './load.js';

test('percentile is nearest-rank', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(xs, 50), 50);
  assert.equal(percentile(xs, 99), 99);
  assert.equal(percentile(xs, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('runLoad issues exactly the requested calls, never more than `concurrency` at once, and counts failures', async () => {
  let inFlight = 0;
  let peak = 0;
  let calls = 0;
  const result = await runLoad(
    'fake',
    async () => {
      const n = ++calls;
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      if (n % 10 === 0) throw new Error('every tenth fails');
    },
    { requests: 100, concurrency: 4, warmup: 20 },
  );
  assert.equal(calls, 120);
  assert.equal(peak, 4);
  assert.equal(result.requests, 100);
  assert.equal(result.errors, 10);
  assert.ok(result.p50_ms <= result.p99_ms && result.p99_ms <= result.max_ms);
  assert.match(markdownTable([result]), /\| fake \| 100 \| 4 \|/);
});

test('httpGetter reads bodies over keep-alive and rejects other statuses', async () => {
  const server = http.createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 500).end(req.url));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ok = httpGetter(`${base}/ok`, {}, 2);
  const bad = httpGetter(`${base}/bad`, {}, 2);
  try {
    assert.equal(await ok.get(), '/ok');
    await assert.rejects(bad.get(), /HTTP 500/);
  } finally {
    ok.close();
    bad.close();
    await new Promise((r) => server.close(r));
  }
});
