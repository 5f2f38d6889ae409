import { constants, crc32, deflateRawSync } from 'node:zlib';

/**
 * A hand-written zip container for tests that need archives no zip library would write: entries
 * whose headers declare sizes that are not the real ones, and directory entries that share one
 * compressed stream (the overlapping-files bomb).
 */
export interface RawZipEntry {
  name: string;
  /** The bytes stored for the entry: a raw deflate stream (method 8) or the data itself (method 0). */
  body: Buffer;
  method: 0 | 8;
  /** What the headers claim; default the truth for compressed size, body length for uncompressed. */
  declaredUncompressed?: number;
  declaredCompressed?: number;
  crc?: number;
  /** Index of an earlier entry whose local header and data this one points at (no data of its own). */
  sharesDataWith?: number;
}

function localHeader(e: RawZipEntry, compressed: number, uncompressed: number, crc: number): Buffer {
  const name = Buffer.from(e.name, 'utf8');
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4); // version needed
  h.writeUInt16LE(0x0800, 6); // UTF-8 names
  h.writeUInt16LE(e.method, 8);
  h.writeUInt32LE(crc >>> 0, 14);
  h.writeUInt32LE(compressed >>> 0, 18);
  h.writeUInt32LE(uncompressed >>> 0, 22);
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name]);
}

function centralHeader(e: RawZipEntry, compressed: number, uncompressed: number, crc: number, offset: number): Buffer {
  const name = Buffer.from(e.name, 'utf8');
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(20, 4); // version made by
  h.writeUInt16LE(20, 6); // version needed
  h.writeUInt16LE(0x0800, 8);
  h.writeUInt16LE(e.method, 10);
  h.writeUInt32LE(crc >>> 0, 16);
  h.writeUInt32LE(compressed >>> 0, 20);
  h.writeUInt32LE(uncompressed >>> 0, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE(offset >>> 0, 42);
  return Buffer.concat([h, name]);
}

export function buildZip(entries: RawZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  entries.forEach((e, i) => {
    const compressed = e.declaredCompressed ?? e.body.length;
    const uncompressed = e.declaredUncompressed ?? e.body.length;
    const crc = e.crc ?? 0;
    let offset: number;
    if (e.sharesDataWith !== undefined) offset = offsets[e.sharesDataWith]!;
    else {
      offset = at;
      const local = localHeader(e, compressed, uncompressed, crc);
      parts.push(local, e.body);
      at += local.length + e.body.length;
    }
    offsets[i] = offset;
    central.push(centralHeader(e, compressed, uncompressed, crc, offset));
  });
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(at, 16);
  return Buffer.concat([...parts, directory, end]);
}

/** An entry holding `text`, deflated, with truthful headers. */
export function deflatedEntry(name: string, text: string): RawZipEntry {
  const data = Buffer.from(text, 'utf8');
  return { name, body: deflateRawSync(data), method: 8, declaredUncompressed: data.length, crc: crc32(data) };
}

/**
 * A raw deflate stream that inflates to `mebibytes` MiB of zeros, built in a few milliseconds: one
 * MiB compressed with a full flush (non-final, self-contained blocks) repeated, then a final empty
 * block. About 1 KB per MiB.
 */
export function zerosDeflateStream(mebibytes: number): Buffer {
  const piece = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: constants.Z_FULL_FLUSH });
  const finalBlock = Buffer.from([0x03, 0x00]);
  return Buffer.concat([...Array<Buffer>(mebibytes).fill(piece), finalBlock]);
}
