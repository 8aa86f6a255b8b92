import { defineConfig } from 'vitest/config';

// The chaos, load and canary tests each own real servers and run for tens of seconds: one file at a
// time keeps them from competing for the two cores and from skewing each other's timeouts. The time limits only
// catch a hang: on a shared machine with busy cores a run can take several times its usual tens of seconds.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], fileParallelism: false, testTimeout: 600_000, hookTimeout: 600_000 },
});
