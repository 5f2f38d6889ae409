import { decodeWindows1252 } from '../detect/windows-1252.js';
import type { Block, ExtractedDocument } from '../document.types.js';
import { CompoundFile, type DirEntry } from '../ole/compound-file.js';
import { emailHeaderBlock } from './email-header.js';
import { htmlToBlocks } from './html.extractor.js';
import { textBlocks } from './plain-text.extractor.js';
import { appendAll } from '../append-all.js';

/**
 * Outlook .msg (MS-OXMSG): a compound file whose MAPI properties are streams named
 * `__substg1.0_<id><type>`; fixed-size ones (dates) sit in `__properties_version1.0`.
 */
const PROP = {
  subject: 0x0037,
  submitTime: 0x0039,
  senderName: 0x0c1a,
  senderEmail: 0x0c1f,
  senderSmtp: 0x5d01,
  displayCc: 0x0e03,
  displayTo: 0x0e04,
  deliveryTime: 0x0e06,
  body: 0x1000,
  bodyHtml: 0x1013,
  attachLongName: 0x3707,
  attachName: 0x3704,
} as const;

const PT_STRING8 = 0x001e;
const PT_UNICODE = 0x001f;
const PT_BINARY = 0x0102;
const PT_SYSTIME = 0x0040;

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

class MsgStorage {
  constructor(
    private readonly cfb: CompoundFile,
    private readonly entry: DirEntry,
  ) {}

  private stream(id: number, type: number): Uint8Array | undefined {
    const e = this.cfb.child(this.entry, `__substg1.0_${hex4(id)}${hex4(type)}`);
    return e && e.type === 2 ? this.cfb.read(e) : undefined;
  }

  string(id: number): string | undefined {
    const wide = this.stream(id, PT_UNICODE);
    if (wide) return new TextDecoder('utf-16le').decode(wide).replace(/\0+$/, '');
    const narrow = this.stream(id, PT_STRING8);
    if (narrow) return decodeWindows1252(narrow).replace(/\0+$/, '');
    return undefined;
  }

  binary(id: number): Uint8Array | undefined {
    return this.stream(id, PT_BINARY);
  }

  /** A PT_SYSTIME property from the fixed-size property stream (header: 32 bytes top-level, 8 elsewhere). */
  time(id: number, headerSize: number): Date | undefined {
    const e = this.cfb.child(this.entry, '__properties_version1.0');
    if (!e || e.type !== 2) return undefined;
    const raw = this.cfb.read(e);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let p = headerSize; p + 16 <= raw.length; p += 16) {
      const tag = dv.getUint32(p, true);
      if (tag >>> 16 !== id || (tag & 0xffff) !== PT_SYSTIME) continue;
      // FILETIME: 100 ns ticks since 1601-01-01.
      const ticks = dv.getBigUint64(p + 8, true);
      const ms = Number(ticks / 10_000n) - 11_644_473_600_000;
      return Number.isFinite(ms) && ms > 0 ? new Date(ms) : undefined;
    }
    return undefined;
  }

  storages(prefix: string): MsgStorage[] {
    return this.cfb
      .children(this.entry)
      .filter((e) => e.type === 1 && e.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => new MsgStorage(this.cfb, e));
  }
}

export function isOutlookMessage(cfb: CompoundFile): boolean {
  return cfb.children(cfb.root).some((e) => e.name.startsWith('__substg1.0_') || e.name === '__properties_version1.0');
}

export function extractMsg(cfb: CompoundFile): ExtractedDocument {
  const msg = new MsgStorage(cfb, cfb.root);
  const attachments = msg
    .storages('__attach_version1.0_')
    .map((a, i) => a.string(PROP.attachLongName) ?? a.string(PROP.attachName) ?? `attachment ${i + 1}`);
  const senderName = msg.string(PROP.senderName);
  const senderEmail = msg.string(PROP.senderSmtp) ?? msg.string(PROP.senderEmail);
  const from = senderName && senderEmail && senderName !== senderEmail ? `${senderName} <${senderEmail}>` : (senderName ?? senderEmail);
  const subject = msg.string(PROP.subject);
  const date = msg.time(PROP.submitTime, 32) ?? msg.time(PROP.deliveryTime, 32);
  const blocks: Block[] = [];
  const header = emailHeaderBlock({
    subject,
    from,
    to: msg.string(PROP.displayTo),
    cc: msg.string(PROP.displayCc),
    ...(date ? { date } : {}),
    attachments,
  });
  if (header) blocks.push(header);
  const body = msg.string(PROP.body);
  if (body?.trim()) appendAll(blocks, textBlocks(body));
  else {
    const html = msg.binary(PROP.bodyHtml) ?? undefined;
    const htmlText = html ? new TextDecoder('utf-8').decode(html) : msg.string(PROP.bodyHtml);
    if (htmlText?.trim()) appendAll(blocks, htmlToBlocks(htmlText).blocks);
  }
  return { type: 'email', ...(subject ? { title: subject } : {}), blocks };
}
