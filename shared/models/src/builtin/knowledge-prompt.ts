import type { ChatMessage, KnowledgeChunk } from '../types.js';

/**
 * Reading retrieved knowledge out of a prompt, for callers that cannot pass `opts.knowledge`.
 *
 * Convention: in a system message, each chunk starts with a line `ID: <id>`; the chunk's text is
 * every following line up to the next `ID:` line or the end of the message. Inside a chunk,
 * metadata lines `Title:`, `URL:`, `Document:` or `Source:` are skipped and a `Content:` label is
 * removed — optionally behind tree glyphs (`├──`, `└──`, `│`), as in RAGFlow's knowledge layout:
 *
 *     ID: 3
 *     ├── Title: handbook.pdf
 *     └── Content:
 *     The warranty lasts two years.
 *
 * A line `--- end of knowledge ---` (any number of dashes) closes the knowledge early, for prompts
 * that put instructions after it.
 */
const ID_LINE = /^\s*ID:\s*(\S+)\s*$/;
const GLYPHS = /^[\s│├└─|>-]*/;
const METADATA = /^(Title|URL|Document|Source)\s*:/i;
const CONTENT_LABEL = /^Content\s*:\s*/i;
const END = /^\s*-{3,}\s*end of knowledge\s*-{3,}\s*$/i;

export function knowledgeFromPrompt(messages: readonly ChatMessage[]): KnowledgeChunk[] {
  const chunks: KnowledgeChunk[] = [];
  for (const message of messages) {
    if (message.role !== 'system') continue;
    let current: { id: string; lines: string[] } | undefined;
    const close = () => {
      const content = current?.lines.join('\n').trim();
      if (current && content) chunks.push({ id: current.id, content });
      current = undefined;
    };
    for (const line of message.content.split(/\r?\n/)) {
      const id = ID_LINE.exec(line);
      if (id) {
        close();
        current = { id: id[1]!, lines: [] };
        continue;
      }
      if (END.test(line)) {
        close();
        continue;
      }
      if (!current) continue;
      const bare = line.replace(GLYPHS, '');
      if (METADATA.test(bare)) continue;
      current.lines.push(CONTENT_LABEL.test(bare) ? bare.replace(CONTENT_LABEL, '') : line);
    }
    close();
  }
  return chunks;
}
