import type { JsMsg } from 'nats';
import { ParseCancelMessage, ParseTaskMessage, Streams, Subjects, decodeMessage } from '@rag/contracts';
import { ModelError } from '@rag/models';
import { ParseError } from '@rag/parsing';
import { MetricNames, type Bus, type Logger, type Metrics } from '@rag/platform';
import { MissingFile, TaskSuperseded, runParseTask, type PipelineDeps, type ProgressReporter } from './pipeline.js';

/** Attempts of one task before it ends as FAIL (matches the consumer's max_deliver). */
export const MAX_ATTEMPTS = 4;
const RETRY_DELAYS_MS = [5_000, 20_000, 60_000];

export interface WorkerOptions {
  concurrency: number;
  heartbeatMs: number;
}

/** Errors that will not go away by trying again: the task ends as FAIL at once. */
function isPermanent(err: unknown): boolean {
  if (err instanceof ParseError || err instanceof MissingFile) return true;
  if (err instanceof ModelError) return ['auth', 'bad_request', 'unsupported', 'config'].includes(err.kind);
  return false;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Pulls parse tasks from the durable work-queue consumer with explicit acks. While a task runs it
 * sends in-progress acks; a crash leaves the task unacked, so JetStream redelivers it to another
 * worker after the ack wait. Failures are retried with backoff up to MAX_ATTEMPTS, then reported.
 * A cancel broadcast aborts the running task within moments.
 */
export class ParseWorker {
  private readonly running = new Map<string, AbortController>();
  private readonly loops: Promise<void>[] = [];
  private stopped = false;
  private cancelSub: { unsubscribe(): void } | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly deps: PipelineDeps,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly opts: WorkerOptions,
  ) {}

  private readonly tasksDone = () => this.metrics.gauge(MetricNames.parseTasksRunning, 'Parse tasks running in this worker');

  async start(): Promise<void> {
    this.cancelSub = this.bus.nc.subscribe(Subjects.parse.cancel, {
      callback: (err, msg) => {
        if (err) return;
        const cancel = decodeMessage(ParseCancelMessage, msg.data);
        if (!cancel.ok) return this.bus.rejected(msg.subject, cancel.problem, cancel.reason);
        this.running.get(cancel.value.task_id)?.abort(new Error('cancelled'));
      },
    });
    const consumer = await this.waitForQueue();
    const gauge = this.tasksDone();
    for (let slot = 0; slot < this.opts.concurrency; slot++) {
      this.loops.push(
        (async () => {
          while (!this.stopped) {
            let msg: JsMsg | null = null;
            try {
              msg = await consumer.next({ expires: 2000 });
            } catch (err) {
              if (this.stopped) break;
              this.logger.warn({ err }, 'fetching a parse task failed; retrying');
              await new Promise((r) => setTimeout(r, 1000));
              continue;
            }
            if (!msg) continue;
            gauge.inc();
            try {
              await this.handle(msg);
            } catch (err) {
              // handle() settles every task itself; this is a last guard so one message can never end the slot.
              this.logger.error({ err, stream_seq: msg.seq }, 'parse task handling failed');
            } finally {
              gauge.dec();
            }
          }
        })(),
      );
    }
  }

  /** document-svc creates the work queue; a worker started first waits for it instead of exiting. */
  private async waitForQueue() {
    for (let attempt = 0; ; attempt++) {
      try {
        const jsm = await this.bus.jsm();
        await jsm.consumers.info(Streams.parseTasks.name, Streams.parseTasks.consumer);
        return await this.bus.js.consumers.get(Streams.parseTasks.name, Streams.parseTasks.consumer);
      } catch (err) {
        if (this.stopped) throw err;
        if (attempt % 10 === 0) this.logger.info('waiting for document-svc to create the parse-task queue');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private report: ProgressReporter = async (r) => this.bus.call(Subjects.document.taskProgress, { body: r }, {});

  private async handle(msg: JsMsg): Promise<void> {
    const decoded = decodeMessage(ParseTaskMessage, msg.data);
    if (!decoded.ok) {
      // Not a task at all: no retry can fix it, and no document can be told. End it and say why.
      this.bus.rejected(msg.subject, decoded.problem, decoded.reason, { stream_seq: msg.seq });
      msg.term();
      return;
    }
    const task = decoded.value;
    const attempt = msg.info.redeliveryCount;
    const controller = new AbortController();
    this.running.set(task.task_id, controller);
    const heartbeat = setInterval(() => msg.working(), this.opts.heartbeatMs);
    const log = this.logger.child({ task_id: task.task_id, document_id: task.document_id, attempt });
    const started = Date.now();
    try {
      const { chunks, tokens } = await runParseTask(task, this.deps, this.report, controller.signal);
      const answer = await this.report({ kind: 'done', task_id: task.task_id, document_id: task.document_id, chunk_count: chunks, token_count: tokens });
      if (!answer.accepted && answer.discard) await this.deps.index.deleteByDocument(task.tenant_id, task.dataset_id, task.document_id);
      log.info({ chunks, tokens, ms: Date.now() - started }, 'parse task done');
      msg.ack();
    } catch (err) {
      if (controller.signal.aborted || err instanceof TaskSuperseded) {
        const discard = err instanceof TaskSuperseded ? err.discard : true;
        if (discard) await this.deps.index.deleteByDocument(task.tenant_id, task.dataset_id, task.document_id).catch(() => undefined);
        log.info('parse task cancelled or superseded');
        msg.ack();
      } else if (this.stopped) {
        // Shutting down mid-task: leave it unacked for another worker.
        msg.nak();
      } else if (isPermanent(err) || attempt >= MAX_ATTEMPTS) {
        log.warn({ err }, 'parse task failed');
        await this.deps.index.deleteByDocument(task.tenant_id, task.dataset_id, task.document_id).catch(() => undefined);
        const why = attempt >= MAX_ATTEMPTS && !isPermanent(err) ? `${describe(err)} (gave up after ${attempt} attempts)` : describe(err);
        await this.report({ kind: 'failed', task_id: task.task_id, document_id: task.document_id, message: why }).catch((e) => log.error({ err: e }, 'could not report the failure'));
        msg.ack();
      } else {
        log.warn({ err }, 'parse task failed; will retry');
        msg.nak(RETRY_DELAYS_MS[Math.min(attempt - 1, RETRY_DELAYS_MS.length - 1)]);
      }
    } finally {
      clearInterval(heartbeat);
      this.running.delete(task.task_id);
    }
  }

  /** Stops pulling, aborts nothing: running tasks finish within the bound, the rest are redelivered. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    this.cancelSub?.unsubscribe();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(this.loops), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }
}
