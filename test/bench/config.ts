import { env, type ConfigSpec } from '@rag/platform';

/** Knobs of `make bench` (listed in docs/configuration.md). */
export const benchConfig = {
  BENCH_REQUESTS: env.int(2000, 'Measured requests per benchmark case (test/bench)', 1, 10_000_000),
  BENCH_CONCURRENCY: env.int(16, 'Requests in flight per benchmark case (test/bench)', 1, 1024),
  BENCH_WARMUP: env.int(300, 'Unmeasured requests before each benchmark case (test/bench)', 0, 1_000_000),
  BENCH_DATASETS: env.int(5, 'Datasets the benchmark user owns, so GET /api/v1/datasets returns a realistic page (test/bench)', 0, 1000),
} satisfies ConfigSpec;
