import { defineConfig } from 'vitest/config';

// Real servers on loopback: on a machine whose cores are busy with other work a test can take several times
// its usual time, so the per-test limit is generous (no verdict here depends on timing).
export default defineConfig({ test: { include: ['src/**/*.test.ts'], testTimeout: 30_000 } });
