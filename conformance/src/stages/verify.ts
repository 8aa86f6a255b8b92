import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Check, Exchange, Provider } from '../model.js';
import { type PactCase, pactFileName, PACTICIPANTS, type SandboxStep } from '../pact/common.js';
import { espayCases } from '../pact/espay-cases.js';
import { iakCases } from '../pact/iak-cases.js';
import type { VerifyChildResult, VerifyJob } from '../pact/verify-child.js';
import type { StageContext, StageOutcome } from '../runner.js';
import { originOf, type ProviderTarget } from '../target.js';

export interface VerifyOptions {
  /** Pact files to verify when the consumer stage did not run in this process: conformance/pacts by default. */
  pactsDir?: string;
  providers?: readonly Provider[];
}

const DEFAULT_PACTS_DIR = fileURLToPath(new URL('../../pacts/', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('../pact/verify-child.ts', import.meta.url));
const CHILD_TIMEOUT_MS = 120_000;

interface PactInteraction {
  description: string;
  providerStates?: { name: string; params?: Record<string, unknown> }[];
  request?: { method?: string; path?: string };
}

interface CoreReport {
  interactionResults?: { description: string; result: string; duration?: string }[];
  errors?: { interaction: string; mismatch?: { type?: string; message?: string; mismatches?: CoreMismatch[] } }[];
}

interface CoreMismatch {
  type?: string;
  path?: string;
  key?: string;
  mismatch?: string;
  expected?: unknown;
  actual?: unknown;
}

function runChild(job: VerifyJob): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, PACT_DO_NOT_TRACK: 'true' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // Credentials go over stdin: never in argv (visible to `ps`) or the environment.
    child.stdin.end(JSON.stringify(job));
  });
}

function describeMismatch(m: CoreMismatch): string {
  const where = m.path ?? (m.key ? `header ${m.key}` : m.type === 'StatusMismatch' ? 'status' : '');
  return `${where ? `${where}: ` : ''}${m.mismatch ?? JSON.stringify(m)}`;
}

function casesOf(provider: Provider): PactCase<unknown>[] {
  return (provider === 'espay' ? espayCases() : iakCases()) as PactCase<unknown>[];
}

/** The operation an interaction exercises: from the suite's own cases, else from its request. */
function operationOf(interaction: PactInteraction, byDescription: Map<string, PactCase<unknown>>): string {
  return byDescription.get(interaction.description)?.operation ?? `${interaction.request?.method ?? '?'} ${interaction.request?.path ?? '?'}`;
}

async function verifyProvider(
  provider: Provider,
  target: ProviderTarget<unknown>,
  file: string,
  context: StageContext<VerifyOptions | undefined>,
): Promise<{ checks: Check[]; note: string }> {
  const pact = JSON.parse(readFileSync(file, 'utf8')) as { interactions: PactInteraction[] } & Record<string, unknown>;
  const cases = casesOf(provider);
  const byDescription = new Map(cases.map((c) => [c.description, c]));
  const states = new Map<string, { setup: SandboxStep[]; requiresControl: boolean }>();
  for (const c of cases) states.set(c.state.name, { setup: c.state.setup, requiresControl: c.state.requiresControl });

  const checks: Check[] = [];
  const runnable: PactInteraction[] = [];
  for (const interaction of pact.interactions) {
    const stateNames = (interaction.providerStates ?? []).map((s) => s.name);
    const unknown = stateNames.filter((name) => !states.has(name));
    const needsControl = stateNames.some((name) => states.get(name)?.requiresControl);
    const base = { name: `${interaction.description}`, provider, operation: operationOf(interaction, byDescription) };
    if (unknown.length > 0) {
      checks.push({ ...base, status: 'failed', message: `${provider} ${base.operation}: provider state "${unknown.join('", "')}" is not one this suite knows how to set up` });
    } else if (needsControl && !target.control) {
      checks.push({
        ...base,
        status: 'skipped',
        message: `needs provider state "${stateNames.join('", "')}", which only a sandbox answering /__sandbox/state can be put in; ${target.baseUrl} does not`,
      });
    } else {
      runnable.push(interaction);
    }
  }
  if (runnable.length === 0) return { checks, note: `${provider}: nothing to verify against ${target.baseUrl}` };

  const work = mkdtempSync(join(tmpdir(), 'billerkit-verify-'));
  const pactFile = join(work, pactFileName(provider));
  writeFileSync(pactFile, JSON.stringify({ ...pact, interactions: runnable }, null, 2));
  const stateSteps: Record<string, SandboxStep[]> = {};
  for (const [name, state] of states) stateSteps[name] = state.setup;
  const resultFile = join(work, 'result.json');
  const targetAll = context.target;
  const job: VerifyJob = {
    provider,
    pactFile,
    providerBaseUrl: target.baseUrl,
    resign: { ...(targetAll.espay ? { espay: targetAll.espay.credentials } : {}), ...(targetAll.iak ? { iak: targetAll.iak.credentials } : {}) },
    ...(target.control ? { controlOrigin: originOf(target.baseUrl) } : {}),
    states: stateSteps,
    freshIds: !target.control,
    resultFile,
  };
  const started = performance.now();
  const run = await runChild(job);
  const elapsed = performance.now() - started;
  if (!existsSync(resultFile)) {
    const why = run.stderr.trim().split('\n').slice(-5).join('\n') || `exit code ${run.code}`;
    checks.push({ name: `verify ${pactFileName(provider)}`, provider, status: 'failed', message: `${provider}: the verifier did not finish: ${why}` });
    return { checks, note: `${provider}: verifier failed to run` };
  }
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as VerifyChildResult;
  if (!result.report) {
    checks.push({ name: `verify ${pactFileName(provider)}`, provider, status: 'failed', message: `${provider}: the verifier could not run: ${result.error ?? 'no report'}` });
    return { checks, note: `${provider}: verifier failed to run` };
  }
  const report = result.report as CoreReport;
  const resultsByDescription = new Map((report.interactionResults ?? []).map((r) => [r.description, r]));
  const perInteraction = elapsed / runnable.length;
  runnable.forEach((interaction, index) => {
    const operation = operationOf(interaction, byDescription);
    const outcome = resultsByDescription.get(interaction.description);
    const errors = (report.errors ?? []).filter((e) => e.interaction.endsWith(` - ${interaction.description}`));
    const exchanges: Exchange[] = result.exchanges[index] ?? [];
    const base = { name: interaction.description, provider, operation, durationMs: perInteraction };
    if (outcome?.result === 'OK' && errors.length === 0) {
      checks.push({ ...base, status: 'passed' });
      return;
    }
    const lines = errors.flatMap((e) => (e.mismatch?.mismatches ?? []).map(describeMismatch).concat(e.mismatch?.message ? [e.mismatch.message] : []));
    checks.push({
      ...base,
      status: 'failed',
      message: `${provider} ${operation}: ${PACTICIPANTS[provider].provider} did not honour "${interaction.description}"${
        lines.length ? `\n${lines.join('\n')}` : outcome ? ` (${outcome.result})` : ' (no result reported)'
      }`,
      exchanges,
    });
  });
  return { checks, note: `${provider}: verified ${runnable.length} interaction(s) of ${pactFileName(provider)} against ${target.baseUrl}` };
}

/**
 * Stage 4: the pacts written by the consumer stage (or the committed ones) verified against the target,
 * with provider states set up through the sandbox's state API and requests re-signed for the target.
 */
export async function verifyStage(context: StageContext<VerifyOptions | undefined>): Promise<StageOutcome> {
  const providers = context.options?.providers ?? (['espay', 'iak'] as const);
  const dir = context.shared.pactDir ?? context.options?.pactsDir ?? DEFAULT_PACTS_DIR;
  const checks: Check[] = [];
  const notes: string[] = [];
  // Both providers' pacts are verified at once, each in its own process; their state handlers reset only their own provider.
  const outcomes = await Promise.all(
    providers.map(async (provider): Promise<{ checks: Check[]; note?: string }> => {
      const target = context.target[provider] as ProviderTarget<unknown> | undefined;
      if (!target) {
        return { checks: [{ name: `verify ${pactFileName(provider)}`, provider, status: 'skipped', message: context.target.missing[provider] ?? 'no target' }] };
      }
      const file = join(dir, pactFileName(provider));
      if (!existsSync(file)) {
        return { checks: [{ name: `verify ${pactFileName(provider)}`, provider, status: 'failed', message: `${file} does not exist; run the consumer stage first` }] };
      }
      return verifyProvider(provider, target, file, context);
    }),
  );
  for (const outcome of outcomes) {
    for (const check of outcome.checks) {
      checks.push(check);
      context.report(check);
    }
    if (outcome.note) notes.push(outcome.note);
  }
  const allSkipped = checks.length > 0 && checks.every((c) => c.status === 'skipped');
  return { checks: [], notes, ...(allSkipped ? { skipped: 'no interaction could be verified against this target (see the checks for why)' } : {}) };
}
