/**
 * Retrieval: searches datasets through the retrieval port and adds the chunks to the run's citation
 * store (AGENTS.md §6.2, §3.10).
 */
import { citationNumber } from '../context.js';
import { list, num, retrievalPort, str, type ComponentSpec, type RunContext } from '../component.js';
import { render } from '../refs.js';
import type { RetrievedChunk } from '../types.js';

const refEntries = (params: Record<string, unknown>) => list(params.kb_ids).filter((id): id is string => typeof id === 'string' && id.includes('@'));

function datasetsOf(ctx: RunContext): string[] {
  const out: string[] = [];
  for (const entry of list(ctx.node.params.kb_ids)) {
    if (typeof entry !== 'string' || !entry) continue;
    if (!entry.includes('@')) {
      out.push(entry);
      continue;
    }
    const value = ctx.resolve(entry);
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string' && v) out.push(v);
  }
  return out;
}

export function formalize(chunks: RetrievedChunk[]): string {
  return chunks.map((c) => [`ID: ${citationNumber(c.id)}`, `├── Title: ${c.document_name}`, ...(typeof c.url === 'string' && c.url ? [`├── URL: ${c.url}`] : []), `└── Content:\n${c.content}`].join('\n')).join('\n\n');
}

export const Retrieval: ComponentSpec = {
  type: 'Retrieval',
  defaults: () => ({ query: '', kb_ids: [], similarity_threshold: 0.2, keywords_similarity_weight: 0.5, top_n: 8, top_k: 1024, rerank_id: '', empty_response: '' }),
  timeoutMs: 12_000,
  retries: true,
  check(params) {
    const reasons: string[] = [];
    if (!Array.isArray(params.kb_ids)) reasons.push('kb_ids must be a list');
    const t = num(params.similarity_threshold, -1);
    if (t < 0 || t > 1) reasons.push('similarity_threshold must be in [0, 1]');
    const w = num(params.keywords_similarity_weight, -1);
    if (w < 0 || w > 1) reasons.push('keywords_similarity_weight must be in [0, 1]');
    if (num(params.top_n, 0) <= 0) reasons.push('top_n must be a positive number');
    if (num(params.top_k, 0) <= 0) reasons.push('top_k must be a positive number');
    return reasons;
  },
  otherTextFields: (params) => [str(params.query)],
  refFields: (params) => refEntries(params),
  outputNames: () => ['formalized_content', 'json'],
  async run(ctx) {
    const { params } = ctx.node;
    const query = await ctx.renderText(str(params.query), render.query);
    const datasets = datasetsOf(ctx);
    ctx.node.inputs.query = query;
    if (!query.trim() || !datasets.length) {
      ctx.node.outputs.formalized_content = str(params.empty_response);
      ctx.node.outputs.json = [];
      return;
    }
    const chunks = await retrievalPort(ctx).retrieve({
      query,
      datasets,
      topN: num(params.top_n, 8),
      topK: num(params.top_k, 1024),
      similarityThreshold: num(params.similarity_threshold, 0.2),
      keywordsSimilarityWeight: num(params.keywords_similarity_weight, 0.5),
      rerankId: str(params.rerank_id) || null,
      signal: ctx.signal,
    });
    ctx.addReference(chunks);
    ctx.node.outputs.json = chunks;
    ctx.node.outputs.formalized_content = chunks.length ? formalize(chunks) : str(params.empty_response);
  },
};
