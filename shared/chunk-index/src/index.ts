export * from './chunk-index.js';
export { chunkId } from './chunk-id.js';
export { rankCandidates, pageOf, cosine, normalized, type Candidate, type Scored, type ScoringParams } from './scoring.js';
export { highlight } from './text/highlight.js';
export { porterStem } from './text/porter.js';
export { queryTerms, titleTokens, contentTokens, STOPWORDS, type QueryTerm } from './text/tokenize.js';
export { SqliteChunkIndex, DEFAULT_COLUMN_WEIGHTS, type ColumnWeights, type SqliteChunkIndexOptions } from './sqlite/sqlite-chunk-index.js';
export { ElasticsearchChunkIndex, type ElasticsearchChunkIndexOptions } from './elasticsearch/es-chunk-index.js';
export { DEFAULT_FIELD_BOOSTS, type FieldBoosts } from './elasticsearch/es-requests.js';
