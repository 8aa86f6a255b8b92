// Guards the build cache: turbo task inputs must name sources, never what a build writes, or the second build
// of a fresh clone misses (a `generate` input of `../../specs/**` once took in specs/dist and node_modules).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo.js';

const TURBO = join(REPO_ROOT, 'node_modules', '.bin', 'turbo');

interface DryTask {
  taskId: string;
  hash: string;
  directory: string;
  inputs: Record<string, string>;
}

/** A child environment without the variables of the turbo run we may be inside. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(TURBO_|npm_|PNPM_)/i.test(key)) env[key] = value;
  return { ...env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
}

function dryRun(cwd: string): DryTask[] {
  const out = spawnSync(TURBO, ['run', 'build', 'test', '--dry=json'], { cwd, env: cleanEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (out.status !== 0) throw new Error(`turbo --dry failed (${out.status}): ${out.stderr}`);
  return (JSON.parse(out.stdout) as { tasks: DryTask[] }).tasks;
}

function git(cwd: string, ...args: string[]): string {
  const out = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (out.status !== 0) throw new Error(`git ${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('turbo task inputs', () => {
  it('name no build output, dependency folder or git-ignored file', () => {
    const inputs = new Set<string>();
    for (const task of dryRun(REPO_ROOT)) {
      for (const file of Object.keys(task.inputs)) inputs.add(normalize(join(task.directory, file)));
    }
    expect(inputs.size).toBeGreaterThan(100);
    const outputLike = [...inputs].filter((file) => /(^|\/)(dist|node_modules|\.turbo|coverage)\//.test(file));
    expect(outputLike).toEqual([]);
    // git check-ignore exits 1 when nothing is ignored; its stdout lists the ignored ones.
    const ignored = spawnSync('git', ['check-ignore', '--stdin'], { cwd: REPO_ROOT, input: [...inputs].join('\n'), encoding: 'utf8' });
    expect(ignored.stdout.trim()).toBe('');
  });

  it('an edit to the IAK spec invalidates the tasks that read it and nothing else', () => {
    // A copy of the tracked tree as a fresh clone has it (no node_modules, no dist), so the comparison needs no build.
    const copy = mkdtempSync(join(tmpdir(), 'billerkit-turbo-'));
    temps.push(copy);
    for (const file of git(REPO_ROOT, 'ls-files', '-z').split('\0').filter(Boolean)) {
      mkdirSync(join(copy, dirname(file)), { recursive: true });
      cpSync(join(REPO_ROOT, file), join(copy, file));
    }
    git(copy, 'init', '-q');
    git(copy, 'add', '-A');
    git(copy, '-c', 'user.email=ci@billerkit.invalid', '-c', 'user.name=ci', 'commit', '-qm', 'copy');
    const before = new Map(dryRun(copy).map((t) => [t.taskId, t.hash]));
    appendFileSync(join(copy, 'specs/iak/openapi.yaml'), '\n# an edit\n');
    const after = new Map(dryRun(copy).map((t) => [t.taskId, t.hash]));
    const changed = [...before.keys()].filter((id) => before.get(id) !== after.get(id));
    const unchanged = [...before.keys()].filter((id) => before.get(id) === after.get(id));
    for (const id of ['@billerkit/specs#build', '@billerkit/iak#generate', '@billerkit/iak#build', '@billerkit/validators#build']) {
      expect(changed).toContain(id);
    }
    // Packages that read no spec keep their cache.
    for (const id of ['@billerkit/signing#build', '@billerkit/signing#test', '@billerkit/client-fuzz#build']) {
      expect(unchanged).toContain(id);
    }
  });
});
