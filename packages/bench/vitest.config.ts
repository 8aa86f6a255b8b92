import { defineConfig } from 'vitest/config';

// The chaos, load and canary tests each own real servers and run for tens of seconds: one file at a
// time keeps them from competing for the two cores and from skewing each other's timeouts.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], fileParallelism: false, testTimeout: 180_000, hookTimeout: 60_000 } });
