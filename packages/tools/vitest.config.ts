import { defineConfig } from 'vitest/config';

// These tests spawn real CLIs (redocly, typedoc, changesets, action-validator, pact-broker), so they get
// more time than a unit test; the whole suite still stays well under a minute.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 } });
