import { randomUUID } from 'node:crypto';
import { RagError, Subjects, type CallerContext } from '@rag/contracts';
import type { ChatMessage } from '@rag/models';
import { AnswerWriter, subscribeAnswerControl, uuid1, type Bus, type Logger, type Metrics } from '@rag/platform';
import { generate, storedAnswer, trimHistory, type GenerationDeps, type GenerationEvent, type Reference } from './generation.js';
import {
  NATIVE_END,
  OPENAI_DONE,
  nativeAnswer,
  nativeDelta,
  nativeEnvelope,
  nativeError,
  nativeFinal,
  openaiChunk,
  openaiCompletion,
  prologueAnswer,
  type AnswerIds,
} from './formats.js';
import type { CompletionStore } from './ports.js';

export interface CompletionOptions {
  /** How long a detached answer keeps generating, waiting for its client to come back. */
  detachGraceMs: number;
  countTokens(text: string): number;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Message content as text: OpenAI clients may send a list of parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (isObject(p) && typeof p.text === 'string' ? p.text : '')).join('');
  return content === null || content === undefined ? '' : String(content);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Completions (§12, §13): checks, generation, and delivery — streamed through JetStream (the
 * gateway relays and resumes), or collected for a non-stream reply. A session turn is written
 * only when the answer completed, in one update: no half-written turns.
 */
export class CompletionService {
  private readonly running = new Map<string, { abort: AbortController; graceTimer?: NodeJS.Timeout }>();
  private readonly tasks = new Set<Promise<void>>();

  constructor(
    private readonly bus: Bus,
    private readonly store: CompletionStore,
    private readonly deps: GenerationDeps,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly opts: CompletionOptions,
  ) {
    subscribeAnswerControl(bus, (kind, streamId) => {
      const run = this.running.get(streamId);
      if (kind === 'detach' && run && !run.graceTimer) run.graceTimer = setTimeout(() => run.abort.abort(new Error('client went away')), this.opts.detachGraceMs);
      if (kind === 'attach' && run?.graceTimer) {
        clearTimeout(run.graceTimer);
        delete run.graceTimer;
      }
    });
  }

  /** Runs `produce` in the background with an abortable signal; the stream id goes back at once. */
  private background(streamId: string, produce: (signal: AbortSignal) => Promise<void>): { stream_id: string } {
    const abort = new AbortController();
    this.running.set(streamId, { abort });
    const task = produce(abort.signal)
      .catch((err) => this.logger.error({ err, stream_id: streamId }, 'answer stream failed'))
      .finally(() => {
        const run = this.running.get(streamId);
        if (run?.graceTimer) clearTimeout(run.graceTimer);
        this.running.delete(streamId);
        this.tasks.delete(task);
      });
    this.tasks.add(task);
    return { stream_id: streamId };
  }

  /** Token usage goes to the metrics and to the tenant model's `used_tokens` (account-svc). */
  private countUsage(tenantId: string, model: string, event: Extract<GenerationEvent, { type: 'done' }>): void {
    if (!event.usage) return;
    this.metrics.llmTokens.inc({ model, kind: 'prompt' }, event.usage.prompt_tokens);
    this.metrics.llmTokens.inc({ model, kind: 'completion' }, event.usage.completion_tokens);
    this.bus
      .request(Subjects.account.recordUsage, { body: { model, model_type: 'chat', tokens: event.usage.total_tokens } }, { tenantId })
      .catch((err) => this.logger.warn({ err, model }, 'could not record token usage'));
  }

  /** §12: POST /api/v1/chats/<chat_id>/completions. */
  async native(ctx: CallerContext, chatId: string, body: Record<string, unknown>, stream: boolean): Promise<unknown> {
    const chat = await this.store.chat(ctx.tenantId, chatId);
    if (!chat) throw new RagError('COMPLETION_CHAT_NOT_YOURS', { chat_id: chatId });
    const sessionId = typeof body.session_id === 'string' && body.session_id ? body.session_id : undefined;
    const session = sessionId ? await this.store.session(chatId, sessionId) : null;
    if (sessionId && !session) throw new RagError('COMPLETION_SESSION_NOT_YOURS', { session_id: sessionId });
    if (body.metadata_condition !== undefined && body.metadata_condition !== null && !isObject(body.metadata_condition)) throw new RagError('METADATA_CONDITION_OBJECT');

    if (!session) {
      const created = await this.store.createSession(chat, typeof body.name === 'string' && body.name ? body.name : 'New session', typeof body.user_id === 'string' ? body.user_id : '');
      const data = prologueAnswer(chat.prompt_config.prologue ?? '', created.id);
      return stream ? this.prologueStream(ctx.tenantId, data) : data;
    }
    if (!('question' in body)) throw new RagError('EXCEPTION', { message: `TypeError("completion() missing 1 required positional argument: 'question'")` });
    const question = String(body.question ?? '');
    const ids: AnswerIds = { sessionId: session.id, messageId: randomUUID() };
    const input = {
      chat,
      history: trimHistory(session.messages),
      question,
      variables: Object.fromEntries(Object.entries(body).filter(([k, v]) => typeof v === 'string' && (chat.prompt_config.parameters ?? []).some((p) => p.key === k))) as Record<string, string>,
      ...(isObject(body.metadata_condition) ? { metadataCondition: body.metadata_condition } : {}),
      ...(typeof body.doc_ids === 'string' && body.doc_ids ? { documentIds: body.doc_ids.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    };
    const saveTurn = async (done: Extract<GenerationEvent, { type: 'done' }>, createdAt: number) => {
      await this.store.appendTurn(
        session.id,
        { role: 'user', content: question, id: ids.messageId },
        { role: 'assistant', content: storedAnswer(done.answer, done.reasoning), id: ids.messageId, created_at: createdAt, prompt: done.prompt },
        done.reference ?? {},
      );
    };

    if (!stream) {
      let final: Extract<GenerationEvent, { type: 'done' }> | undefined;
      for await (const e of generate(input, this.deps)) if (e.type === 'done') final = e;
      const createdAt = Date.now() / 1000;
      this.countUsage(chat.tenant_id, chat.llm_id, final!);
      await saveTurn(final!, createdAt);
      return nativeAnswer(ids, final!.answer, final!.reference, final!.prompt, createdAt);
    }

    const streamId = uuid1();
    return this.background(streamId, async (signal) => {
      const w = new AnswerWriter(this.bus, streamId, ctx.tenantId);
      try {
        for await (const e of generate({ ...input, signal }, this.deps)) {
          if (e.type === 'think_start') await w.write(nativeDelta(ids, '', { start_to_think: true }));
          else if (e.type === 'think_end') await w.write(nativeDelta(ids, '', { end_to_think: true }));
          else if (e.type === 'reasoning' || e.type === 'content') await w.write(nativeDelta(ids, e.text));
          else {
            const createdAt = Date.now() / 1000;
            this.countUsage(chat.tenant_id, chat.llm_id, e);
            await saveTurn(e, createdAt);
            if (chat.kb_ids.length) await w.write(nativeFinal(ids, e.reference, e.prompt, createdAt));
          }
        }
      } catch (err) {
        // The client gets a short text; the log keeps the whole error (a provider's full answer included).
        if (!signal.aborted) this.logger.warn({ err, stream_id: streamId }, 'answer failed');
        if (!signal.aborted) await w.write(nativeError(errorText(err))).catch(() => undefined);
      } finally {
        await w.end(NATIVE_END).catch((err) => this.logger.warn({ err }, 'could not end an answer stream'));
      }
    });
  }

  /** The two-event stream of a completion without a session (§12.3). */
  async prologueStream(tenantId: string, data: unknown): Promise<{ stream_id: string }> {
    const streamId = uuid1();
    const w = new AnswerWriter(this.bus, streamId, tenantId);
    await w.write(nativeEnvelope(data));
    await w.end(nativeEnvelope(true));
    return { stream_id: streamId };
  }

  /** §13: POST /api/v1/chats_openai/<chat_id>/chat/completions. */
  async openai(ctx: CallerContext, chatId: string, body: Record<string, unknown>, stream: boolean): Promise<unknown> {
    const extra = body.extra_body;
    if (extra !== undefined && extra !== null && !isObject(extra)) throw new RagError('EXTRA_BODY_OBJECT');
    const messages = body.messages;
    if (!Array.isArray(messages) || !messages.length) throw new RagError('NO_MESSAGES');
    const last = messages[messages.length - 1];
    if (!isObject(last) || last.role !== 'user') throw new RagError('LAST_NOT_USER');
    const chat = await this.store.chat(ctx.tenantId, chatId);
    if (!chat) throw new RagError('COMPLETION_CHAT_NOT_YOURS', { chat_id: chatId });
    const extraBody = (extra ?? {}) as Record<string, unknown>;
    if (extraBody.metadata_condition !== undefined && extraBody.metadata_condition !== null && !isObject(extraBody.metadata_condition)) throw new RagError('METADATA_CONDITION_OBJECT');
    const wantReference = !!extraBody.reference;
    const history: ChatMessage[] = trimHistory(messages.slice(0, -1).map((m) => (isObject(m) ? { role: String(m.role), content: contentText(m.content) } : { role: 'user', content: '' })));
    const question = contentText(last.content);
    const input = { chat, history, question, variables: {}, ...(isObject(extraBody.metadata_condition) ? { metadataCondition: extraBody.metadata_condition } : {}) };
    const promptTokens = this.opts.countTokens(question);
    const created = Math.floor(Date.now() / 1000);
    const usageOf = (answer: string) => {
      const completion = this.opts.countTokens(answer);
      return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
    };
    const referenceOf = (r: Reference | null) => (r ? r.chunks : []);

    if (!stream) {
      let final: Extract<GenerationEvent, { type: 'done' }> | undefined;
      for await (const e of generate(input, this.deps)) if (e.type === 'done') final = e;
      this.countUsage(chat.tenant_id, chat.llm_id, final!);
      const reasoningTokens = messages.reduce((sum: number, m) => sum + this.opts.countTokens(isObject(m) ? contentText(m.content) : ''), 0);
      return openaiCompletion(chatId, created, String(body.model ?? 'model'), final!.answer, usageOf(final!.answer), reasoningTokens, wantReference ? referenceOf(final!.reference) : undefined);
    }

    const streamId = uuid1();
    return this.background(streamId, async (signal) => {
      const w = new AnswerWriter(this.bus, streamId, ctx.tenantId);
      let answer = '';
      let reference: Reference | null = null;
      try {
        for await (const e of generate({ ...input, signal }, this.deps)) {
          if (e.type === 'reasoning') await w.write(openaiChunk(chatId, created, { reasoning_content: e.text }));
          else if (e.type === 'content') {
            answer += e.text;
            await w.write(openaiChunk(chatId, created, { content: e.text }));
          } else if (e.type === 'done') {
            reference = e.reference;
            this.countUsage(chat.tenant_id, chat.llm_id, e);
          }
        }
      } catch (err) {
        if (signal.aborted) return void (await w.end(OPENAI_DONE).catch(() => undefined));
        this.logger.warn({ err, stream_id: streamId }, 'answer failed');
        const text = `**ERROR**: ${errorText(err)}`;
        answer += text;
        await w.write(openaiChunk(chatId, created, { content: text })).catch(() => undefined);
      }
      try {
        await w.write(
          openaiChunk(chatId, created, {}, {
            finish_reason: 'stop',
            usage: usageOf(answer),
            ...(wantReference ? { reference: referenceOf(reference), final_content: answer } : {}),
          }),
        );
      } finally {
        await w.end(OPENAI_DONE).catch((err) => this.logger.warn({ err }, 'could not end an answer stream'));
      }
    });
  }

  /** §15: related questions from the tenant's default chat model (numbered lines of its answer). */
  async relatedQuestions(tenantChatModel: string, tenantId: string, body: Record<string, unknown>): Promise<string[]> {
    const question = body.question;
    if (!question) throw new RagError('QUESTION_REQUIRED');
    const model = await this.deps.model(tenantId, tenantChatModel);
    const industry = typeof body.industry === 'string' && body.industry ? ` in the ${body.industry} industry` : '';
    const { text } = await model.complete(
      [
        { role: 'system', content: `You are a helpful assistant. Suggest 5 related search questions${industry} for the user's question. Answer with a numbered list, one question per line.` },
        { role: 'user', content: String(question) },
      ],
      { temperature: 0.9 },
    );
    return text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^\d+\.\s/.test(l))
      .map((l) => l.replace(/^\d+\.\s+/, ''));
  }

  /** Waits (up to the bound) for running answers, aborting them at the end of the bound. */
  async stop(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.tasks]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    for (const run of this.running.values()) run.abort.abort(new Error('shutting down'));
  }
}
