import { Subjects } from '@rag/contracts';
import type { Bus, Handlers } from '@rag/platform';
import type { CompletionService } from '../completion/completion.service.js';

export function completionHandlers(completions: CompletionService, bus: Bus): Handlers {
  return {
    [Subjects.completion.native]: async (req, ctx) => completions.native(ctx, req.params!.chat_id, req.body ?? {}, req.body?.stream !== false),
    [Subjects.completion.openai]: async (req, ctx) => completions.openai(ctx, req.params!.chat_id, req.body ?? {}, req.body?.stream !== false),
    [Subjects.completion.relatedQuestions]: async (req, ctx) => {
      const profile = await bus.call(Subjects.account.tenantModels, { body: {} }, ctx);
      return completions.relatedQuestions(profile.llm_id, ctx.tenantId, req.body ?? {});
    },
  };
}
