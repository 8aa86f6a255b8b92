import { defineConfig } from 'vitest/config';

// These tests spawn real CLIs (redocly, typedoc, changesets, action-validator, pact-broker, pnpm pack). Their
// time limits only catch a hang: a shared CI machine with both cores busy can make a TypeDoc build take minutes.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000 } });
