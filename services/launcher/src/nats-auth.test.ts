import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { connect } from 'nats';
import { BusUsers, inboxPrefix } from '@rag/contracts';
import { freePort } from '../../../test/support/nats-server.js';
import { loadOrCreatePasswords, natsAuthSecrets } from './nats-auth.js';
import { findExecutable } from './nats-server.js';

/** The `stringData` of each Secret in gen-nats-auth's YAML (values are JSON strings). */
function secrets(yaml: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const line of yaml.split('\n')) {
    const name = /^ {2}name: (\S+)$/.exec(line);
    if (name) out[name[1]!] = current = {};
    const entry = /^ {2}([\w.-]+): (".*")$/.exec(line);
    if (entry && current) current[entry[1]!] = JSON.parse(entry[2]!) as string;
  }
  return out;
}

test('passwords are random per user, kept across calls, and readable by the owner only', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rag-nats-auth-'));
  try {
    const first = loadOrCreatePasswords(dir);
    assert.deepEqual(Object.keys(first).sort(), Object.values(BusUsers).sort());
    assert.equal(new Set(Object.values(first)).size, Object.values(BusUsers).length);
    assert.deepEqual(loadOrCreatePasswords(dir), first);
    assert.equal(statSync(path.join(dir, 'passwords.json')).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gen-nats-auth: the auth.conf Secret runs nats-server (with -js) and the users Secret logs each service in', { skip: findExecutable('nats-server') ? false : 'nats-server is not installed' }, async () => {
  const out = secrets(natsAuthSecrets());
  assert.deepEqual(Object.keys(out), ['rag-nats-server', 'rag-nats-users']);
  assert.deepEqual(Object.keys(out['rag-nats-users']!).sort(), Object.values(BusUsers).sort());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rag-nats-k8s-'));
  const conf = path.join(dir, 'auth.conf');
  writeFileSync(conf, out['rag-nats-server']!['auth.conf']!);
  const port = await freePort();
  // As k8s/nats.yaml runs it: flags for the port and the store, the Secret for the users.
  const server = spawn(findExecutable('nats-server')!, ['-c', conf, '-js', '-sd', path.join(dir, 'js'), '-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  try {
    const url = `nats://127.0.0.1:${port}`;
    let nc;
    for (let i = 0; !nc; i++) {
      nc = await connect({ servers: url, user: BusUsers.dialog, pass: out['rag-nats-users']![BusUsers.dialog], inboxPrefix: inboxPrefix(BusUsers.dialog), reconnect: false }).catch((err: Error) => {
        if (i > 50) throw err;
        return new Promise<undefined>((r) => setTimeout(() => r(undefined), 100));
      });
    }
    const jsm = await nc.jetstreamManager();
    assert.equal((await jsm.streams.add({ name: 'ANSWERS', subjects: ['rag.v1.stream.>'] })).config.name, 'ANSWERS', 'JetStream is on in the account');
    await nc.close();
    await assert.rejects(connect({ servers: url, reconnect: false }), /Authorization Violation/i);
  } finally {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('k8s/: nats mounts the generated auth.conf, and every Deployment logs in as its own user with its own password', () => {
  const k8s = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'k8s');
  const nats = readFileSync(path.join(k8s, 'nats.yaml'), 'utf8');
  assert.match(nats, /args: \["-c", "\/etc\/nats\/auth\/auth\.conf"/);
  assert.match(nats, /secretName: rag-nats-server/);
  for (const user of Object.values(BusUsers).filter((u) => u !== BusUsers.launcher)) {
    const manifest = readFileSync(path.join(k8s, `${user}.yaml`), 'utf8');
    assert.match(manifest, new RegExp(`- name: NATS_USER\\n\\s+value: ${user}\\n\\s+- name: NATS_PASSWORD\\n\\s+valueFrom:\\n\\s+secretKeyRef:\\n\\s+name: rag-nats-users\\n\\s+key: ${user}\\n`), user);
  }
});
