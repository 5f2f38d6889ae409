/**
 * A read-only reader for Microsoft compound files (MS-CFB, "OLE2"): the container of Outlook .msg
 * files, of charts embedded in Office documents, and of password-protected OOXML files. It is
 * written defensively: every sector index and chain length is checked, so hostile files fail
 * with a `CompoundFileError` instead of looping or reading out of bounds.
 */

const SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const END_OF_CHAIN = 0xfffffffe;
const FREE = 0xffffffff;
const NO_STREAM = 0xffffffff;
const MAX_REGULAR = 0xfffffffa;

export class CompoundFileError extends Error {
  override readonly name = 'CompoundFileError';
}

export interface DirEntry {
  id: number;
  name: string;
  /** 1 storage, 2 stream, 5 root. */
  type: number;
  left: number;
  right: number;
  child: number;
  start: number;
  size: number;
}

export class CompoundFile {
  private readonly view: DataView;
  private readonly sectorSize: number;
  private readonly miniSectorSize: number;
  private readonly miniCutoff: number;
  private readonly fat: Uint32Array;
  private miniFat: Uint32Array | undefined;
  private miniStream: Uint8Array | undefined;
  readonly entries: DirEntry[];

  private constructor(private readonly data: Uint8Array) {
    if (data.length < 512 || SIGNATURE.some((b, i) => data[i] !== b)) throw new CompoundFileError('no compound file header');
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const sectorShift = this.view.getUint16(30, true);
    const miniShift = this.view.getUint16(32, true);
    if (sectorShift !== 9 && sectorShift !== 12) throw new CompoundFileError(`bad sector size 2^${sectorShift}`);
    if (miniShift !== 6) throw new CompoundFileError(`bad mini sector size 2^${miniShift}`);
    this.sectorSize = 1 << sectorShift;
    this.miniSectorSize = 1 << miniShift;
    this.miniCutoff = this.view.getUint32(56, true);
    this.fat = this.readFat();
    this.entries = this.readDirectory(this.view.getUint32(48, true));
  }

  static open(data: Uint8Array): CompoundFile {
    return new CompoundFile(data);
  }

  static isCompoundFile(data: Uint8Array): boolean {
    return data.length >= 512 && SIGNATURE.every((b, i) => data[i] === b);
  }

  private get sectorCount(): number {
    return Math.floor((this.data.length - this.sectorSize) / this.sectorSize) + 1;
  }

  private sectorOffset(sector: number): number {
    if (sector >= MAX_REGULAR || sector >= this.sectorCount) throw new CompoundFileError(`sector ${sector} is outside the file`);
    return (sector + 1) * this.sectorSize;
  }

  private readUint32s(sector: number, into: number[]): void {
    const off = this.sectorOffset(sector);
    const end = Math.min(off + this.sectorSize, this.data.length);
    for (let p = off; p + 4 <= end; p += 4) into.push(this.view.getUint32(p, true));
  }

  private readFat(): Uint32Array {
    const fatSectorCount = this.view.getUint32(44, true);
    if (fatSectorCount > this.sectorCount) throw new CompoundFileError('FAT larger than the file');
    const difat: number[] = [];
    for (let i = 0; i < 109 && difat.length < fatSectorCount; i++) difat.push(this.view.getUint32(76 + i * 4, true));
    let next = this.view.getUint32(68, true);
    let guard = 0;
    while (difat.length < fatSectorCount && next < MAX_REGULAR) {
      if (++guard > this.sectorCount) throw new CompoundFileError('DIFAT chain loops');
      const words: number[] = [];
      this.readUint32s(next, words);
      next = words.pop() ?? END_OF_CHAIN;
      for (const w of words) if (difat.length < fatSectorCount) difat.push(w);
    }
    const fat: number[] = [];
    for (const s of difat) if (s < MAX_REGULAR) this.readUint32s(s, fat);
    return Uint32Array.from(fat);
  }

  /** Sector numbers of a chain, refusing loops and out-of-range links. */
  private chain(start: number, table: Uint32Array, limit: number): number[] {
    const out: number[] = [];
    let s = start;
    while (s !== END_OF_CHAIN && s !== FREE) {
      if (s >= table.length || out.length > limit) throw new CompoundFileError(`broken sector chain at ${s}`);
      out.push(s);
      s = table[s]!;
    }
    return out;
  }

  private readRegular(start: number, size?: number): Uint8Array {
    const sectors = this.chain(start, this.fat, this.sectorCount);
    const total = sectors.length * this.sectorSize;
    const out = new Uint8Array(size === undefined ? total : Math.min(size, total));
    let pos = 0;
    for (const s of sectors) {
      if (pos >= out.length) break;
      const off = this.sectorOffset(s);
      const want = Math.min(this.sectorSize, out.length - pos);
      if (off + want > this.data.length) throw new CompoundFileError(`sector ${s} is cut off (the file is truncated)`);
      out.set(this.data.subarray(off, off + want), pos);
      pos += want;
    }
    return out;
  }

  private readDirectory(start: number): DirEntry[] {
    const raw = this.readRegular(start);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const entries: DirEntry[] = [];
    for (let off = 0, id = 0; off + 128 <= raw.length; off += 128, id++) {
      const nameLen = Math.min(dv.getUint16(off + 64, true), 64);
      const name = new TextDecoder('utf-16le').decode(raw.subarray(off, off + Math.max(nameLen - 2, 0)));
      entries.push({
        id,
        name,
        type: raw[off + 66]!,
        left: dv.getUint32(off + 68, true),
        right: dv.getUint32(off + 72, true),
        child: dv.getUint32(off + 76, true),
        start: dv.getUint32(off + 116, true),
        size: dv.getUint32(off + 120, true),
      });
    }
    if (entries[0]?.type !== 5) throw new CompoundFileError('no root entry');
    return entries;
  }

  get root(): DirEntry {
    return this.entries[0]!;
  }

  /** Direct children of a storage (the siblings form a tree; order is by name, not meaning). */
  children(storage: DirEntry): DirEntry[] {
    const out: DirEntry[] = [];
    const seen = new Set<number>();
    const stack = [storage.child];
    while (stack.length) {
      const id = stack.pop()!;
      // Entry 0 is the root: a sibling link back to it is corruption, not a child.
      if (id === NO_STREAM || id === 0 || id >= this.entries.length || seen.has(id)) continue;
      seen.add(id);
      const e = this.entries[id]!;
      out.push(e);
      stack.push(e.left, e.right);
    }
    return out.sort((a, b) => a.id - b.id);
  }

  child(storage: DirEntry, name: string): DirEntry | undefined {
    const want = name.toLowerCase();
    return this.children(storage).find((e) => e.name.toLowerCase() === want);
  }

  read(entry: DirEntry): Uint8Array {
    if (entry.type !== 2) throw new CompoundFileError(`${entry.name} is not a stream`);
    if (entry.size > this.data.length * 64) throw new CompoundFileError(`${entry.name} claims an impossible size`);
    if (entry.size >= this.miniCutoff) return this.readRegular(entry.start, entry.size);
    return this.readMini(entry.start, entry.size);
  }

  private readMini(start: number, size: number): Uint8Array {
    if (!this.miniFat || !this.miniStream) {
      const words: number[] = [];
      for (const s of this.chain(this.view.getUint32(60, true), this.fat, this.sectorCount)) this.readUint32s(s, words);
      this.miniFat = Uint32Array.from(words);
      this.miniStream = this.readRegular(this.root.start, this.root.size);
    }
    const sectors = this.chain(start, this.miniFat, this.miniFat.length);
    const out = new Uint8Array(size);
    let pos = 0;
    for (const s of sectors) {
      if (pos >= size) break;
      const off = s * this.miniSectorSize;
      if (off >= this.miniStream.length) throw new CompoundFileError(`mini sector ${s} is outside the mini stream`);
      const piece = this.miniStream.subarray(off, Math.min(off + this.miniSectorSize, off + size - pos));
      out.set(piece, pos);
      pos += piece.length;
    }
    return out.subarray(0, pos);
  }
}
