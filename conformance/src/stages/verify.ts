import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PactInteractionJson, type PactVerification, stateSetup } from '@billerkit/pact';
import { exchangeIssues } from '../echo.js';
import type { Check, Exchange, Provider } from '../model.js';
import { type PactCase, pactFileName, PACTICIPANTS } from '../pact/common.js';
import { espayCases } from '../pact/espay-cases.js';
import { iakCases } from '../pact/iak-cases.js';
import type { VerifyJob } from '../pact/verify-child.js';
import type { StageContext, StageOutcome } from '../runner.js';
import { originOf, type ProviderTarget } from '../target.js';

export interface VerifyOptions {
  /** Pact files to verify when the consumer stage did not run in this process: the package's pacts/ by default. */
  pactsDir?: string;
  providers?: readonly Provider[];
  /** How long each answer may take; 30 s (the verifier's default) unless set. */
  answerTimeoutMs?: number;
}

const DEFAULT_PACTS_DIR = fileURLToPath(new URL('../../pacts/', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** The child next to this module: TypeScript through tsx when running from src/, compiled JavaScript from dist/. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const CHILD = fileURLToPath(new URL(`../pact/verify-child.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url));
const CHILD_TIMEOUT_MS = 120_000;

function runChild(job: VerifyJob): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(FROM_SOURCE ? ['--import', 'tsx'] : []), CHILD], {
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

function casesOf(provider: Provider): PactCase<unknown>[] {
  return (provider === 'espay' ? espayCases() : iakCases()) as PactCase<unknown>[];
}

/** The operation an interaction exercises: from the suite's own cases, else from its request. */
function operationOf(interaction: PactInteractionJson, byDescription: Map<string, PactCase<unknown>>): string {
  return (
    byDescription.get(interaction.description)?.interaction.operation ??
    `${interaction.request?.method ?? '?'} ${interaction.request?.path ?? '?'}`
  );
}

interface Triage {
  checks: Check[];
  runnable: PactInteractionJson[];
  /** Descriptions of runnable interactions whose provider state needs the sandbox state API. */
  stateBound: Set<string>;
}

/** The verifier records the path only; the exchange checks name operations from a full URL. */
function absolute(exchange: Exchange, baseUrl: string): Exchange {
  return { ...exchange, request: { ...exchange.request, url: new URL(exchange.request.url, baseUrl).href } };
}

/** Paths of the echoed identifiers in Espay, IAK JSON and IAK XML answers. */
const ECHO_PATHS = ['$.rq_uuid', '$.data.ref_id', '$.mp.ref_id.#text'];

/** The interaction with its echoed ids matched by type: for hosts that are sent fresh ids. */
function relaxEchoes(interaction: PactInteractionJson): PactInteractionJson {
  const copy = JSON.parse(JSON.stringify(interaction)) as PactInteractionJson & {
    response?: { matchingRules?: { body?: Record<string, unknown> } };
  };
  if (!copy.response) return copy;
  const rules = copy.response.matchingRules ?? {};
  const body: Record<string, unknown> = { ...rules.body };
  for (const path of ECHO_PATHS) body[path] = { combine: 'AND', matchers: [{ match: 'type' }] };
  copy.response.matchingRules = { ...rules, body };
  return copy;
}

/** Interactions whose state the sandbox does not know fail; those needing the control API are skipped where there is none. */
function triage(
  provider: Provider,
  target: ProviderTarget<unknown>,
  interactions: PactInteractionJson[],
  byDescription: Map<string, PactCase<unknown>>,
): Triage {
  const checks: Check[] = [];
  const runnable: PactInteractionJson[] = [];
  const stateBound = new Set<string>();
  for (const interaction of interactions) {
    const states = (interaction.providerStates ?? []).map((s) => ({ name: s.name, setup: stateSetup(s.name, s.params ?? {}) }));
    const unknown = states.filter((s) => s.setup === undefined).map((s) => s.name);
    const base = { name: interaction.description, provider, operation: operationOf(interaction, byDescription) };
    if (unknown.length > 0) {
      checks.push({
        ...base,
        status: 'failed',
        message: `${provider} ${base.operation}: provider state "${unknown.join('", "')}" is not one this suite knows how to set up`,
      });
    } else if (states.some((s) => s.setup?.requiresControl) && !target.control) {
      const names = states.map((s) => s.name).join('", "');
      checks.push({
        ...base,
        status: 'skipped',
        needsState: true,
        message: `needs provider state "${names}", which only a sandbox answering /__sandbox/state can be put in; ${target.baseUrl} does not`,
      });
    } else {
      runnable.push(interaction);
      if (states.some((s) => s.setup?.requiresControl)) stateBound.add(interaction.description);
    }
  }
  return { checks, runnable, stateBound };
}

async function verifyProvider(
  provider: Provider,
  target: ProviderTarget<unknown>,
  file: string,
  context: StageContext<VerifyOptions | undefined>,
): Promise<{ checks: Check[]; note: string }> {
  const pact = JSON.parse(readFileSync(file, 'utf8')) as { interactions: PactInteractionJson[] } & Record<string, unknown>;
  const byDescription = new Map(casesOf(provider).map((c) => [c.interaction.description, c]));
  const { checks, runnable, stateBound } = triage(provider, target, pact.interactions, byDescription);
  if (runnable.length === 0) return { checks, note: `${provider}: nothing to verify against ${target.baseUrl}` };

  const work = mkdtempSync(join(tmpdir(), 'billerkit-verify-'));
  const pactFile = join(work, pactFileName(provider));
  // A host without provider states gets fresh ids, so the echoes the pact matches exactly are matched by
  // type there; the echo check below still compares each answer with the request actually sent.
  const interactions = target.control ? runnable : runnable.map(relaxEchoes);
  writeFileSync(pactFile, JSON.stringify({ ...pact, interactions }, null, 2));
  const resultFile = join(work, 'result.json');
  const targetAll = context.target;
  const job: VerifyJob = {
    provider,
    pactFile,
    providerBaseUrl: target.baseUrl,
    credentials: {
      ...(targetAll.espay ? { espay: targetAll.espay.credentials } : {}),
      ...(targetAll.iak ? { iak: targetAll.iak.credentials } : {}),
    },
    ...(target.control ? { controlOrigin: originOf(target.baseUrl) } : {}),
    freshIds: !target.control,
    resultFile,
    ...(context.options?.answerTimeoutMs !== undefined ? { timeoutMs: context.options.answerTimeoutMs } : {}),
  };
  const started = performance.now();
  const run = await runChild(job);
  const elapsed = performance.now() - started;
  const failedToRun = (why: string) => {
    checks.push({ name: `verify ${pactFileName(provider)}`, provider, status: 'failed', message: `${provider}: ${why}` });
    return { checks, note: `${provider}: verifier failed to run` };
  };
  if (!existsSync(resultFile))
    return failedToRun(`the verifier did not finish: ${run.stderr.trim().split('\n').slice(-5).join('\n') || `exit code ${run.code}`}`);
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as PactVerification;
  if (result.error !== undefined && result.interactions.every((v) => !v.passed))
    return failedToRun(`the verifier could not run: ${result.error}`);
  const perInteraction = elapsed / runnable.length;
  result.interactions.forEach((verdict, index) => {
    const interaction = runnable[index] as PactInteractionJson;
    const operation = operationOf(interaction, byDescription);
    const base = {
      name: verdict.description,
      provider,
      operation,
      durationMs: perInteraction,
      ...(stateBound.has(verdict.description) ? { needsState: true } : {}),
    };
    const echoes = verdict.exchanges
      .flatMap((exchange) => exchangeIssues(provider, absolute(exchange, target.baseUrl)))
      .map((issue) => `${provider} ${issue}`);
    if (verdict.passed && echoes.length === 0) {
      checks.push({ ...base, status: 'passed' });
      return;
    }
    const mismatches = verdict.passed
      ? []
      : [`${provider} ${operation}: ${PACTICIPANTS[provider].provider} did not honour "${verdict.description}"`, ...verdict.mismatches];
    checks.push({ ...base, status: 'failed', message: [...mismatches, ...echoes].join('\n'), exchanges: verdict.exchanges });
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
        return {
          checks: [
            {
              name: `verify ${pactFileName(provider)}`,
              provider,
              status: 'skipped',
              message: context.target.missing[provider] ?? 'no target',
            },
          ],
        };
      }
      const file = join(dir, pactFileName(provider));
      if (!existsSync(file)) {
        return {
          checks: [
            {
              name: `verify ${pactFileName(provider)}`,
              provider,
              status: 'failed',
              message: `${file} does not exist; run the consumer stage first`,
            },
          ],
        };
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
  return {
    checks: [],
    notes,
    ...(allSkipped ? { skipped: 'no interaction could be verified against this target (see the checks for why)' } : {}),
  };
}
