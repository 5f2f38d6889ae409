import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ErrorCode, connect, headers as natsHeaders, type NatsConnection, type NatsError } from 'nats';
import { BusUsers, Headers, Streams, Subjects, allows, answerSubject, busPermissions, type BusUser } from '@rag/contracts';
import { AnswerWriter, Bus, createLogger, createMetrics, ensureAnswerStream, relayAnswer } from '@rag/platform';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const text = new TextDecoder();

/** A permission violation the server sent for `operation` on `subject`, seen on the connection's status stream. */
function violations(nc: NatsConnection): { operation: string; subject: string }[] {
  const seen: { operation: string; subject: string }[] = [];
  void (async () => {
    for await (const s of nc.status()) {
      const ctx = (s as { permissionContext?: { operation: string; subject: string } }).permissionContext;
      if (s.data === ErrorCode.PermissionsViolation && ctx) seen.push({ operation: ctx.operation, subject: ctx.subject });
    }
  })();
  return seen;
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function isPermissionError(err: unknown): boolean {
  return (err as NatsError).code === ErrorCode.PermissionsViolation || /permissions violation/i.test(String(err));
}

describe('NATS permissions of the generated server config', () => {
  let nats: NatsServer;
  const open: NatsConnection[] = [];
  const as = async (user: BusUser) => {
    const nc = await connect(nats.connectOptions(user));
    open.push(nc);
    return nc;
  };
  const busAs = async (user: BusUser) => {
    const bus = await Bus.connect({ url: nats.url, name: user, user, password: nats.passwords![user], requestTimeoutMs: 3000, logger: createLogger(user, 'silent'), metrics: createMetrics(user) });
    open.push(bus.nc);
    return bus;
  };

  before(async () => {
    nats = await startNatsServer({ auth: true });
  });
  after(async () => {
    for (const nc of open) await nc.close().catch(() => undefined);
    await nats?.stop();
  });

  test('without credentials, or with a wrong password, the server refuses the connection', async () => {
    await assert.rejects(connect({ servers: nats.url, reconnect: false }), (err: NatsError) => err.code === ErrorCode.AuthorizationViolation);
    await assert.rejects(connect({ servers: nats.url, user: 'gateway', pass: 'not-the-password', reconnect: false }), (err: NatsError) => err.code === ErrorCode.AuthorizationViolation);
  });

  test("with the gateway's credentials: model_credentials and record_usage are refused, its own requests are answered", async () => {
    const account = await as(BusUsers.account);
    const served: string[] = [];
    for (const subject of [Subjects.account.login, Subjects.account.modelCredentials, Subjects.account.recordUsage]) {
      account.subscribe(subject, { queue: 'account-svc', callback: (_err, m) => (served.push(m.subject), m.respond(JSON.stringify({ code: 0, data: 'secret' }))) });
    }
    await account.flush();
    const gateway = await as(BusUsers.gateway);
    const seen = violations(gateway);

    const login = await gateway.request(Subjects.account.login, '{}', { timeout: 3000 });
    assert.deepEqual(JSON.parse(text.decode(login.data)), { code: 0, data: 'secret' }, 'a legitimate request is answered');
    for (const internal of [Subjects.account.modelCredentials, Subjects.account.recordUsage]) {
      await assert.rejects(gateway.request(internal, JSON.stringify({ body: { model: 'x' } }), { timeout: 3000 }), isPermissionError, internal);
      await until(() => seen.some((v) => v.operation === 'publish' && v.subject === internal), `the server refusing ${internal}`);
    }
    await account.flush();
    assert.deepEqual(served, [Subjects.account.login], 'account-svc never received the refused requests');
  });

  test("with the gateway's credentials: subscribing to rag.v1.account.> or another user's inbox is refused", async () => {
    const gateway = await as(BusUsers.gateway);
    const seen = violations(gateway);
    for (const subject of ['rag.v1.account.>', '_INBOX.>', '_INBOX_dialog-svc.>', Subjects.account.modelCredentials]) {
      const failure = new Promise<unknown>((resolve) => gateway.subscribe(subject, { callback: (err) => resolve(err) }));
      assert.ok(isPermissionError(await failure), subject);
      await until(() => seen.some((v) => v.operation === 'subscription' && v.subject === subject), `the server refusing a subscription to ${subject}`);
    }
  });

  test("with the gateway's credentials: publishing a fake answer is refused; only dialog-svc and canvas-svc publish answers, which the gateway relays", async () => {
    const dialog = await busAs(BusUsers.dialog);
    await ensureAnswerStream(dialog);
    const gateway = await busAs(BusUsers.gateway);
    const seen = violations(gateway.nc);

    const fake = answerSubject('x');
    gateway.nc.publish(fake, 'data: forged');
    await until(() => seen.some((v) => v.operation === 'publish' && v.subject === fake), 'the server refusing a plain publish');
    const h = natsHeaders();
    h.set(Headers.tenantId, 'victim');
    await assert.rejects(gateway.js.publish(fake, 'data: forged', { headers: h }), isPermissionError);
    const jsm = await dialog.jsm();
    assert.equal((await jsm.streams.info(Streams.answers.name)).state.messages, 0, 'nothing reached the ANSWERS stream');

    const writer = new AnswerWriter(dialog, 'real', 'tenant-a');
    await writer.write('one');
    await writer.end('two');
    const relayed: string[] = [];
    for await (const d of relayAnswer(gateway, 'real')) relayed.push(d.payload);
    assert.deepEqual(relayed, ['one', 'two'], 'the gateway reads the answer dialog-svc wrote');

    for (const user of Object.values(BusUsers)) {
      assert.equal(allows(busPermissions(user).publish, fake), user === BusUsers.dialog || user === BusUsers.canvas, `${user} publishing answers`);
    }
  });

  test("with parse-worker's credentials: reading answer streams is refused", async () => {
    const dialog = await busAs(BusUsers.dialog);
    await ensureAnswerStream(dialog);
    const writer = new AnswerWriter(dialog, 'private', 'tenant-a');
    await writer.end('the answer');
    const worker = await busAs(BusUsers.parseWorker);
    const seen = violations(worker.nc);

    const jsm = await worker.jsm();
    await assert.rejects(jsm.streams.getMessage(Streams.answers.name, { seq: 1 }), isPermissionError, 'get by sequence');
    await assert.rejects(jsm.consumers.add(Streams.answers.name, { filter_subject: answerSubject('private') }), isPermissionError, 'an ephemeral consumer');
    await assert.rejects(
      (async () => {
        for await (const _ of relayAnswer(worker, 'private')) return;
      })(),
      isPermissionError,
      'an ordered consumer',
    );
    const failure = new Promise<unknown>((resolve) => worker.nc.subscribe(Streams.answers.subjects[0], { callback: (err) => resolve(err) }));
    assert.ok(isPermissionError(await failure), 'a plain subscription');
    await until(() => seen.some((v) => v.operation === 'subscription' && v.subject === Streams.answers.subjects[0]), 'the server refusing the subscription');
  });

  test('the server logged every refusal as a violation of the named user', () => {
    const log = nats.log();
    assert.match(log, /Publish Violation.*User "gateway".*rag\.v1\.account\.model_credentials/);
    assert.match(log, /Subscription Violation.*User "gateway".*rag\.v1\.account\.>/);
    assert.match(log, /Publish Violation.*User "parse-worker".*\$JS\.API\.STREAM\.MSG\.GET\.ANSWERS/);
  });
});

/** `Subjects.group.name` references in one service's sources (tests excluded). */
function subjectsUsedBy(service: string): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        for (const m of readFileSync(full, 'utf8').matchAll(/Subjects\.(\w+)\.(\w+)/g)) {
          const subject = (Subjects as Record<string, Record<string, string>>)[m[1]!]?.[m[2]!];
          if (subject) found.add(subject);
        }
        // The answer-control helpers of shared/platform name their subjects by kind.
        const text = readFileSync(full, 'utf8');
        if (text.includes('publishAnswerControl(')) for (const m of text.matchAll(/'(detach|attach)'/g)) found.add(Subjects.answer[m[1] as 'detach' | 'attach']);
        if (text.includes('subscribeAnswerControl(')) for (const s of Object.values(Subjects.answer)) found.add(s);
      }
    }
  };
  walk(path.join(ROOT, 'services', service, 'src'));
  return [...found].sort();
}

test("every subject a service's code names is within its permissions, and the gateway's exactly", () => {
  for (const user of [BusUsers.gateway, BusUsers.account, BusUsers.dataset, BusUsers.document, BusUsers.dialog, BusUsers.canvas, BusUsers.parseWorker]) {
    const p = busPermissions(user);
    const used = subjectsUsedBy(user);
    assert.ok(used.length > 0, user);
    for (const subject of used) assert.ok(allows(p.publish, subject) || allows(p.subscribe, subject), `${user} uses ${subject} but may not`);
  }
  const gatewayRequests = Object.values(Subjects).flatMap((g) => Object.values(g)).filter((s) => allows(busPermissions(BusUsers.gateway).publish, s));
  assert.deepEqual(gatewayRequests.sort(), subjectsUsedBy('gateway'), 'the gateway may send exactly what its routes send');
});

test('every service subject can be subscribed to by its one owner only (nobody else can read its requests)', () => {
  const owner: Record<string, BusUser | undefined> = {
    account: BusUsers.account,
    dataset: BusUsers.dataset,
    document: BusUsers.document,
    chunk: BusUsers.document,
    retrieval: BusUsers.document,
    dialog: BusUsers.dialog,
    completion: BusUsers.dialog,
    answer: BusUsers.dialog,
    canvas: BusUsers.canvas,
  };
  for (const [group, subjects] of Object.entries(Subjects)) {
    for (const subject of Object.values(subjects)) {
      const readers = Object.values(BusUsers).filter((u) => allows(busPermissions(u).subscribe, subject));
      const expected = group === 'parse' ? (subject === Subjects.parse.cancel ? [BusUsers.parseWorker] : []) : [owner[group]!];
      assert.deepEqual(readers, expected, subject);
    }
  }
  for (const user of Object.values(BusUsers)) {
    assert.deepEqual(
      Object.values(BusUsers).filter((u) => allows(busPermissions(u).subscribe, `_INBOX_${user}.abc.1`)),
      [user],
      `only ${user} reads its replies`,
    );
  }
});
