/**
 * Validates every GitHub Actions workflow in .github/workflows with action-validator (@action-validator/cli,
 * the SchemaStore workflow schema plus checks such as `needs:` pointing at a real job). Exits 1 when any
 * file has errors, or when there are no workflow files at all (a moved folder must not pass silently).
 *
 *   pnpm lint:workflows [DIR]
 */
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { run, withToolsBin } from './exec.js';
import { REPO_ROOT } from './repo.js';

export const WORKFLOWS_DIR = join(REPO_ROOT, '.github', 'workflows');

export interface WorkflowLint {
  file: string;
  ok: boolean;
  /** One line per leaf error: `path: detail`. */
  errors: string[];
}

interface ValidatorError {
  code?: string;
  path?: string;
  title?: string;
  detail?: string;
  states?: { errors?: ValidatorError[] }[];
}

/**
 * action-validator prints nested `one_of` errors (one branch per schema alternative); the leaves are
 * what a person needs, so flatten to them and drop duplicates.
 */
export function flattenErrors(errors: readonly ValidatorError[]): string[] {
  const out: string[] = [];
  const walk = (error: ValidatorError): void => {
    const nested = (error.states ?? []).flatMap((state) => state.errors ?? []);
    if (nested.length > 0) {
      nested.forEach(walk);
      return;
    }
    out.push(`${error.path || '/'}: ${error.detail ?? error.title ?? error.code ?? 'invalid'}`);
  };
  errors.forEach(walk);
  return [...new Set(out)];
}

export function workflowFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yml') || name.endsWith('.yaml'))
    .sort()
    .map((name) => join(dir, name));
}

/** Runs the action-validator CLI once per file (it takes one file) and collects the verdicts. */
export async function lintWorkflows(dir: string = WORKFLOWS_DIR): Promise<WorkflowLint[]> {
  const env = withToolsBin(process.env);
  return Promise.all(
    workflowFiles(dir).map(async (file) => {
      const result = await run('action-validator', [file], { cwd: dir, env });
      if (result.code === 0) return { file, ok: true, errors: [] };
      let errors: string[];
      try {
        errors = flattenErrors((JSON.parse(result.stderr) as { errors?: ValidatorError[] }).errors ?? []);
      } catch {
        errors = [result.stderr.trim() || `action-validator exited with ${result.code}`];
      }
      return { file, ok: false, errors: errors.length > 0 ? errors : [`action-validator exited with ${result.code}`] };
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2] ? resolve(process.argv[2]) : WORKFLOWS_DIR;
  const results = await lintWorkflows(dir);
  if (results.length === 0) {
    process.stderr.write(`lint:workflows: no workflow files in ${dir}\n`);
    process.exitCode = 1;
  }
  for (const result of results) {
    const name = relative(REPO_ROOT, result.file);
    process.stdout.write(`${result.ok ? 'ok  ' : 'FAIL'} ${name}\n`);
    for (const error of result.errors) process.stdout.write(`     ${error}\n`);
    if (!result.ok) process.exitCode = 1;
  }
}
