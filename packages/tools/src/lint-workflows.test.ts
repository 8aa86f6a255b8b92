import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { flattenErrors, lintWorkflows, WORKFLOWS_DIR, workflowFiles } from './lint-workflows.js';

const work = mkdtempSync(join(tmpdir(), 'billerkit-workflows-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Workflow = { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> };
type Job = { permissions?: Record<string, string>; env?: Record<string, string>; steps: Step[] };
type Step = { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> };
const load = (name: string): Workflow => parse(readFileSync(join(WORKFLOWS_DIR, name), 'utf8')) as Workflow;
const steps = (workflow: Workflow): Step[] => Object.values(workflow.jobs).flatMap((job) => job.steps);

describe('the repository workflows', () => {
  it('are all valid according to action-validator', async () => {
    const results = await lintWorkflows();
    expect(results.map((r) => basename(r.file))).toEqual(expect.arrayContaining(['ci.yml', 'contracts.yml', 'release.yml']));
    for (const result of results)
      expect({ file: basename(result.file), errors: result.errors }).toEqual({ file: basename(result.file), errors: [] });
  });

  it('honour the lockfile wherever they install', () => {
    for (const file of workflowFiles(WORKFLOWS_DIR)) {
      const installs = steps(parse(readFileSync(file, 'utf8')) as Workflow).filter((s) => s.run?.includes('install'));
      expect(installs.length, basename(file)).toBeGreaterThan(0);
      for (const step of installs) expect(step.run, basename(file)).toMatch(/pnpm install --frozen-lockfile/);
    }
  });

  it('ci keeps the conformance reports and pacts and shows the summary even when a step failed', () => {
    const all = steps(load('ci.yml'));
    const upload = all.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(upload?.if).toBe('always()');
    expect(String(upload?.with?.path)).toContain('conformance/reports/**');
    expect(String(upload?.with?.path)).toContain('conformance/pacts/**');
    const summary = all.find((s) => s.run?.includes('GITHUB_STEP_SUMMARY'));
    expect(summary?.if).toBe('always()');
    expect(summary?.run).toContain('conformance/reports/summary.md');
    expect(all.map((s) => s.run)).toEqual(
      expect.arrayContaining([
        'pnpm turbo run build lint typecheck test',
        'pnpm conformance',
        'pnpm check:packages',
        'pnpm lint:workflows',
      ]),
    );
  });

  it('release publishes with provenance through changesets and may mint an OIDC token', () => {
    const release = load('release.yml');
    const job = Object.values(release.jobs)[0];
    expect(job?.permissions?.['id-token']).toBe('write');
    const step = job?.steps.find((s) => s.uses?.startsWith('changesets/action'));
    expect(step?.with).toMatchObject({ version: 'pnpm version-packages', publish: 'pnpm release' });
    expect(step?.env?.NPM_CONFIG_PROVENANCE).toBe('true');
    const root = JSON.parse(readFileSync(join(WORKFLOWS_DIR, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(root.scripts['version-packages']).toBeDefined();
    expect(root.scripts.release).toBeDefined();
  });

  it('contracts hands the broker secrets to the publish step only', () => {
    const contracts = load('contracts.yml');
    const job = Object.values(contracts.jobs)[0];
    expect(job?.env).toBeUndefined();
    const withSecrets = job?.steps.filter((s) => JSON.stringify(s).includes('secrets.')) ?? [];
    expect(withSecrets.map((s) => s.run)).toEqual(['pnpm pact:publish']);
  });
});

describe('the linter bites', () => {
  const write = (name: string, text: string): string => {
    const file = join(work, name);
    writeFileSync(file, text);
    return file;
  };

  it('fails a broken copy of ci.yml: a misspelt key, a needs: to no job, broken YAML', async () => {
    const ci = readFileSync(join(WORKFLOWS_DIR, 'ci.yml'), 'utf8');
    copyFileSync(join(WORKFLOWS_DIR, 'ci.yml'), join(work, 'ci-good.yml'));
    write('ci-typo.yml', ci.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'));
    write('ci-needs.yml', ci.replace('  packages:\n', '  packages:\n    needs: no-such-job\n'));
    write('ci-yaml.yml', `${ci}\n  broken: [\n`);
    const results = Object.fromEntries((await lintWorkflows(work)).map((r) => [basename(r.file), r]));
    expect(results['ci-good.yml']?.ok).toBe(true);
    expect(results['ci-typo.yml']?.ok).toBe(false);
    expect(results['ci-typo.yml']?.errors.join('\n')).toMatch(/runs_on/);
    expect(results['ci-needs.yml']?.ok).toBe(false);
    expect(results['ci-needs.yml']?.errors.join('\n')).toMatch(/no-such-job/);
    expect(results['ci-yaml.yml']?.ok).toBe(false);
  });

  it('flattens nested one_of errors to their leaves', () => {
    expect(
      flattenErrors([
        {
          code: 'one_of',
          path: '/jobs/x',
          states: [
            { errors: [{ path: '/jobs/x/steps/1', detail: "Additional property 'iff' is not allowed" }] },
            {
              errors: [
                { path: '/jobs/x', detail: "Additional property 'steps' is not allowed" },
                { path: '/jobs/x/steps/1', detail: "Additional property 'iff' is not allowed" },
              ],
            },
          ],
        },
        { code: 'unresolved_job', path: '/jobs/x/needs', title: 'Unresolved job', detail: 'unresolved job nope' },
      ]),
    ).toEqual([
      "/jobs/x/steps/1: Additional property 'iff' is not allowed",
      "/jobs/x: Additional property 'steps' is not allowed",
      '/jobs/x/needs: unresolved job nope',
    ]);
  });
});
