import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, signUp, type Stack } from '../support/stack.js';
import { upload } from '../support/documents.js';
import { spawnService, type ServiceProcess } from '../support/processes.js';

type User = Awaited<ReturnType<typeof signUp>>;

const LIMITS = { UPLOAD_MAX_FILES: '3', UPLOAD_MAX_PARTS: '6', UPLOAD_MAX_REQUEST_BYTES: '200000' };

/**
 * Sends raw bytes as an HTTP request (so a body can be cut, garbled or lie about its length) and
 * reads whatever comes back until the server closes. `hangUp` closes our side after sending.
 */
function rawRequest(port: number, head: string, body: Buffer | string, opts: { hangUp?: boolean } = {}): Promise<{ status: number; json: any; raw: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (raw += d));
    socket.on('error', (err) => (opts.hangUp ? resolve({ status: 0, json: null, raw }) : reject(err)));
    socket.on('close', () => {
      const [headers, ...rest] = raw.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(headers ?? '')?.[1] ?? 0);
      let json: unknown = null;
      try {
        json = JSON.parse(rest.join('\r\n\r\n'));
      } catch {
        /* no JSON body */
      }
      resolve({ status, json, raw });
    });
    socket.write(head);
    socket.write(body);
    // No end(): a half-closed client gets no answer from node's server; it closes after answering (Connection: close).
    if (opts.hangUp) setTimeout(() => socket.destroy(), 100);
  });
}

function head(datasetId: string, bearer: string, contentType: string, length: number): string {
  return [
    `POST /api/v1/datasets/${datasetId}/documents HTTP/1.1`,
    'Host: 127.0.0.1',
    `Authorization: ${bearer}`,
    `Content-Type: ${contentType}`,
    `Content-Length: ${length}`,
    'Connection: close',
    '',
    '',
  ].join('\r\n');
}

const part = (name: string, filename: string | undefined, content: string) =>
  `--XYZ\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\n${filename === undefined ? '' : 'Content-Type: text/plain\r\n'}\r\n${content}\r\n`;

describe('multipart uploads that end early, are garbled or too big: the gateway answers and keeps serving', () => {
  let stack: Stack;
  let gateway: ServiceProcess;
  let alice: User;
  let datasetId: string;

  before(async () => {
    stack = await startStack({ workers: 0 });
    gateway = await spawnService('gateway', { ...stack.env, ...LIMITS });
    alice = await signUp(stack.http);
    datasetId = (await stack.http.post('/api/v1/datasets', { name: 'uploads' }, alice.bearer)).body.data.id;
  });
  after(async () => {
    await gateway?.kill();
    await stack?.stop();
  });

  const send = (contentType: string, body: string | Buffer, opts: { length?: number; hangUp?: boolean } = {}) =>
    rawRequest(gateway.port, head(datasetId, alice.bearer, contentType, opts.length ?? Buffer.byteLength(body)), body, opts);

  const cases: { name: string; contentType?: string; body: string | Buffer; length?: number; hangUp?: true; answer?: { code: number; message: string } }[] = [
    { name: 'a part that is never closed', body: '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello', answer: { code: 101, message: 'Malformed multipart body: Unexpected end of form' } },
    { name: 'a part whose headers are cut', body: '--XYZ\r\nContent-Disposition: form-da', answer: { code: 101, message: 'Malformed multipart body: Unexpected end of form' } },
    { name: 'a good file, then a part that is never closed', body: `${part('file', 'good.txt', 'fine')}--XYZ\r\nContent-Disposition: form-data; name="file"; filename="b.txt"\r\n\r\nhal`, answer: { code: 101, message: 'Malformed multipart body: Unexpected end of form' } },
    { name: 'no boundary parameter', contentType: 'multipart/form-data', body: part('file', 'a.txt', 'x'), answer: { code: 101, message: 'Malformed multipart body: Boundary not found' } },
    { name: 'garbage instead of parts', body: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)) },
    { name: 'a body shorter than its Content-Length, then the client hangs up', body: `${part('file', 'a.txt', 'x'.repeat(5000))}`, length: 1_000_000, hangUp: true },
    {
      name: 'more files than UPLOAD_MAX_FILES',
      body: `${[1, 2, 3, 4].map((i) => part('file', `f${i}.txt`, 'x')).join('')}--XYZ--\r\n`,
      answer: { code: 101, message: 'The upload exceeds the limit of 3 files per request.' },
    },
    {
      name: 'more parts than UPLOAD_MAX_PARTS',
      body: `${[1, 2, 3, 4, 5, 6, 7].map((i) => part(`field${i}`, undefined, 'v')).join('')}${part('file', 'a.txt', 'x')}--XYZ--\r\n`,
      answer: { code: 101, message: 'The upload exceeds the limit of 6 parts per request.' },
    },
    {
      name: 'a body over UPLOAD_MAX_REQUEST_BYTES',
      body: `${[1, 2, 3].map((i) => part('file', `big${i}.txt`, 'y'.repeat(90_000))).join('')}--XYZ--\r\n`,
      answer: { code: 101, message: 'The upload exceeds the limit of 200000 bytes per request.' },
    },
  ];

  for (const c of cases) {
    test(`${c.name}: answered in the error envelope, the gateway still serves`, async () => {
      const r = await send(c.contentType ?? 'multipart/form-data; boundary=XYZ', c.body, { ...(c.length ? { length: c.length } : {}), ...(c.hangUp ? { hangUp: true } : {}) });
      if (c.answer) {
        assert.equal(r.status, 200, r.raw);
        assert.deepEqual(r.json, c.answer);
      } else if (!c.hangUp) {
        assert.equal(r.status, 200, r.raw);
        assert.notEqual(r.json?.code, 0, r.raw);
        assert.equal(typeof r.json?.message, 'string');
      }
      assert.equal(gateway.child.exitCode, null, `the gateway died:\n${gateway.output()}`);
      const ping = await fetch(`http://127.0.0.1:${gateway.port}/v1/system/ping`);
      assert.equal(await ping.text(), 'pong');
    });
  }

  test('after all that, a good upload works and nothing of the refused ones was kept', async () => {
    const ok = await upload({ base: `http://127.0.0.1:${gateway.port}` } as never, alice.bearer, datasetId, [{ name: 'kept.txt', data: 'kept' }]);
    assert.equal(ok.body.code, 0, JSON.stringify(ok.body));
    const docs = (await stack.http.get(`/api/v1/datasets/${datasetId}/documents`, alice.bearer)).body.data.docs;
    assert.deepEqual(docs.map((d: { name: string }) => d.name), ['kept.txt']);
    // A refused or broken request leaves no file behind (the cut-off upload's is removed when its request closes).
    const bucket = path.join(stack.env.DATA_DIR!, 'blobs', datasetId);
    const deadline = Date.now() + 5000;
    let left: string[] = [];
    do {
      left = existsSync(bucket) ? readdirSync(bucket, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];
      if (left.length === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    assert.deepEqual(left, [ok.body.data[0].id], 'only the kept document has a file');
    const staging = path.join(stack.env.DATA_DIR!, 'blobs', 'upload-staging', datasetId);
    const staged = existsSync(staging) ? readdirSync(staging).filter((n) => !n.startsWith('.')) : [];
    assert.deepEqual(staged, [], 'no staged file is left: refused uploads remove theirs, the good one was consumed');
  });
});
