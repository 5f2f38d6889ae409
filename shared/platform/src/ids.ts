import { randomBytes } from 'node:crypto';

// Offset between the UUID epoch (1582-10-15) and the Unix epoch, in 100 ns intervals.
const GREGORIAN_OFFSET = 122192928000000000n;
const node = randomBytes(6);
node[0] = (node[0] ?? 0) | 0x01; // multicast bit: a random node id, as RFC 4122 §4.5 asks
let clockSeq = randomBytes(2).readUInt16BE(0) & 0x3fff;
let lastTicks = 0n;

/**
 * A version-1 (time-based) UUID as 32 lowercase hex characters, like Python's `uuid1().hex`.
 * RAGFlow's validators accept only version-1 ids, so every resource id is minted here.
 */
export function uuid1(): string {
  let ticks = BigInt(Date.now()) * 10000n + GREGORIAN_OFFSET;
  if (ticks <= lastTicks) ticks = lastTicks + 1n; // several ids in one millisecond stay ordered and unique
  lastTicks = ticks;
  if (ticks === 0n) clockSeq = (clockSeq + 1) & 0x3fff;
  const timeLow = ticks & 0xffffffffn;
  const timeMid = (ticks >> 32n) & 0xffffn;
  const timeHi = ((ticks >> 48n) & 0x0fffn) | 0x1000n;
  const seq = (clockSeq & 0x3fff) | 0x8000;
  return (
    timeLow.toString(16).padStart(8, '0') +
    timeMid.toString(16).padStart(4, '0') +
    timeHi.toString(16).padStart(4, '0') +
    seq.toString(16).padStart(4, '0') +
    node.toString('hex')
  );
}

/**
 * 32 hex characters of a cryptographic random source: the shape of a uuid1 hex id, for secrets
 * (login access tokens) that must not be guessable from ids the caller has seen.
 */
export function randomHexId(): string {
  return randomBytes(16).toString('hex');
}

/** `Mon, 28 Apr 2025 18:40:41 GMT`: how RAGFlow serialises its datetime columns. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

export function newRequestId(): string {
  return randomBytes(8).toString('hex');
}
