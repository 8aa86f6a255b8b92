import { defineConfig } from 'vitest/config';

// Time limits only catch a hang (verdicts never hang on them): generous, for a shared machine with busy cores.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } });
