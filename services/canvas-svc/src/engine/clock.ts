/** The real clock port. */
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { ClockPort } from './types.js';

export const systemClock: ClockPort = {
  now: () => Date.now(),
  monotonic: () => performance.now() / 1000,
  sleep: async (ms, signal) => {
    await sleep(ms, undefined, { signal });
  },
};
