import { env, type ConfigSpec } from '@rag/platform';

/** Knobs of `make bench` (listed in docs/configuration.md). */
export const benchConfig = {
  BENCH: env.string('api,beir,large,stream', 'Parts `make bench` runs, comma-separated: api (GET /api/v1/datasets), beir (BEIR ingestion + retrieval quality), large (retrieval latency at 100k chunks), stream (completion streaming) (test/bench)'),
  BENCH_REQUESTS: env.int(2000, 'Measured requests per benchmark case (test/bench)', 1, 10_000_000),
  BENCH_CONCURRENCY: env.int(16, 'Requests in flight per benchmark case (test/bench)', 1, 1024),
  BENCH_WARMUP: env.int(300, 'Unmeasured requests before each benchmark case (test/bench)', 0, 1_000_000),
  BENCH_DATASETS: env.int(5, 'Datasets the benchmark user owns, so GET /api/v1/datasets returns a realistic page (test/bench)', 0, 1000),
  BENCH_LOG_LEVEL: env.string('warn', 'LOG_LEVEL of the service processes `make bench` starts (test/bench)'),
  BENCH_BEIR_DIR: env.optional('Folder holding the BEIR sets (<set>/corpus.jsonl, queries.jsonl, qrels/test.tsv); unset = ../shared/data/beir beside the checkout (test/bench)'),
  BENCH_BEIR_SETS: env.string('scifact,nfcorpus,arguana', 'BEIR sets the `beir` part ingests and evaluates, comma-separated (test/bench)'),
  BENCH_UPLOAD_BATCH: env.int(200, 'Files per multipart upload request when the `beir` part ingests a corpus (test/bench)', 1, 10_000),
  BENCH_QUERY_CONCURRENCY: env.int(2, 'Retrieval requests in flight while the `beir` part runs the test queries (test/bench)', 1, 64),
  BENCH_INGEST_TIMEOUT_S: env.int(1200, 'Longest wait for one BEIR corpus to finish parsing, in seconds (test/bench)', 10, 86_400),
  BENCH_LARGE_CHUNKS: env.int(100_000, 'Chunks the `large` part writes into one document before measuring retrieval (test/bench)', 1, 10_000_000),
  BENCH_LARGE_QUERIES: env.int(200, 'Queries the `large` part measures (test/bench)', 1, 100_000),
  BENCH_TTFT_RUNS: env.int(30, 'Streamed completions per path for time to first token (test/bench)', 1, 10_000),
  BENCH_RELAY_DELTAS: env.int(5000, 'Deltas in the one answer that measures relay throughput (test/bench)', 10, 1_000_000),
  BENCH_STREAMS: env.int(200, 'Concurrent SSE streams the `stream` part holds open (test/bench)', 1, 10_000),
  BENCH_STREAM_SECONDS: env.int(60, 'How long each of the concurrent SSE streams lasts, in seconds (test/bench)', 2, 3600),
} satisfies ConfigSpec;
