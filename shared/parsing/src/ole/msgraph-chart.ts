import { decodeWindows1252 } from '../detect/windows-1252.js';
import { CompoundFile } from './compound-file.js';

/**
 * The data sheet of a legacy "Microsoft Graph" chart embedded as an OLE object (progId
 * MSGraph.Chart.8), as found in older Office files: the numbers live in a BIFF "Workbook" stream
 * of the embedded compound file as NUMBER/LABEL/RK cell records. Returns the grid (row 0 holds
 * the category labels, column 0 the series names), or undefined when the object is not a chart.
 */
export function msGraphDataSheet(ole: Uint8Array): string[][] | undefined {
  if (!CompoundFile.isCompoundFile(ole)) return undefined;
  const cfb = CompoundFile.open(ole);
  const compObj = cfb.child(cfb.root, '\u0001CompObj');
  if (!compObj || !/MSGraph|Microsoft Graph/i.test(decodeWindows1252(cfb.read(compObj)))) return undefined;
  const stream = cfb.child(cfb.root, 'Workbook') ?? cfb.child(cfb.root, 'Book');
  if (!stream) return undefined;
  const cells = readCells(cfb.read(stream));
  if (cells.size === 0) return undefined;
  const rowIds = [...cells.keys()].sort((a, b) => a - b);
  const width = Math.max(...rowIds.map((r) => Math.max(...cells.get(r)!.keys()))) + 1;
  return rowIds.map((r) => {
    const row = new Array<string>(width).fill('');
    for (const [c, v] of cells.get(r)!) row[c] = v;
    return row;
  });
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
}

/** RK: a compressed number (30-bit integer or the top of a double), optionally divided by 100. */
function decodeRk(rk: number): number {
  const div100 = (rk & 1) !== 0;
  let v: number;
  if (rk & 2) v = rk >> 2;
  else {
    const buf = new DataView(new ArrayBuffer(8));
    buf.setUint32(4, rk & 0xfffffffc, true);
    v = buf.getFloat64(0, true);
  }
  return div100 ? v / 100 : v;
}

/** A LABEL body after row/col: the layouts of BIFF2..BIFF8 differ; the one whose length adds up wins. */
function labelText(body: Uint8Array): string | undefined {
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const n = body.length;
  if (n >= 9 && 9 + dv.getUint16(7, true) === n) return decodeWindows1252(body.subarray(9));
  if (n >= 8 && 8 + body[7]! === n) return decodeWindows1252(body.subarray(8));
  if (n >= 8 && 8 + dv.getUint16(6, true) === n) return decodeWindows1252(body.subarray(8));
  if (n >= 9) {
    const len = dv.getUint16(6, true);
    const wide = (body[8]! & 1) !== 0;
    if (9 + len * (wide ? 2 : 1) === n) return wide ? new TextDecoder('utf-16le').decode(body.subarray(9)) : decodeWindows1252(body.subarray(9));
  }
  return undefined;
}

function readCells(stream: Uint8Array): Map<number, Map<number, string>> {
  const cells = new Map<number, Map<number, string>>();
  const dv = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const put = (row: number, col: number, value: string): void => {
    if (col > 255 || row > 65535) return;
    let r = cells.get(row);
    if (!r) cells.set(row, (r = new Map()));
    r.set(col, value);
  };
  for (let p = 0; p + 4 <= stream.length; ) {
    const type = dv.getUint16(p, true);
    const len = dv.getUint16(p + 2, true);
    const body = stream.subarray(p + 4, p + 4 + len);
    p += 4 + len;
    if (body.length !== len || len < 4) continue;
    const bv = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const row = bv.getUint16(0, true);
    const col = bv.getUint16(2, true);
    if ((type === 0x0003 || type === 0x0203) && len >= 14) put(row, col, formatNumber(bv.getFloat64(len - 8, true)));
    else if (type === 0x027e && len >= 10) put(row, col, formatNumber(decodeRk(bv.getInt32(6, true))));
    else if (type === 0x0004 || type === 0x0204) {
      const text = labelText(body);
      if (text !== undefined) put(row, col, text);
    }
  }
  return cells;
}
