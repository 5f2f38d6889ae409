import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALLOW_ALL, BlockedAddressError, DENY_PRIVATE, NetworkGuard, blockedRange, parseAllowList } from './net-guard.js';

test('loopback, private, link-local and other special ranges are recognised in IPv4 and IPv6 spellings', () => {
  const cases: [string, string | undefined][] = [
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.100.1.1', 'shared (carrier-grade NAT)'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    // IPv6 spellings that carry an IPv4 address: mapped (dotted and hex), NAT64, 6to4.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:c0a8:0101::1', 'private'],
    ['8.8.8.8', undefined],
    ['172.32.0.1', undefined],
    ['2606:4700:4700::1111', undefined],
    ['::ffff:8.8.8.8', undefined],
    ['1:2:3:4:5:6:7:8', undefined],
    ['fe80::1%eth0', 'link-local'],
    ['0:0:0:0:0:ffff:10.0.0.1', 'private'],
    ['::', 'unspecified'],
  ];
  for (const [address, expected] of cases) assert.equal(blockedRange(address), expected, address);
});

test('allow-lists take CIDRs, addresses and host names, and refuse anything else', () => {
  assert.deepEqual(parseAllowList(' 10.0.0.0/8, ollama.internal ,::1,fd00::/8'), ['10.0.0.0/8', 'ollama.internal', '::1', 'fd00::/8']);
  assert.throws(() => parseAllowList('10.0.0.0/33', 'X'), /X: "10.0.0.0\/33" is not a valid address or CIDR/);
  assert.throws(() => parseAllowList('http://x', 'X'), /neither a CIDR nor a host name/);
});

test('the static check refuses IP literals and localhost names; allow-lists and allowPrivate open them', async () => {
  const deny = new NetworkGuard(DENY_PRIVATE);
  for (const url of ['http://127.0.0.1:9/v1', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:8000/v1', 'http://[::ffff:7f00:1]/', 'http://localhost:11434/v1', 'http://api.localhost/']) {
    assert.throws(() => deny.checkUrlStatic(url), BlockedAddressError, url);
  }
  assert.doesNotThrow(() => deny.checkUrlStatic('https://api.openai.com/v1'));
  assert.doesNotThrow(() => new NetworkGuard(ALLOW_ALL).checkUrlStatic('http://127.0.0.1:9/v1'));
  const listed = new NetworkGuard({ allowPrivate: false, allow: ['127.0.0.0/8', 'localhost'] });
  assert.doesNotThrow(() => listed.checkUrlStatic('http://127.0.0.1:9/v1'));
  assert.doesNotThrow(() => listed.checkUrlStatic('http://localhost:9/v1'));
  assert.throws(() => listed.checkUrlStatic('http://169.254.169.254/'), /169.254.169.254 is a link-local address/);
  // A name is resolved: localhost answers loopback addresses.
  await assert.rejects(deny.checkUrl('http://localhost:9/'), BlockedAddressError);
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

const blockedCause = (err: unknown) => {
  let e: unknown = err;
  while (e && !(e instanceof BlockedAddressError)) e = (e as { cause?: unknown }).cause;
  return e instanceof BlockedAddressError ? e : undefined;
};

test('fetch refuses to connect to a blocked address: literals, names resolved at connect time, and redirects', async (t) => {
  let hits = 0;
  const { server, port } = await listen((req, res) => {
    hits++;
    if (req.url === '/hop') {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/secret` }).end();
      return;
    }
    res.end('ok');
  });
  t.after(() => server.close());

  const deny = new NetworkGuard(DENY_PRIVATE);
  await assert.rejects(deny.fetch(`http://127.0.0.1:${port}/`), BlockedAddressError);
  assert.equal(hits, 0);

  // A name that is not spelled "localhost" reaches the connect-time lookup (what DNS rebinding would hit).
  const lookupOnly = new NetworkGuard(DENY_PRIVATE);
  await new Promise<void>((resolve) => {
    lookupOnly.lookup('localhost', { all: true }, (err) => {
      assert.ok(err instanceof BlockedAddressError, 'lookup refuses localhost');
      resolve();
    });
  });

  // The host name is allowed, but the redirect leads to a loopback literal that is not.
  const byName = new NetworkGuard({ allowPrivate: false, allow: ['localhost'] });
  t.after(() => byName.close());
  assert.equal(await (await byName.fetch(`http://localhost:${port}/`)).text(), 'ok');
  const hopped = await byName.fetch(`http://localhost:${port}/hop`).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(blockedCause(hopped), `redirect to 127.0.0.1 refused, got ${String(hopped)}`);
  assert.equal(hits, 2, 'the /secret target was never requested');

  const open = new NetworkGuard(ALLOW_ALL);
  assert.equal(await (await open.fetch(`http://127.0.0.1:${port}/`)).text(), 'ok');
});

test('DNS rebinding gains nothing: a name that passed the early check is checked again when the connection is made', async (t) => {
  let hits = 0;
  const { server, port } = await listen((_req, res) => {
    hits++;
    res.end('internal');
  });
  t.after(() => server.close());
  // The attacker's name server answers a public address first, then loopback.
  const answers = ['93.184.216.34', '127.0.0.1'];
  let asked = 0;
  const rebinding = async () => [{ address: answers[Math.min(asked++, answers.length - 1)]!, family: 4 }];
  const guard = new NetworkGuard(DENY_PRIVATE, rebinding);
  t.after(() => guard.close());
  const url = `http://rebind.attacker.example:${port}/`;
  await guard.checkUrl(url);
  const refused = await guard.fetch(url).then(
    () => undefined,
    (err: unknown) => err,
  );
  const blocked = blockedCause(refused);
  assert.ok(blocked, `connect-time refusal, got ${String(refused)}`);
  assert.equal(blocked.message, 'rebind.attacker.example resolves to 127.0.0.1, a loopback address');
  assert.equal(asked, 2, 'the name was resolved again for the connection');
  assert.equal(hits, 0);
});
