import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import type { Endpoint } from '../provider-endpoints.js';
import { splitThinking, ThinkSplitter } from '../think-splitter.js';
import { estimateMessageTokens, estimateTokens } from '../token-count.js';
import type { ChatCompletion, ChatDelta, ChatMessage, ChatModel, ChatOptions, ModelCallOptions, Usage } from '../types.js';
import { Attempt, callPolicy, classifyFailure, retryDelayMs, waitBeforeRetry, withRetries, type CallPolicy, type Failure } from './call-policy.js';
import { endpointBase, endpointModel, openaiClient } from './client.js';

/** Reasoning text as providers send it natively beside `content` (DeepSeek, vLLM, Ollama, …). */
type ProviderDelta = { content?: string | null; reasoning_content?: string | null; reasoning?: string | null };

/** Chat through any OpenAI-compatible `/chat/completions` endpoint. */
export class OpenAIChatModel implements ChatModel {
  readonly name: string;
  readonly #client: OpenAI;
  readonly #model: string;
  readonly #base: string;
  readonly #streamPolicy: CallPolicy;
  readonly #completePolicy: CallPolicy;

  constructor(name: string, endpoint: Exclude<Endpoint, { kind: 'builtin' }>, opts: ModelCallOptions = {}) {
    this.name = name;
    this.#client = openaiClient(endpoint, opts);
    this.#model = endpointModel(endpoint);
    this.#base = endpointBase(endpoint);
    this.#streamPolicy = callPolicy(opts, 60_000);
    this.#completePolicy = callPolicy(opts, 120_000);
  }

  async *stream(messages: ChatMessage[], opts: ChatOptions = {}): AsyncGenerator<ChatDelta> {
    const policy = this.#streamPolicy;
    for (let attemptNo = 1; ; attemptNo++) {
      const attempt = new Attempt(opts.signal, policy.timeoutMs);
      const splitter = new ThinkSplitter();
      let opened = false;
      let yielded = false;
      let received = '';
      let usage: Usage | undefined;
      let finish: string | undefined;
      let failure: Failure;
      try {
        const stream = await this.#client.chat.completions.create(
          { ...this.#params(messages, opts), stream: true, stream_options: { include_usage: true } },
          { signal: attempt.signal },
        );
        opened = true;
        attempt.arm();
        for await (const chunk of stream) {
          usage = readUsage(chunk.usage) ?? usage;
          const choice = chunk.choices?.[0];
          finish = choice?.finish_reason ?? finish;
          const pieces = this.#pieces(choice?.delta as ProviderDelta | undefined, splitter);
          for (const piece of pieces) {
            received += (piece.content ?? '') + (piece.reasoning ?? '');
            attempt.pause();
            yielded = true;
            yield piece;
            attempt.arm();
          }
        }
        // The openai stream ends quietly when its signal fires; a stop must not pass for a finish.
        if (attempt.stopped) throw new Error('model stream stopped');
        for (const piece of splitter.flush()) {
          received += (piece.content ?? '') + (piece.reasoning ?? '');
          yield piece;
        }
        yield { usage: usage ?? estimateUsage(messages, received), finish_reason: finish ?? 'stop' };
        return;
      } catch (err) {
        failure = classifyFailure(err, attempt, { base: this.#base, model: this.#model, timeoutMs: policy.timeoutMs, ...(opened ? { streamedChars: received.length } : {}) });
      } finally {
        attempt.dispose();
      }
      // Once part of the answer went out, a retry would repeat it: only a clean start is retried.
      if (!failure.retryable || yielded || attemptNo >= policy.maxAttempts) throw failure.error(attemptNo);
      await waitBeforeRetry(retryDelayMs(policy, attemptNo, failure.retryAfterMs), opts.signal);
    }
  }

  async complete(messages: ChatMessage[], opts: ChatOptions = {}): Promise<ChatCompletion> {
    const response = await withRetries(this.#completePolicy, opts.signal, { base: this.#base, model: this.#model }, (signal) =>
      this.#client.chat.completions.create({ ...this.#params(messages, opts), stream: false }, { signal }),
    );
    const message = response.choices?.[0]?.message as ProviderDelta | undefined;
    const split = splitThinking(message?.content ?? '');
    const reasoning = (message?.reasoning_content ?? message?.reasoning ?? '') + split.reasoning;
    const result: ChatCompletion = { text: split.content, usage: readUsage(response.usage) ?? estimateUsage(messages, split.content + reasoning) };
    if (reasoning) result.reasoning = reasoning;
    return result;
  }

  #params(messages: ChatMessage[], opts: ChatOptions): ChatCompletionCreateParamsBase {
    const params: ChatCompletionCreateParamsBase = { model: this.#model, messages: messages.map((m) => ({ role: m.role, content: m.content })) };
    if (opts.temperature !== undefined) params.temperature = opts.temperature;
    if (opts.top_p !== undefined) params.top_p = opts.top_p;
    if (opts.max_tokens !== undefined) params.max_tokens = opts.max_tokens;
    if (opts.presence_penalty !== undefined) params.presence_penalty = opts.presence_penalty;
    if (opts.frequency_penalty !== undefined) params.frequency_penalty = opts.frequency_penalty;
    return params;
  }

  #pieces(delta: ProviderDelta | undefined, splitter: ThinkSplitter): ChatDelta[] {
    const pieces: ChatDelta[] = [];
    const native = delta?.reasoning_content ?? delta?.reasoning;
    if (native) pieces.push({ reasoning: native });
    if (delta?.content) pieces.push(...splitter.push(delta.content));
    return pieces;
  }
}

function readUsage(u: ChatCompletionChunk['usage'] | undefined): Usage | undefined {
  if (!u || typeof u.prompt_tokens !== 'number') return undefined;
  const completion = typeof u.completion_tokens === 'number' ? u.completion_tokens : 0;
  return { prompt_tokens: u.prompt_tokens, completion_tokens: completion, total_tokens: typeof u.total_tokens === 'number' ? u.total_tokens : u.prompt_tokens + completion };
}

function estimateUsage(messages: ChatMessage[], answer: string): Usage {
  const prompt = estimateMessageTokens(messages);
  const completion = estimateTokens(answer);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
