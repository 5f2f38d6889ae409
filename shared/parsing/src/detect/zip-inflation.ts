import { createInflateRaw } from 'node:zlib';

/**
 * How many bytes a zip archive really inflates to, measured by inflating it (output discarded,
 * memory bounded by one chunk) rather than believed from the sizes its headers declare: a zip bomb
 * declares small sizes and inflates to gigabytes, or points many directory entries at one
 * compressed stream. Counting stops as soon as the budget is passed.
 *
 * Each central-directory entry is measured from its local header, the way the Office libraries
 * will read it: stored entries count their bytes, deflated ones are inflated with zlib, other
 * methods (which those libraries cannot read either) count nothing.
 */

export class ZipStructureError extends Error {
  override readonly name = 'ZipStructureError';
}

interface Entry {
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;
const U32_MAX = 0xffffffff;
const STORED = 0;
const DEFLATED = 8;
const INFLATE_CHUNK = 256 * 1024;

function u64(data: Buffer, at: number): number {
  const value = data.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipStructureError('zip64 field out of range');
  return Number(value);
}

function findEndOfCentralDirectory(data: Buffer): number {
  const stop = Math.max(0, data.length - 22 - MAX_COMMENT);
  for (let at = data.length - 22; at >= stop; at--) if (data.readUInt32LE(at) === EOCD) return at;
  throw new ZipStructureError('no end of central directory');
}

/**
 * Where the central directory starts, how many entries it has (zip64 aware), and by how much every
 * recorded offset is off: an archive with bytes prepended (a self-extractor stub) records offsets
 * from its own start, which jszip accepts and so must we.
 */
function centralDirectory(data: Buffer): { offset: number; count: number; shift: number } {
  const eocd = findEndOfCentralDirectory(data);
  let count = data.readUInt16LE(eocd + 10);
  let size = data.readUInt32LE(eocd + 12);
  let offset = data.readUInt32LE(eocd + 16);
  let end = eocd;
  if ((count === 0xffff || offset === U32_MAX || size === U32_MAX) && eocd >= 20 && data.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const z = u64(data, eocd - 20 + 8);
    if (z + 56 > data.length || data.readUInt32LE(z) !== ZIP64_EOCD) throw new ZipStructureError('bad zip64 end record');
    count = u64(data, z + 32);
    size = u64(data, z + 40);
    offset = u64(data, z + 48);
    end = z;
  }
  const at = (o: number) => o >= 0 && o + 4 <= data.length && data.readUInt32LE(o) === CENTRAL;
  const shift = count === 0 || at(offset) ? 0 : end - size - offset;
  if (count > 0 && !at(offset + shift)) throw new ZipStructureError('central directory not found');
  return { offset: offset + shift, count, shift };
}

/** The zip64 extra field's values, for the fields the fixed header set to 0xFFFFFFFF. */
function zip64Extra(data: Buffer, from: number, to: number, wanted: { uncompressed: boolean; compressed: boolean; offset: boolean }) {
  for (let at = from; at + 4 <= to; ) {
    const id = data.readUInt16LE(at);
    const size = data.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let p = at + 4;
      const take = () => {
        if (p + 8 > at + 4 + size) throw new ZipStructureError('short zip64 extra field');
        const v = u64(data, p);
        p += 8;
        return v;
      };
      const uncompressed = wanted.uncompressed ? take() : undefined;
      const compressed = wanted.compressed ? take() : undefined;
      const offset = wanted.offset ? take() : undefined;
      return { uncompressed, compressed, offset };
    }
    at += 4 + size;
  }
  return {};
}

function entries(data: Buffer): Entry[] {
  const { offset, count, shift } = centralDirectory(data);
  const out: Entry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== CENTRAL) throw new ZipStructureError('bad central directory entry');
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    let compressedSize = data.readUInt32LE(at + 20);
    let localHeaderOffset = data.readUInt32LE(at + 42);
    const extraFrom = at + 46 + nameLength;
    const big = { uncompressed: data.readUInt32LE(at + 24) === U32_MAX, compressed: compressedSize === U32_MAX, offset: localHeaderOffset === U32_MAX };
    if (big.uncompressed || big.compressed || big.offset) {
      const z = zip64Extra(data, extraFrom, Math.min(data.length, extraFrom + extraLength), big);
      compressedSize = z.compressed ?? compressedSize;
      localHeaderOffset = z.offset ?? localHeaderOffset;
    }
    out.push({ method: data.readUInt16LE(at + 10), compressedSize, localHeaderOffset: localHeaderOffset + shift });
    at = extraFrom + extraLength + commentLength;
  }
  return out;
}

/** The compressed bytes of an entry, as a reader that trusts its local header would take them. */
function entryData(data: Buffer, e: Entry): Buffer {
  const at = e.localHeaderOffset;
  if (at + 30 > data.length || data.readUInt32LE(at) !== LOCAL) throw new ZipStructureError('bad local header');
  const start = at + 30 + data.readUInt16LE(at + 26) + data.readUInt16LE(at + 28);
  // A declared size past the end of the file is cut to the file: zlib stops at the stream's end anyway.
  return data.subarray(Math.min(start, data.length), Math.min(data.length, start + e.compressedSize));
}

/** Inflates one raw deflate stream, counting output; resolves with the count, stopping past `budget`. */
function inflateCount(input: Buffer, budget: number): Promise<number> {
  return new Promise((resolve) => {
    const inflater = createInflateRaw({ chunkSize: INFLATE_CHUNK });
    let total = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inflater.destroy();
      resolve(total);
    };
    inflater.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > budget) finish();
    });
    // A broken stream counts what came out of it; the Office library will report the damage.
    inflater.on('error', finish);
    inflater.on('end', finish);
    inflater.on('close', finish);
    inflater.end(input);
  });
}

/**
 * Bytes the archive inflates to, counted up to `budget + 1`: a result above `budget` means "more
 * than the budget". Throws ZipStructureError when the directory cannot be read.
 */
export async function measureInflatedSize(data: Buffer, budget: number, signal?: AbortSignal): Promise<number> {
  let total = 0;
  for (const e of entries(data)) {
    signal?.throwIfAborted();
    const body = entryData(data, e);
    if (e.method === STORED) total += body.length;
    else if (e.method === DEFLATED) total += await inflateCount(body, budget - total);
    if (total > budget) return total;
  }
  return total;
}
