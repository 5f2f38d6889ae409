import type { Block } from '../document.types.js';

export interface EmailHeader {
  subject?: string;
  from?: string;
  to?: string;
  cc?: string;
  date?: Date;
  attachments: string[];
}

function formatDate(d: Date): string | undefined {
  return Number.isNaN(d.getTime()) ? undefined : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `Subject: …` / `From: …` / `To: …` / `Cc: …` / `Date: …` / `Attachments: …`, missing fields left out. */
export function emailHeaderBlock(h: EmailHeader): Block | undefined {
  const lines: string[] = [];
  const add = (label: string, value: string | undefined): void => {
    const clean = value?.replace(/\s+/g, ' ').trim();
    if (clean) lines.push(`${label}: ${clean}`);
  };
  add('Subject', h.subject);
  add('From', h.from);
  add('To', h.to);
  add('Cc', h.cc);
  add('Date', h.date ? formatDate(h.date) : undefined);
  add('Attachments', h.attachments.join(', '));
  return lines.length ? { kind: 'email_header', text: lines.join('\n') } : undefined;
}
