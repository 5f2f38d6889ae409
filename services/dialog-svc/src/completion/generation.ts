import type { ChatMessage, ChatModel, KnowledgeChunk, Usage } from '@rag/models';

/** The chat settings a completion reads (the stored dialog row, §10.1). */
export interface ChatSettings {
  id: string;
  tenant_id: string;
  kb_ids: string[];
  llm_id: string;
  llm_setting: Record<string, unknown>;
  prompt_config: {
    system?: string;
    prologue?: string;
    parameters?: { key: string; optional?: boolean }[];
    empty_response?: string;
    quote?: boolean;
    refine_multiturn?: boolean;
    [k: string]: unknown;
  };
  similarity_threshold: number;
  vector_similarity_weight: number;
  top_n: number;
  top_k: number;
  rerank_id: string;
}

/** A reference chunk as answers carry it (§12.4). */
export interface ReferenceChunk {
  id: string;
  content: string;
  document_id: string;
  document_name: string;
  dataset_id: string;
  image_id: string;
  positions: number[][];
  url: string | null;
  similarity: number;
  vector_similarity: number;
  term_similarity: number;
  doc_type: string;
}

export interface Reference {
  chunks: ReferenceChunk[];
  doc_aggs: { doc_name: string; doc_id: string; count: number }[];
  total: number;
}

export type GenerationEvent =
  | { type: 'think_start' }
  | { type: 'reasoning'; text: string }
  | { type: 'think_end' }
  | { type: 'content'; text: string }
  | { type: 'done'; answer: string; reasoning: string; reference: Reference | null; prompt: string; usage: Usage | null };

export interface RetrievalRequest {
  datasetIds: string[];
  question: string;
  topN: number;
  similarityThreshold: number;
  vectorWeight: number;
  topK: number;
  rerankId: string;
  metadataCondition?: unknown;
  documentIds?: string[];
}

export interface GenerationDeps {
  retrieve(tenantId: string, req: RetrievalRequest): Promise<Reference>;
  model(tenantId: string, ref: string): Promise<ChatModel>;
}

export interface GenerationInput {
  chat: ChatSettings;
  /** Prior turns (user/assistant), oldest first, without system messages or leading assistant turns. */
  history: ChatMessage[];
  question: string;
  /** Values for `{key}` parameters of the system prompt, besides `knowledge`. */
  variables: Record<string, string>;
  metadataCondition?: unknown;
  documentIds?: string[];
  signal?: AbortSignal;
}

/** History for the model: system turns and leading assistant turns (the opener) dropped. */
export function trimHistory(messages: { role: string; content: string }[]): ChatMessage[] {
  const out = messages.filter((m) => m.role === 'user' || m.role === 'assistant').map((m) => ({ role: m.role as 'user' | 'assistant', content: String(m.content ?? '') }));
  while (out.length && out[0]!.role === 'assistant') out.shift();
  return out;
}

/** The retrieval query of a multi-turn conversation: the question, with the previous user turn when refining. */
function retrievalQuestion(input: GenerationInput): string {
  if (!input.chat.prompt_config.refine_multiturn) return input.question;
  const previous = [...input.history].reverse().find((m) => m.role === 'user');
  return previous && previous.content !== input.question ? `${previous.content}\n${input.question}` : input.question;
}

/** Knowledge rendered as RAGFlow lays it out: `ID:` line, title, content. */
export function renderKnowledge(chunks: ReferenceChunk[]): string {
  return chunks.map((c, i) => `ID: ${i}\n├── Title: ${c.document_name}\n└── Content:\n${c.content}`).join('\n\n');
}

const CITATION_RULE =
  '\n\nWhen you use a piece of the knowledge above, cite it right after the sentence with its ID in the form [ID:n]. Do not invent IDs.';

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? values[key]! : whole));
}

const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';

/**
 * One completion: retrieve (when the chat has datasets), answer `empty_response` when nothing was
 * found and it is set, else call the chat model with the knowledge in the system prompt, streaming
 * thinking and answer text. The final `done` event carries everything a session turn stores.
 */
export async function* generate(input: GenerationInput, deps: GenerationDeps): AsyncGenerator<GenerationEvent> {
  const { chat } = input;
  const pc = chat.prompt_config;
  let reference: Reference | null = null;
  if (chat.kb_ids.length) {
    reference = await deps.retrieve(chat.tenant_id, {
      datasetIds: chat.kb_ids,
      question: retrievalQuestion(input),
      topN: chat.top_n,
      similarityThreshold: chat.similarity_threshold,
      vectorWeight: chat.vector_similarity_weight,
      topK: chat.top_k,
      rerankId: chat.rerank_id,
      ...(input.metadataCondition ? { metadataCondition: input.metadataCondition } : {}),
      ...(input.documentIds?.length ? { documentIds: input.documentIds } : {}),
    });
    if (!reference.chunks.length && pc.empty_response) {
      yield { type: 'content', text: pc.empty_response };
      yield { type: 'done', answer: pc.empty_response, reasoning: '', reference, prompt: '', usage: null };
      return;
    }
  }
  const knowledge = reference ? renderKnowledge(reference.chunks) : '';
  let system = fill(pc.system ?? '', { ...input.variables, knowledge });
  if (reference?.chunks.length && pc.quote !== false) system += CITATION_RULE;
  const messages: ChatMessage[] = [...(system ? [{ role: 'system' as const, content: system }] : []), ...input.history, { role: 'user', content: input.question }];
  const model = await deps.model(chat.tenant_id, chat.llm_id);
  const knowledgeChunks: KnowledgeChunk[] = (reference?.chunks ?? []).map((c, i) => ({ id: i, content: c.content }));
  const s = chat.llm_setting;
  const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  let answer = '';
  let reasoning = '';
  let thinking = false;
  let usage: Usage | null = null;
  for await (const d of model.stream(messages, {
    ...(num('temperature') !== undefined ? { temperature: num('temperature')! } : {}),
    ...(num('top_p') !== undefined ? { top_p: num('top_p')! } : {}),
    ...(num('max_tokens') !== undefined ? { max_tokens: num('max_tokens')! } : {}),
    ...(num('presence_penalty') !== undefined ? { presence_penalty: num('presence_penalty')! } : {}),
    ...(num('frequency_penalty') !== undefined ? { frequency_penalty: num('frequency_penalty')! } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
    knowledge: knowledgeChunks,
  })) {
    if (d.reasoning) {
      if (!thinking) {
        thinking = true;
        yield { type: 'think_start' };
      }
      reasoning += d.reasoning;
      yield { type: 'reasoning', text: d.reasoning };
    }
    if (d.content) {
      if (thinking) {
        thinking = false;
        yield { type: 'think_end' };
      }
      answer += d.content;
      yield { type: 'content', text: d.content };
    }
    if (d.usage) usage = d.usage;
  }
  if (thinking) yield { type: 'think_end' };
  yield { type: 'done', answer, reasoning, reference, prompt: messages.map((m) => `${m.role}: ${m.content}`).join('\n\n'), usage };
}

/** The assistant text a session stores: thinking kept as a literal `<think>` block. */
export function storedAnswer(answer: string, reasoning: string): string {
  return reasoning ? `${THINK_OPEN}${reasoning}${THINK_CLOSE}${answer}` : answer;
}
