import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('src/generated', () => {
  it('is exactly what scripts/generate.ts makes from the specs now (else: run pnpm generate)', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generate.ts', 'check'], { cwd: root, encoding: 'utf8' });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(output).toContain('up to date');
  }, 60_000);
});
