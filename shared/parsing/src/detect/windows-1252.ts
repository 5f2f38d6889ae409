/**
 * Windows-1252 decoding done by hand: Node 20's TextDecoder drops the bytes 0x80-0x9F for
 * `windows-1252`/`latin1`, which are exactly where cp1252 keeps €, curly quotes and dashes.
 * Buffer's latin1 maps every byte to the same code point; the C1 range is then remapped.
 */
const C1: Record<number, string> = {
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8a: 'Š',
  0x8b: '‹', 0x8c: 'Œ', 0x8e: 'Ž', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—',
  0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›', 0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ',
};

export function decodeWindows1252(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return /[\u0080-\u009f]/.test(text) ? text.replace(/[\u0080-\u009f]/g, (c) => C1[c.charCodeAt(0)] ?? c) : text;
}

/** Labels that mean "single-byte Western" in the wild; all are read as cp1252, as browsers do. */
export function isWesternLabel(label: string): boolean {
  return /^(windows-1252|cp1252|x-cp1252|iso-8859-1|iso8859-1|latin-?1|l1|us-ascii|ascii)$/i.test(label.trim());
}
