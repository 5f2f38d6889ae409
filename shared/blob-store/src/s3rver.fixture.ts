import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** A real s3rver process for tests, on a random loopback port with its own folder. */
export interface S3rverProcess {
  endPoint: '127.0.0.1';
  port: number;
  accessKey: 'S3RVER';
  secretKey: 'S3RVER';
  stop(): Promise<void>;
}

const LISTENING = /S3rver listening on [^:]+:(\d+)/;

export async function startS3rver(timeoutMs = 15_000): Promise<S3rverProcess> {
  const bin = path.join(path.dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rag-s3rver-'));
  // Port 0: the server picks a free port and prints it, so there is no race for a "free" port.
  // s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node >= 17)
  // only offers through its legacy provider: without it every truncated listing answers 500.
  const child = spawn(process.execPath, ['--openssl-legacy-provider', bin, '-d', dir, '-a', '127.0.0.1', '-p', '0', '--no-vhost-buckets', '--silent'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`s3rver did not start within ${timeoutMs} ms`)), timeoutMs);
      const onData = (d: Buffer) => {
        output += d.toString();
        const m = LISTENING.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', (err) => reject(err));
      child.once('exit', (c) => reject(new Error(`s3rver exited with ${c}`)));
    });
    return {
      endPoint: '127.0.0.1',
      port,
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      async stop() {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n${output}`);
  }
}
