/**
 * A minimal compound-file (MS-CFB v3) writer for tests: Outlook .msg messages and encrypted
 * OOXML containers. Every stream goes into regular 512-byte sectors (the header's mini-stream
 * cutoff is 0, which readers honour), one FAT sector, siblings chained to the right.
 */
export interface CfbNode {
  name: string;
  data?: Uint8Array;
  children?: CfbNode[];
}

const FREE = 0xffffffff;
const END = 0xfffffffe;
const FATSECT = 0xfffffffd;
const NONE = 0xffffffff;

interface Flat {
  node: CfbNode;
  type: number;
  child: number;
  right: number;
  start: number;
  size: number;
}

export function buildCfb(children: CfbNode[]): Buffer {
  const flat: Flat[] = [{ node: { name: 'Root Entry' }, type: 5, child: NONE, right: NONE, start: END, size: 0 }];
  const add = (nodes: CfbNode[]): number => {
    const ids = nodes.map((node) => {
      flat.push({ node, type: node.children ? 1 : 2, child: NONE, right: NONE, start: END, size: node.data?.length ?? 0 });
      return flat.length - 1;
    });
    ids.forEach((id, i) => {
      flat[id]!.right = ids[i + 1] ?? NONE;
      const kids = nodes[i]!.children;
      if (kids?.length) flat[id]!.child = add(kids);
    });
    return ids[0] ?? NONE;
  };
  flat[0]!.child = add(children);

  const fat: number[] = [FATSECT];
  const dirSectors = Math.ceil((flat.length * 128) / 512);
  const dirStart = fat.length;
  for (let i = 0; i < dirSectors; i++) fat.push(i === dirSectors - 1 ? END : fat.length + 1);
  const sectors: Buffer[] = [];
  for (const f of flat) {
    const data = f.node.data;
    if (f.type !== 2 || !data || data.length === 0) continue;
    const count = Math.ceil(data.length / 512);
    f.start = fat.length;
    for (let i = 0; i < count; i++) fat.push(i === count - 1 ? END : fat.length + 1);
    const padded = Buffer.alloc(count * 512);
    padded.set(data);
    sectors.push(padded);
  }
  if (fat.length > 128) throw new Error('test CFB too large for one FAT sector');

  const header = Buffer.alloc(512);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(header, 0);
  header.writeUInt16LE(0x3e, 24);
  header.writeUInt16LE(3, 26);
  header.writeUInt16LE(0xfffe, 28);
  header.writeUInt16LE(9, 30);
  header.writeUInt16LE(6, 32);
  header.writeUInt32LE(1, 44);
  header.writeUInt32LE(dirStart, 48);
  header.writeUInt32LE(0, 56);
  header.writeUInt32LE(END, 60);
  header.writeUInt32LE(END, 68);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i === 0 ? 0 : FREE, 76 + i * 4);

  const fatSector = Buffer.alloc(512, 0xff);
  fat.forEach((v, i) => fatSector.writeUInt32LE(v, i * 4));

  const dir = Buffer.alloc(dirSectors * 512);
  flat.forEach((f, i) => {
    const off = i * 128;
    const name = Buffer.from(`${f.node.name}\0`, 'utf16le');
    name.copy(dir, off, 0, Math.min(name.length, 64));
    dir.writeUInt16LE(Math.min(name.length, 64), off + 64);
    dir[off + 66] = f.type;
    dir[off + 67] = 1;
    dir.writeUInt32LE(NONE, off + 68);
    dir.writeUInt32LE(f.right, off + 72);
    dir.writeUInt32LE(f.child, off + 76);
    dir.writeUInt32LE(f.start, off + 116);
    dir.writeUInt32LE(f.size, off + 120);
  });
  return Buffer.concat([header, fatSector, dir, ...sectors]);
}

export function utf16(text: string): Buffer {
  return Buffer.from(text, 'utf16le');
}
