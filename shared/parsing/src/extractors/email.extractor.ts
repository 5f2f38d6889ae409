import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import type { Block, ExtractedDocument } from '../document.types.js';
import { decodeText } from '../detect/text-decode.js';
import { ParseError, errorDetail } from '../parse-error.js';
import { emailHeaderBlock } from './email-header.js';
import { htmlToBlocks } from './html.extractor.js';
import { textBlocks } from './plain-text.extractor.js';
import { appendAll } from '../append-all.js';

/** Forwarded messages inside messages: deep enough for real mail, bounded against crafted files. */
const MAX_NESTING = 3;
/** Text attachments up to this size are read into the document; larger ones are only listed. */
const MAX_TEXT_ATTACHMENT = 2 * 1024 * 1024;
const TEXT_ATTACHMENT = /^text\/(plain|csv|markdown|x-markdown|tab-separated-values)$/i;

function addresses(value: AddressObject | AddressObject[] | undefined): string | undefined {
  if (!value) return undefined;
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(', ') || undefined;
}

function attachmentName(a: Attachment, i: number): string {
  if (a.filename) return a.filename;
  return a.contentType === 'message/rfc822' ? `attached message ${i + 1}` : `attachment ${i + 1} (${a.contentType})`;
}

async function messageBlocks(mail: ParsedMail, depth: number, warnings: string[]): Promise<Block[]> {
  const blocks: Block[] = [];
  const header = emailHeaderBlock({
    subject: mail.subject,
    from: addresses(mail.from),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    ...(mail.date ? { date: mail.date } : {}),
    attachments: mail.attachments.map(attachmentName),
  });
  if (header) blocks.push(header);
  // The plain-text part is what the sender wrote; HTML is read only when it is the sole body.
  if (mail.text?.trim()) appendAll(blocks, textBlocks(mail.text));
  else if (typeof mail.html === 'string' && mail.html.trim()) appendAll(blocks, htmlToBlocks(mail.html).blocks);

  for (const [i, a] of mail.attachments.entries()) {
    const name = attachmentName(a, i);
    if (a.contentType === 'message/rfc822' && depth < MAX_NESTING) {
      try {
        const inner = await simpleParser(a.content, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
        blocks.push({ kind: 'heading', text: `Attachment: ${name}`, level: 2 }, ...(await messageBlocks(inner, depth + 1, warnings)));
      } catch (err) {
        warnings.push(`Attachment ${name} could not be read: ${errorDetail(err)}`);
      }
    } else if (TEXT_ATTACHMENT.test(a.contentType) && a.size <= MAX_TEXT_ATTACHMENT) {
      const body = textBlocks(decodeText(a.content));
      if (body.length) blocks.push({ kind: 'heading', text: `Attachment: ${name}`, level: 2 }, ...body);
    }
  }
  return blocks;
}

export async function extractEmail(data: Buffer): Promise<ExtractedDocument> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(data, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  } catch (err) {
    throw new ParseError('EMAIL_INVALID', { detail: errorDetail(err) }, { cause: err });
  }
  const warnings: string[] = [];
  const blocks = await messageBlocks(mail, 0, warnings);
  return { type: 'email', ...(mail.subject ? { title: mail.subject } : {}), blocks, ...(warnings.length ? { warnings } : {}) };
}
