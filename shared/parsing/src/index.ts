export { chunk, modelStepsRequested } from './chunking/chunk.js';
export { extract } from './extract.js';
export { ParseError, ParseErrorRegistry, isParseError, type ParseErrorCode, type ParseErrorReason } from './parse-error.js';
export { countTokens, decode, encode, tokenizeForIndex, truncate } from './tokenizer.js';
export type {
  Block,
  BlockKind,
  ChunkContext,
  ChunkDraft,
  DocumentType,
  ExtractOptions,
  ExtractedDocument,
  ParserConfigLike,
  Position,
} from './document.types.js';
