import type { ChunkContext, ChunkDraft, ExtractedDocument, ParserConfigLike } from '../document.types.js';
import { ParseError } from '../parse-error.js';
import { lawsChunks } from './methods/laws.method.js';
import { naiveChunks } from './methods/naive.method.js';
import { qaChunks, tagChunks } from './methods/qa.method.js';
import { bookChunks, manualChunks, paperChunks } from './methods/sectioned.method.js';
import { emailChunks, oneChunk, presentationChunks, tableChunks } from './methods/whole-unit.method.js';
import { settingsOf } from './settings.js';

/** Methods whose work is done by a model, not by the parser; callers decide what to do instead. */
const NEEDS_OCR = new Set(['picture']);
const NEEDS_LLM = new Set(['knowledge_graph', 'raptor', 'graphrag', 'resume', 'audio']);

/**
 * The chunk methods of CONTRACT §5.3 over an extracted document. Never returns empty or
 * whitespace-only chunks; `tokens` is always the cl100k_base count of `content`.
 */
export function chunk(doc: ExtractedDocument, method: string, config: ParserConfigLike | null | undefined, ctx: ChunkContext): ChunkDraft[] {
  if (NEEDS_OCR.has(method)) throw new ParseError('METHOD_NEEDS_OCR', { method });
  if (NEEDS_LLM.has(method)) throw new ParseError('METHOD_NEEDS_LLM', { method });
  const s = settingsOf(config);
  const blocks = doc.blocks;
  let chunks: ChunkDraft[];
  switch (method) {
    case 'naive':
      chunks = naiveChunks(blocks, s);
      break;
    case 'book':
      chunks = bookChunks(blocks, s);
      break;
    case 'paper':
      chunks = paperChunks(blocks, s);
      break;
    case 'manual':
      chunks = manualChunks(blocks, s);
      break;
    case 'laws':
      chunks = lawsChunks(blocks, s);
      break;
    case 'qa':
      chunks = qaChunks(blocks);
      if (chunks.length === 0) throw nothingFound('qa', ctx, 'it needs question/answer pairs: a two-column table, "Q: … A: …" lines or question<TAB>answer lines');
      break;
    case 'tag':
      chunks = tagChunks(blocks);
      if (chunks.length === 0) throw nothingFound('tag', ctx, 'it needs content/tags pairs: a two-column table or content<TAB>tags lines');
      break;
    case 'table':
      chunks = tableChunks(doc, ctx.filename);
      break;
    case 'one':
      chunks = oneChunk(doc, s);
      break;
    case 'presentation':
      chunks = presentationChunks(doc, ctx.filename);
      break;
    case 'email':
      chunks = emailChunks(doc, s, ctx.filename);
      break;
    default:
      throw new ParseError('UNKNOWN_METHOD', { method });
  }
  return chunks.filter((c) => c.content.trim().length > 0);
}

function nothingFound(method: string, ctx: ChunkContext, need: string): ParseError {
  return new ParseError('NOTHING_FOUND', { method, file: ctx.filename, need });
}

/**
 * The model-driven steps a parser_config asks for after chunking (RAPTOR summaries, GraphRAG
 * extraction). The parser does not run them; the worker decides whether it can.
 */
export function modelStepsRequested(config: ParserConfigLike | null | undefined): ('raptor' | 'graphrag')[] {
  const steps: ('raptor' | 'graphrag')[] = [];
  if (config?.raptor?.use_raptor === true) steps.push('raptor');
  if (config?.graphrag?.use_graphrag === true) steps.push('graphrag');
  return steps;
}
