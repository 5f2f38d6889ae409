import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { ConfigError, env, type ConfigOf, type ConfigSpec, type Spec } from './config.js';

/**
 * Outbound address guard: keeps server-side HTTP calls to user-given URLs (model `api_base`, later
 * agent HTTP tools) away from the server's own networks — loopback, private ranges, link-local (the
 * cloud metadata service at 169.254.169.254) — unless an operator allows them.
 *
 * The check that counts runs when the connection is made: `guardedFetch` resolves the host itself
 * and refuses to connect when any address it would use is blocked, so a DNS name that answers a
 * public address to a pre-check and a private one to the connection (DNS rebinding) gains nothing.
 * `checkUrl` is the early, friendly check for settings calls.
 */

/** What an operator allows: every private range, or listed CIDRs and host names. */
export interface NetworkPolicy {
  allowPrivate: boolean;
  /** CIDRs (`10.0.0.0/8`, `fd00::/8`), single addresses, or exact host names (`ollama.internal`). */
  allow: readonly string[];
}

export const DENY_PRIVATE: NetworkPolicy = Object.freeze({ allowPrivate: false, allow: [] });
export const ALLOW_ALL: NetworkPolicy = Object.freeze({ allowPrivate: true, allow: [] });

export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
  readonly code = 'ERR_ADDRESS_BLOCKED';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(host === address ? `${address} is a ${range} address` : `${host} resolves to ${address}, a ${range} address`);
  }
}

export function isBlockedAddressError(err: unknown): err is BlockedAddressError {
  return err instanceof BlockedAddressError;
}

type Bytes = number[];

interface Cidr {
  family: 4 | 6;
  bytes: Bytes;
  bits: number;
  label: string;
}

function parseV4(text: string): Bytes | undefined {
  if (isIP(text) !== 4) return undefined;
  return text.split('.').map(Number);
}

function parseV6(text: string): Bytes | undefined {
  let t = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(t) !== 6) return undefined;
  // A trailing dotted quad (`::ffff:1.2.3.4`) becomes the two groups it stands for.
  if (t.includes('.')) {
    const colon = t.lastIndexOf(':');
    const v4 = parseV4(t.slice(colon + 1));
    if (!v4) return undefined;
    t = `${t.slice(0, colon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const [left, right] = t.split('::') as [string, string | undefined];
  const head = left ? left.split(':') : [];
  const tail = right ? right.split(':') : [];
  const groups = right === undefined ? head : [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  if (groups.length !== 8) return undefined;
  return groups.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** An address as bytes: 4 for IPv4, 16 for IPv6; undefined when the text is no IP address. */
export function parseAddress(text: string): Bytes | undefined {
  return parseV4(text) ?? parseV6(text);
}

function parseCidr(text: string, label = text): Cidr | undefined {
  const [addr, bitsText] = text.trim().split('/');
  const bytes = parseAddress(addr ?? '');
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > max || (bitsText !== undefined && !/^\d+$/.test(bitsText))) return undefined;
  return { family: bytes.length === 4 ? 4 : 6, bytes, bits, label };
}

function inCidr(bytes: Bytes, cidr: Cidr): boolean {
  if (bytes.length !== cidr.bytes.length) return false;
  for (let bit = 0; bit < cidr.bits; bit += 8) {
    const take = Math.min(8, cidr.bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[bit / 8]! & mask) !== (cidr.bytes[bit / 8]! & mask)) return false;
  }
  return true;
}

const range = (label: string, list: string[]): Cidr[] => list.map((c) => parseCidr(c, label)!);

/** Networks a server must not reach on a user's say-so (RFC 6890 special-purpose ranges). */
const BLOCKED: Cidr[] = [
  ...range('loopback', ['127.0.0.0/8', '::1/128']),
  ...range('private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']),
  ...range('link-local', ['169.254.0.0/16', 'fe80::/10']),
  ...range('shared (carrier-grade NAT)', ['100.64.0.0/10']),
  ...range('unspecified', ['0.0.0.0/8', '::/128']),
  ...range('reserved', ['192.0.0.0/24', '198.18.0.0/15', '240.0.0.0/4', 'fec0::/10', '100::/64']),
  ...range('multicast', ['224.0.0.0/4', 'ff00::/8']),
];

/** IPv6 forms that carry an IPv4 address: mapped, NAT64, 6to4 and the old compatible form. */
function embeddedV4(bytes: Bytes): Bytes | undefined {
  if (bytes.length !== 16) return undefined;
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) return bytes.slice(12);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6);
  if (zeros(0, 12) && !zeros(12, 14)) return bytes.slice(12);
  return undefined;
}

/** The special-purpose range an address is in ("loopback", "private", ...), or undefined for a public one. */
export function blockedRange(address: string): string | undefined {
  const bytes = parseAddress(address);
  if (!bytes) return 'unparsable';
  const v4 = embeddedV4(bytes);
  for (const candidate of v4 ? [bytes, v4] : [bytes]) {
    const hit = BLOCKED.find((c) => inCidr(candidate, c));
    if (hit) return hit.label;
  }
  return undefined;
}

/** Parses the operator's allow-list (comma separated), refusing entries that are neither a CIDR nor a host name. */
export function parseAllowList(text: string, name = 'allow-list'): string[] {
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  for (const e of entries) {
    if (isIP(e.split('/')[0]!.replace(/^\[|\]$/g, ''))) {
      if (!parseCidr(e.replace(/^\[|\]$/g, ''))) throw new ConfigError(`${name}: "${e}" is not a valid address or CIDR`);
    } else if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(e)) {
      throw new ConfigError(`${name}: "${e}" is neither a CIDR nor a host name`);
    }
  }
  return entries;
}

/** A config key holding an allow-list (comma-separated CIDRs and host names), validated at boot; empty by default. */
export function allowListSpec(doc: string): Spec<string> {
  return {
    parse: (raw, name) => {
      parseAllowList(raw, name);
      return raw;
    },
    fallback: '',
    doc,
  };
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

/**
 * Decides per host and per address. Host names on the allow-list pass whatever they resolve to
 * (the operator named them); everything else passes only when every address is public or allowed.
 */
/** Resolves a name to all its addresses; `dns.lookup` unless a test scripts the answers. */
export type Resolve = (host: string, family?: number) => Promise<LookupAddress[]>;

const systemResolve: Resolve = (host, family) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, family: family ?? 0 }, (err, list) => (err ? reject(err) : resolve(list))));

export class NetworkGuard {
  readonly #policy: NetworkPolicy;
  readonly #hosts: Set<string>;
  readonly #cidrs: Cidr[];
  readonly #resolve: Resolve;
  #agent: Agent | undefined;

  constructor(policy: NetworkPolicy = DENY_PRIVATE, resolve: Resolve = systemResolve) {
    this.#policy = policy;
    this.#resolve = resolve;
    this.#hosts = new Set(policy.allow.filter((e) => !e.includes('/') && !parseAddress(e)).map((e) => e.toLowerCase()));
    this.#cidrs = policy.allow.map((e) => parseCidr(e.replace(/^\[|\]$/g, ''))).filter((c): c is Cidr => c !== undefined);
  }

  /** Throws BlockedAddressError when `address` (reached for `host`) may not be called. */
  checkAddress(host: string, address: string): void {
    if (this.#policy.allowPrivate || this.#hosts.has(host.toLowerCase())) return;
    const bytes = parseAddress(address);
    if (bytes && this.#cidrs.some((c) => inCidr(bytes, c))) return;
    const blocked = blockedRange(address);
    if (blocked) throw new BlockedAddressError(host, address, blocked);
  }

  /**
   * Checks what can be known without the network: an IP literal, and `localhost` names (which
   * resolve to loopback by definition, RFC 6761). Throws BlockedAddressError.
   */
  checkUrlStatic(url: string | URL): void {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    const host = hostOf(parsed);
    if (parseAddress(host)) return this.checkAddress(host, host);
    if (host === 'localhost' || host.endsWith('.localhost')) this.checkAddress(host, '127.0.0.1');
  }

  /** The static check, then every address the host resolves to. Throws BlockedAddressError. */
  async checkUrl(url: string | URL): Promise<void> {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    this.checkUrlStatic(parsed);
    const host = hostOf(parsed);
    if (this.#policy.allowPrivate || parseAddress(host) || this.#hosts.has(host)) return;
    for (const a of await this.#resolve(host)) this.checkAddress(host, a.address);
  }

  /** A `dns.lookup` for sockets that fails the connection when the host resolves to a blocked address. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.#resolve(hostname, options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family as number | undefined)).then(
      (list) => {
        try {
          if (!list.length) throw Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
          for (const a of list) this.checkAddress(hostname, a.address);
        } catch (refused) {
          return callback(refused as NodeJS.ErrnoException, '', 0);
        }
        if (options.all) return (callback as unknown as (e: null, l: LookupAddress[]) => void)(null, list);
        callback(null, list[0]!.address, list[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };

  /**
   * `fetch` whose every connection goes through the guard, redirects included: IP literals are
   * checked by the connector (sockets skip the lookup for them), names by `lookup`.
   */
  readonly fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    this.checkUrlStatic(url);
    if (this.#policy.allowPrivate) return globalThis.fetch(input, init);
    this.#agent ??= new Agent({ connect: this.#connector() });
    return undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher: this.#agent }) as unknown as Promise<Response>;
  };

  #connector(): buildConnector.connector {
    const connect = buildConnector({ lookup: this.lookup });
    return (opts, callback) => {
      const host = opts.hostname.replace(/^\[|\]$/g, '');
      if (parseAddress(host)) {
        try {
          this.checkAddress(host, host);
        } catch (blocked) {
          return callback(blocked as Error, null);
        }
      }
      return connect(opts, callback);
    };
  }

  /** Closes the pooled connections of `fetch`. */
  async close(): Promise<void> {
    await this.#agent?.close();
  }
}

/**
 * Where provider calls may go. A model's `api_base` is user input, so by default it may not name
 * the server's own networks (loopback, private ranges, link-local with the cloud metadata service):
 * otherwise any user could make the backend call internal services. Self-hosted providers on those
 * networks (Ollama on localhost, vLLM in the cluster) need the operator to allow them.
 */
export const modelNetworkConfig = {
  MODEL_ALLOW_PRIVATE_NETWORKS: env.bool(
    false,
    'Let model endpoints (`api_base`) reach loopback, private (RFC 1918, fc00::/7), link-local and other special-purpose addresses. Off: such endpoints are refused when saved and when called. `make up` and the tests turn it on',
  ),
  MODEL_ALLOWED_NETWORKS: allowListSpec(
    'Comma-separated CIDRs, addresses or exact host names model endpoints may reach even when MODEL_ALLOW_PRIVATE_NETWORKS is off (e.g. `10.8.0.0/16,ollama.internal`)',
  ),
} satisfies ConfigSpec;

export type ModelNetworkConfig = ConfigOf<typeof modelNetworkConfig>;

/** The guard every provider call of a service goes through (`ModelCallOptions.guard` in @rag/models). */
export function modelNetworkGuard(config: ModelNetworkConfig): NetworkGuard {
  return new NetworkGuard({ allowPrivate: config.MODEL_ALLOW_PRIVATE_NETWORKS, allow: parseAllowList(config.MODEL_ALLOWED_NETWORKS) });
}
