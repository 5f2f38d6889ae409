import { BUILTIN_ANSWERER } from '@rag/contracts';
import { ModelErrors } from '../model-error.js';
import { estimateMessageTokens, estimateTokens } from '../token-count.js';
import type { ChatCompletion, ChatDelta, ChatMessage, ChatModel, ChatOptions, KnowledgeChunk } from '../types.js';
import { cosine } from '../vector-math.js';
import { hashingVector } from './hashing-embedder.js';
import { knowledgeFromPrompt } from './knowledge-prompt.js';
import { contentTerms, STOPWORDS } from './text-features.js';

export const NO_KNOWLEDGE_ANSWER = 'No knowledge base content was provided, so I cannot answer this question.';
export const NOTHING_RELEVANT_ANSWER = 'I could not find anything relevant to this question in the knowledge base.';

export interface ExtractiveAnswererOptions {
  /** Most sentences in one answer. Default 3. */
  maxSentences?: number;
}

/**
 * A chat model without a language model: it answers by quoting the knowledge it is given. It takes
 * the sentences of the retrieved chunks most similar to the last user message (shared terms
 * weighted by rarity, plus the hashing embedder's cosine), puts up to `maxSentences` of them together,
 * each followed by `[ID:<chunk id>]`, and streams the answer word by word. Knowledge comes from
 * `opts.knowledge` (preferred) or from the system prompt (convention in knowledge-prompt.ts).
 * A prompt asking for related search questions gets a numbered list. Deterministic throughout.
 */
export class ExtractiveAnswerer implements ChatModel {
  readonly name: string;
  readonly #maxSentences: number;

  constructor(name: string = BUILTIN_ANSWERER, opts: ExtractiveAnswererOptions = {}) {
    this.name = name;
    this.#maxSentences = Math.max(1, Math.floor(opts.maxSentences ?? 3));
  }

  async *stream(messages: ChatMessage[], opts: ChatOptions = {}): AsyncGenerator<ChatDelta> {
    const answer = this.answer(messages, opts.knowledge);
    let completion = 0;
    let finish = 'stop';
    for (const word of answer.match(/\s*\S+/g) ?? []) {
      if (opts.signal?.aborted) throw ModelErrors.aborted();
      const cost = estimateTokens(word);
      if (opts.max_tokens !== undefined && completion + cost > opts.max_tokens) {
        finish = 'length';
        break;
      }
      completion += cost;
      yield { content: word };
    }
    const prompt = estimateMessageTokens(messages);
    yield { usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }, finish_reason: finish };
  }

  async complete(messages: ChatMessage[], opts: ChatOptions = {}): Promise<ChatCompletion> {
    let text = '';
    let usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    for await (const delta of this.stream(messages, opts)) {
      text += delta.content ?? '';
      if (delta.usage) usage = delta.usage;
    }
    return { text, usage };
  }

  /** The whole answer to a conversation. */
  answer(messages: readonly ChatMessage[], knowledge?: readonly KnowledgeChunk[]): string {
    const question = lastUserMessage(messages);
    if (asksForRelatedQuestions(messages)) return relatedQuestions(question);
    const chunks = knowledge ?? knowledgeFromPrompt(messages);
    if (!chunks.some((c) => c.content.trim())) return NO_KNOWLEDGE_ANSWER;
    const picked = pickSentences(question, chunks, this.#maxSentences);
    if (!picked.length) return NOTHING_RELEVANT_ANSWER;
    return picked.map((p) => `${p.text} [ID:${p.id}]`).join(' ');
  }
}

function lastUserMessage(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return messages[i]!.content;
  return '';
}

const RELATED = /\brelated\s+(?:search\s+)?(?:questions|queries|terms|search terms)\b|\balternative\s+(?:questions|queries)\b/i;

export function asksForRelatedQuestions(messages: readonly ChatMessage[]): boolean {
  return messages.some((m) => m.role !== 'assistant' && RELATED.test(m.content));
}

/** Five follow-up questions about the topic of the user's question. */
function relatedQuestions(message: string): string {
  const keywords = /keywords?:\s*(.+)/i.exec(message)?.[1] ?? message.split(/\r?\n/).find((l) => l.trim()) ?? '';
  const topicWords = (keywords.match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}'’-]*/gu) ?? []).filter((w) => !STOPWORDS.has(w.toLowerCase()));
  const topic = topicWords.join(' ') || 'this topic';
  return [
    `What is ${topic}?`,
    `How does ${topic} work?`,
    `What are the main features of ${topic}?`,
    `What are common use cases of ${topic}?`,
    `How does ${topic} compare with alternatives?`,
  ]
    .map((q, i) => `${i + 1}. ${q}`)
    .join('\n');
}

interface Sentence {
  id: string | number;
  text: string;
  terms: Set<string>;
  order: number;
}

/** Sentences: split at line breaks and at sentence-ending punctuation. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/\r?\n+/)
    .flatMap((line) => line.split(/(?<=[.!?])\s+|(?<=[。！？])/u))
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

function pickSentences(question: string, chunks: readonly KnowledgeChunk[], max: number): Array<{ id: string | number; text: string }> {
  const asked = new Set(contentTerms(question));
  if (!asked.size) return [];
  const sentences: Sentence[] = [];
  for (const chunk of chunks) {
    for (const text of sentencesOf(chunk.content)) sentences.push({ id: chunk.id, text, terms: new Set(contentTerms(text)), order: sentences.length });
  }
  // Rarer shared terms say more: weight each asked term by its inverse sentence frequency.
  const df = new Map<string, number>();
  for (const s of sentences) for (const t of s.terms) if (asked.has(t)) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = (t: string) => Math.log(1 + sentences.length / (df.get(t) ?? 1));
  let askedWeight = 0;
  for (const t of asked) askedWeight += idf(t);
  const questionVector = hashingVector(question);

  const scored = sentences
    .map((s) => {
      let shared = 0;
      for (const t of asked) if (s.terms.has(t)) shared += idf(t);
      const overlap = shared / askedWeight;
      const similarity = Math.max(0, cosine(questionVector, hashingVector(s.text)));
      return { s, relevant: overlap > 0 || similarity >= 0.3, score: overlap + 0.25 * similarity };
    })
    .filter((x) => x.relevant)
    .sort((a, b) => b.score - a.score || a.s.order - b.s.order);

  const best = scored[0]?.score ?? 0;
  const seen = new Set<string>();
  const picked: Array<{ id: string | number; text: string }> = [];
  for (const { s, score } of scored) {
    if (picked.length >= max || score < 0.35 * best) break;
    const key = s.text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    picked.push({ id: s.id, text: s.text });
  }
  return picked;
}
