import { Subjects, type BusRequest, type TenantProfile } from '@rag/contracts';
import type { Bus, Handler } from '@rag/platform';
import type { CompletionService } from '../completion/completion.service.js';

type Body = Record<string, unknown> & { stream?: boolean };

export function completionHandlers(completions: CompletionService, bus: Bus): Record<string, Handler<any, any, any>> {
  return {
    [Subjects.completion.native]: async (req: BusRequest<Body, { chat_id: string }>, ctx) => completions.native(ctx, req.params!.chat_id, req.body ?? {}, req.body?.stream !== false),
    [Subjects.completion.openai]: async (req: BusRequest<Body, { chat_id: string }>, ctx) => completions.openai(ctx, req.params!.chat_id, req.body ?? {}, req.body?.stream !== false),
    [Subjects.completion.relatedQuestions]: async (req: BusRequest<Record<string, unknown>>, ctx) => {
      const profile = await bus.call<TenantProfile>(Subjects.account.tenantModels, { body: {} }, ctx);
      return completions.relatedQuestions(profile.llm_id, ctx.tenantId, req.body ?? {});
    },
  };
}
