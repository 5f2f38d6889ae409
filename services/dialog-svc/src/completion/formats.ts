import type { Reference } from './generation.js';

/**
 * The wire shapes of §12 (native) and §13 (OpenAI-compatible) answers. Each function returns the
 * JSON text of one SSE `data:` line (or a whole non-stream body).
 */

export interface AnswerIds {
  sessionId: string;
  messageId: string;
}

const json = (v: unknown) => JSON.stringify(v);

/** Native delta: `{"code":0,"data":{answer…}}` with no `message` key. */
export function nativeDelta(ids: AnswerIds, answer: string, extra: Record<string, unknown> = {}): string {
  return json({ code: 0, data: { answer, reference: { chunks: [] }, audio_binary: null, id: ids.messageId, session_id: ids.sessionId, final: false, ...extra } });
}

export function nativeFinal(ids: AnswerIds, reference: Reference | null, prompt: string, createdAt: number): string {
  return json({
    code: 0,
    data: { answer: '', reference: reference ?? { chunks: [] }, audio_binary: null, id: ids.messageId, session_id: ids.sessionId, final: true, prompt, created_at: createdAt },
  });
}

export function nativeError(message: string): string {
  return json({ code: 500, message, data: { answer: `**ERROR**: ${message}`, reference: [] } });
}

export const NATIVE_END = json({ code: 0, data: true });

/** The prologue answer of a completion without a session (§12.3), as its data object. */
export function prologueAnswer(prologue: string, sessionId: string): Record<string, unknown> {
  return { answer: prologue, reference: {}, audio_binary: null, id: null, session_id: sessionId };
}

export function nativeEnvelope(data: unknown): string {
  return json({ code: 0, message: '', data });
}

/** The non-stream native answer object. */
export function nativeAnswer(ids: AnswerIds, answer: string, reference: Reference | null, prompt: string, createdAt: number): Record<string, unknown> {
  return { answer, reference: reference ?? { chunks: [] }, audio_binary: null, id: ids.messageId, session_id: ids.sessionId, prompt, created_at: createdAt };
}

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function openaiChunk(chatId: string, created: number, delta: { content?: string | null; reasoning_content?: string | null }, extra: { finish_reason?: string | null; usage?: OpenAIUsage | null; reference?: unknown; final_content?: string } = {}): string {
  return json({
    id: `chatcmpl-${chatId}`,
    choices: [
      {
        delta: {
          content: delta.content ?? null,
          role: 'assistant',
          function_call: null,
          tool_calls: null,
          reasoning_content: delta.reasoning_content ?? null,
          ...(extra.reference !== undefined ? { reference: extra.reference } : {}),
          ...(extra.final_content !== undefined ? { final_content: extra.final_content } : {}),
        },
        finish_reason: extra.finish_reason ?? null,
        index: 0,
        logprobs: null,
      },
    ],
    created,
    model: 'model',
    object: 'chat.completion.chunk',
    system_fingerprint: '',
    usage: extra.usage ?? null,
  });
}

export const OPENAI_DONE = '[DONE]';

export function openaiCompletion(chatId: string, created: number, model: string, answer: string, usage: OpenAIUsage, reasoningTokens: number, reference?: unknown): Record<string, unknown> {
  return {
    id: `chatcmpl-${chatId}`,
    object: 'chat.completion',
    created,
    model,
    usage: {
      ...usage,
      completion_tokens_details: { reasoning_tokens: reasoningTokens, accepted_prediction_tokens: usage.completion_tokens, rejected_prediction_tokens: 0 },
    },
    choices: [{ message: { role: 'assistant', content: answer, ...(reference !== undefined ? { reference } : {}) }, logprobs: null, finish_reason: 'stop', index: 0 }],
  };
}
