import { defineConfig } from 'vitest/config';

// The Pact mock server and the verifier are real processes; each file writes its own pact, then verifies it.
export default defineConfig({ test: { include: ['test/**/*.test.js'], testTimeout: 60_000, hookTimeout: 60_000 } });
