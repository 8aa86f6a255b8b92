import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Check, Provider } from '../model.js';
import type { StageContext, StageOutcome } from '../runner.js';

const require = createRequire(import.meta.url);

/** The installed `@billerkit/specs` package (the repository's specs/ in the workspace): it ships the YAML sources. */
export const SPECS_DIR = dirname(require.resolve('@billerkit/specs/package.json'));

export interface LintOptions {
  /** Folder holding `espay/openapi.yaml` and `iak/openapi.yaml` (and its `redocly.yaml`, if any); `@billerkit/specs` by default. */
  specsDir?: string;
}

interface RedoclyProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location?: { pointer?: string; source?: { ref?: string } }[];
}

interface RedoclyReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: RedoclyProblem[];
}

/**
 * The redocly CLI: the specs package's own (in the workspace), else an installed `@redocly/cli`. An app
 * that installed only the published packages has neither; the stage is then skipped, saying how to enable it.
 */
function redoclyBin(specsDir: string): string[] | undefined {
  for (const candidate of [join(specsDir, 'node_modules', '.bin', 'redocly'), join(SPECS_DIR, 'node_modules', '.bin', 'redocly')]) {
    if (existsSync(candidate)) return [candidate];
  }
  try {
    const manifest = require.resolve('@redocly/cli/package.json');
    const bin = (require(manifest) as { bin?: Record<string, string> }).bin?.['redocly'];
    return bin ? [process.execPath, join(dirname(manifest), bin)] : undefined;
  } catch {
    return undefined;
  }
}

function run([bin, ...prefix]: string[], args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin as string, [...prefix, ...args], {
      cwd,
      // No telemetry or update checks from a test run; the suite must work offline.
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function lintSpec(specsDir: string, provider: Provider): Promise<{ check: Check; report?: RedoclyReport }> {
  const file = `${provider}/openapi.yaml`;
  const name = `redocly lint ${file}`;
  if (!existsSync(join(specsDir, file)))
    return { check: { name, provider, status: 'failed', message: `${join(specsDir, file)} does not exist` } };
  const bin = redoclyBin(specsDir);
  if (!bin)
    return { check: { name, provider, status: 'skipped', message: 'redocly CLI not installed; add @redocly/cli to lint the specs' } };
  const started = performance.now();
  const { code, stdout, stderr } = await run(bin, ['lint', file, '--format=json'], specsDir);
  const durationMs = performance.now() - started;
  let report: RedoclyReport;
  try {
    report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as RedoclyReport;
  } catch {
    const why = stderr.split('\n').find((line) => /error/i.test(line)) ?? stderr.trim().slice(0, 300);
    return { check: { name, provider, status: 'failed', durationMs, message: `redocly exited ${code} without a JSON report: ${why}` } };
  }
  const { errors, warnings } = report.totals;
  const lines = report.problems
    .filter((problem) => problem.severity === 'error')
    .slice(0, 20)
    .map((problem) => `${problem.ruleId} at ${problem.location?.[0]?.pointer ?? '?'}: ${problem.message}`);
  const check: Check = {
    name: `${name}: ${errors} error(s), ${warnings} warning(s)`,
    provider,
    status: errors === 0 ? 'passed' : 'failed',
    durationMs,
    ...(errors > 0 ? { message: lines.join('\n') } : {}),
  };
  return { check, report };
}

/** Stage 1: redocly lint of both specs, errors fail the stage, warnings are counted. */
export async function lintStage(context: StageContext<LintOptions | undefined>): Promise<StageOutcome> {
  const specsDir = context.options?.specsDir ?? SPECS_DIR;
  const results = await Promise.all((['espay', 'iak'] as const).map((provider) => lintSpec(specsDir, provider)));
  const checks = results.map((r) => r.check);
  for (const check of checks) context.report(check);
  const notes = results
    .filter((r) => r.report)
    .map((r) => {
      const warnings = r.report?.problems.filter((p) => p.severity === 'warn') ?? [];
      const rules = [...new Set(warnings.map((w) => w.ruleId))];
      return `${r.check.provider}: ${r.report?.totals.errors} error(s), ${r.report?.totals.warnings} warning(s)${rules.length ? ` (${rules.join(', ')})` : ''}`;
    });
  return { checks: [], notes };
}
