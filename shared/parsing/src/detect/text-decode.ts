import { decodeWindows1252, isWesternLabel } from './windows-1252.js';

/**
 * Bytes → string for the text formats. Uploads come from anywhere: UTF-8 (with or without BOM) is
 * the norm, UTF-16 appears from Windows tools, and legacy files are GB18030 (Chinese) or
 * Windows-1252 (everything else). Decoding never throws.
 */

function tryDecode(label: string, data: Uint8Array, fatal: boolean): string | undefined {
  try {
    return new TextDecoder(label, { fatal }).decode(data);
  } catch {
    return undefined;
  }
}

export function decodeText(data: Uint8Array, declaredCharset?: string): string {
  if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return tryDecode('utf-8', data.subarray(3), false) ?? '';
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) return tryDecode('utf-16le', data.subarray(2), false) ?? '';
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) return tryDecode('utf-16be', data.subarray(2), false) ?? '';
  if (declaredCharset && !/^utf-?8$/i.test(declaredCharset)) {
    // A page declaring latin1 is usually UTF-8 or cp1252 in practice; only cp1252 is decoded by hand.
    const declared = isWesternLabel(declaredCharset) ? (tryDecode('utf-8', data, true) ?? decodeWindows1252(data)) : tryDecode(declaredCharset, data, true);
    if (declared !== undefined) return declared;
  }
  const utf8 = tryDecode('utf-8', data, true);
  if (utf8 !== undefined) return utf8;
  // Invalid UTF-8: GB18030 decodes any byte string, so only trust it when it yields mostly Han text.
  const gb = tryDecode('gb18030', data, true);
  if (gb !== undefined && hanShare(gb) > 0.3) return gb;
  return decodeWindows1252(data);
}

function hanShare(text: string): number {
  let high = 0;
  let han = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) continue;
    high++;
    if (cp >= 0x4e00 && cp <= 0x9fff) han++;
  }
  return high === 0 ? 0 : han / high;
}

/**
 * A NUL byte in the first 8 KB means binary data (text files never contain NUL), unless the
 * file is UTF-16, where every ASCII character carries one.
 */
export function looksBinary(data: Uint8Array): boolean {
  if (data.length >= 2 && ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff))) return false;
  const end = Math.min(data.length, 8192);
  for (let i = 0; i < end; i++) if (data[i] === 0) return true;
  return false;
}

/** The charset an HTML page declares in its first bytes (`<meta charset>` or http-equiv). */
export function sniffHtmlCharset(data: Uint8Array): string | undefined {
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 4096)).toString('latin1');
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)/i.exec(head) ?? /<\?xml[^>]+encoding\s*=\s*["']([\w-]+)/i.exec(head);
  return m?.[1];
}
