import { decodeWindows1252 } from '../detect/windows-1252.js';
import type { ExtractedDocument } from '../document.types.js';
import { textBlocks } from './plain-text.extractor.js';

/**
 * Rich Text Format → plain text. RTF is text with control words; reading it means following the
 * group nesting, dropping destinations that are not body text (font and colour tables, style
 * sheets, pictures, document info, field instructions), and decoding `\'hh` bytes in the
 * document's code page and `\uN` characters (with their `\ucN` fallback characters skipped).
 */

const SKIP_DESTINATIONS = new Set([
  'fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'object', 'header', 'headerl', 'headerr', 'headerf', 'footer',
  'footerl', 'footerr', 'footerf', 'fldinst', 'themedata', 'colorschememapping', 'latentstyles', 'datastore',
  'xmlnstbl', 'listtable', 'listoverridetable', 'rsidtbl', 'generator', 'filetbl', 'revtbl', 'pgdsctbl', 'bkmkstart',
  'bkmkend', 'nonshppict', 'shppict', 'template', 'mmathPr', 'wgrffmtfilter', 'defchp', 'defpap', 'operator', 'author',
]);

const SYMBOLS: Record<string, string> = {
  par: '\n', line: '\n', sect: '\n\n', page: '\n\n', tab: '\t', cell: ' | ', row: '\n', emdash: '—', endash: '–',
  bullet: '•', lquote: '‘', rquote: '’', ldblquote: '“', rdblquote: '”', emspace: ' ', enspace: ' ', qmspace: ' ',
};

interface GroupState {
  skip: boolean;
  uc: number;
}

type Decoder = (bytes: Uint8Array) => string;

function decoderFor(codepage: number): Decoder {
  if (codepage === 1252 || codepage === 28591) return decodeWindows1252;
  const label = codepage === 65001 ? 'utf-8' : codepage === 936 ? 'gbk' : codepage === 932 ? 'shift_jis' : codepage === 950 ? 'big5' : `windows-${codepage}`;
  try {
    const d = new TextDecoder(label);
    return (bytes) => d.decode(bytes);
  } catch {
    return decodeWindows1252;
  }
}

export function rtfToText(src: string): string {
  const out: string[] = [];
  const stack: GroupState[] = [];
  let state: GroupState = { skip: false, uc: 1 };
  let decoder = decoderFor(1252);
  let bytes: number[] = [];
  let skipChars = 0;
  const flushBytes = (): void => {
    if (bytes.length && !state.skip) out.push(decoder(Uint8Array.from(bytes)));
    bytes = [];
  };
  const emit = (text: string): void => {
    flushBytes();
    if (!state.skip) out.push(text);
  };

  let i = 0;
  const n = src.length;
  while (i < n) {
    const ch = src[i]!;
    if (ch === '{') {
      flushBytes();
      stack.push(state);
      state = { ...state };
      i++;
      continue;
    }
    if (ch === '}') {
      flushBytes();
      state = stack.pop() ?? { skip: false, uc: 1 };
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      i++;
      continue;
    }
    if (ch !== '\\') {
      if (skipChars > 0) skipChars--;
      else emit(ch);
      i++;
      continue;
    }
    const next = src[i + 1] ?? '';
    if (next === "'") {
      const byte = parseInt(src.slice(i + 2, i + 4), 16);
      i += 4;
      if (skipChars > 0) skipChars--;
      else if (Number.isFinite(byte)) bytes.push(byte);
      continue;
    }
    if (!/[a-zA-Z]/.test(next)) {
      i += 2;
      if (next === '*') state.skip = true;
      else if (next === '\\' || next === '{' || next === '}') emit(next);
      else if (next === '~') emit(' ');
      else if (next === '_') emit('-');
      else if (next === '\n' || next === '\r') emit('\n');
      continue;
    }
    const m = /^([a-zA-Z]{1,32})(-?\d{1,10})? ?/.exec(src.slice(i + 1, i + 48))!;
    i += 1 + m[0].length;
    const word = m[1]!;
    const param = m[2] === undefined ? undefined : Number(m[2]);
    if (SKIP_DESTINATIONS.has(word)) {
      flushBytes();
      state.skip = true;
    } else if (word === 'u' && param !== undefined) {
      emit(String.fromCharCode(param < 0 ? param + 65536 : param));
      skipChars = state.uc;
    } else if (word === 'uc' && param !== undefined) state.uc = param;
    else if (word === 'ansicpg' && param !== undefined) decoder = decoderFor(param);
    else if (word in SYMBOLS) emit(SYMBOLS[word]!);
  }
  flushBytes();
  return out.join('');
}

export function extractRtf(data: Uint8Array): ExtractedDocument {
  // RTF is 7-bit by definition (other bytes are escaped); a stray 8-bit byte is read as cp1252.
  const text = rtfToText(decodeWindows1252(data));
  // Table rows end with a cell mark; the trailing separator says nothing.
  const cleaned = text.replace(/ \| *(?=\n|$)/g, '').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n');
  return { type: 'text', blocks: textBlocks(cleaned) };
}
