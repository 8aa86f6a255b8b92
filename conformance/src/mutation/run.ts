/**
 * Mutation testing of the suite itself: the provider verification and the scenarios run against a
 * mutating proxy in front of a fresh sandbox, once faithful (the baseline, which must pass) and once per
 * drift. A drift is killed when a check fails; which checks failed is the report.
 */
import { type Sandbox, startSandbox } from '@billerkit/sandbox';
import type { Check, Provider, StageId } from '../model.js';
import { runSuite, type StageContext, type StageOutcome, type StageRegistry } from '../runner.js';
import { httpControl, secretsOf, type Target } from '../target.js';
import type { Drift, DriftClass, DriftFormat } from './drift.js';
import { espayDrifts, MUTATION_ANSWER_BUDGET_MS } from './drifts-espay.js';
import { iakDrifts } from './drifts-iak.js';
import { startMutatingProxy } from './proxy.js';

export type DriftStatus = 'killed' | 'survived' | 'never fired' | 'accepted';

export interface Killer {
  stage: StageId;
  check: string;
  /** The check needs the sandbox state API: against a host without one it would not run. */
  needsState: boolean;
}

export interface DriftVerdict {
  id: string;
  provider: Provider;
  format: DriftFormat;
  class: DriftClass;
  title: string;
  status: DriftStatus;
  /** Exchanges the proxy changed. */
  fired: number;
  killers: Killer[];
  accepted?: string;
}

export interface MutationReport {
  /** The faithful proxy's run: every check must pass, or no verdict means anything. */
  baseline: { passed: boolean; failures: string[] };
  drifts: DriftVerdict[];
  answerBudgetMs: number;
}

export interface MutationOptions {
  /** Drift ids to run (all by default). */
  drifts?: readonly string[];
  /** Only the quick subset (CI on every change). */
  quick?: boolean;
  /** Pact files to verify; the consumer stage's of this run, else the verify stage's default. */
  pactsDir?: string;
}

/** Every drift of the in-repository set. */
export function allDrifts(): Drift[] {
  return [...espayDrifts(), ...iakDrifts()];
}

export function selectDrifts(options: MutationOptions): Drift[] {
  const all = allDrifts();
  if (options.drifts && options.drifts.length > 0) {
    const unknown = options.drifts.filter((id) => !all.some((d) => d.id === id));
    if (unknown.length > 0) throw new Error(`unknown drift ${unknown.join(', ')}; drifts are ${all.map((d) => d.id).join(', ')}`);
    return all.filter((d) => options.drifts?.includes(d.id));
  }
  return options.quick ? all.filter((d) => d.quick) : all;
}

interface RunInput {
  sandbox: Sandbox;
  drift: Drift | undefined;
  providers: readonly Provider[];
  stages: Partial<StageRegistry>;
  pactsDir: string | undefined;
}

/** One run of verification and scenarios behind the proxy; the failed checks and how often the drift fired. */
async function runBehindProxy({
  sandbox,
  drift,
  providers,
  stages,
  pactsDir,
}: RunInput): Promise<{ failed: (Check & { stage: StageId })[]; fired: number }> {
  const { espay, iak } = sandbox.credentials;
  const proxy = await startMutatingProxy(sandbox.url, drift, { credentials: { espay, iak } });
  try {
    // Control goes through the proxy too: it forwards /__sandbox/* untouched.
    const control = httpControl(proxy.url);
    const target: Target = {
      description: { kind: 'embedded', espay: proxy.url, iak: proxy.url, stateApi: true },
      ...(providers.includes('espay') ? { espay: { baseUrl: proxy.url, credentials: espay, control } } : {}),
      ...(providers.includes('iak') ? { iak: { baseUrl: proxy.url, credentials: iak, control } } : {}),
      missing: {},
      secrets: secretsOf(espay, iak),
      close: async () => {},
    };
    const result = await runSuite({
      target,
      stages,
      only: ['verify', 'scenarios'],
      stageOptions: {
        verify: { providers, answerTimeoutMs: MUTATION_ANSWER_BUDGET_MS, ...(pactsDir ? { pactsDir } : {}) },
        scenarios: { answerTimeoutMs: MUTATION_ANSWER_BUDGET_MS },
      },
    });
    const failed = result.stages.flatMap((stage) =>
      stage.checks.filter((c) => c.status === 'failed').map((c) => ({ ...c, stage: stage.id })),
    );
    return { failed, fired: proxy.fired() };
  } finally {
    await proxy.close();
  }
}

function verdictOf(drift: Drift, failed: (Check & { stage: StageId })[], fired: number): DriftVerdict {
  const killers = failed.map((c) => ({ stage: c.stage, check: c.name, needsState: c.needsState === true }));
  const status: DriftStatus = killers.length > 0 ? 'killed' : fired === 0 ? 'never fired' : drift.accepted ? 'accepted' : 'survived';
  return {
    id: drift.id,
    provider: drift.provider,
    format: drift.format,
    class: drift.class,
    title: drift.title,
    status,
    fired,
    killers,
    ...(drift.accepted ? { accepted: drift.accepted } : {}),
  };
}

/** The check a drift verdict becomes in the stage: a survivor or a drift that never fired fails it. */
function checkOf(verdict: DriftVerdict): Check {
  const stages = [...new Set(verdict.killers.map((k) => k.stage))];
  const name = `drift ${verdict.id}: ${verdict.title}`;
  const base = { name, provider: verdict.provider, operation: verdict.class };
  switch (verdict.status) {
    case 'killed':
      return { ...base, status: 'passed', message: `killed by ${verdict.killers.length} check(s) in ${stages.join(' and ')}` };
    case 'accepted':
      return { ...base, status: 'passed', message: `accepted: ${verdict.accepted}` };
    case 'never fired':
      return {
        ...base,
        status: 'failed',
        message: `${verdict.provider} ${verdict.class}: the drift never changed an answer, so it says nothing about the suite`,
      };
    default:
      return {
        ...base,
        status: 'failed',
        message: `${verdict.provider} ${verdict.class}: survived: the proxy changed ${verdict.fired} exchange(s) and every check passed`,
      };
  }
}

/**
 * The mutation stage: a fresh deterministic sandbox, a baseline behind a faithful proxy, then one run
 * per drift (only the drifting provider's checks: the other provider's are the baseline's).
 */
export async function mutationStage(
  context: StageContext<MutationOptions | undefined>,
  stages: Partial<StageRegistry>,
): Promise<StageOutcome & { mutation: MutationReport }> {
  const options = context.options ?? {};
  const drifts = selectDrifts(options);
  const pactsDir = context.shared.pactDir ?? options.pactsDir;
  const sandbox = await startSandbox({ deterministic: true });
  try {
    const providers = [...new Set(drifts.map((d) => d.provider))];
    const baseline = await runBehindProxy({ sandbox, drift: undefined, providers, stages, pactsDir });
    const baselineCheck: Check = {
      name: 'baseline: every check passes behind a faithful proxy',
      status: baseline.failed.length === 0 ? 'passed' : 'failed',
      ...(baseline.failed.length
        ? {
            message: `the suite fails without any drift, so no kill can be trusted:\n${baseline.failed.map((c) => `${c.stage}: ${c.name}: ${c.message ?? ''}`).join('\n')}`,
          }
        : {}),
    };
    context.report(baselineCheck);
    const verdicts: DriftVerdict[] = [];
    for (const drift of drifts) {
      const run = await runBehindProxy({ sandbox, drift, providers: [drift.provider], stages, pactsDir });
      const verdict = verdictOf(drift, run.failed, run.fired);
      verdicts.push(verdict);
      context.report(checkOf(verdict));
    }
    const mutation: MutationReport = {
      baseline: { passed: baseline.failed.length === 0, failures: baseline.failed.map((c) => `${c.stage}: ${c.name}`) },
      drifts: verdicts,
      answerBudgetMs: MUTATION_ANSWER_BUDGET_MS,
    };
    const killed = verdicts.filter((v) => v.status === 'killed').length;
    const accepted = verdicts.filter((v) => v.status === 'accepted').length;
    const notes = [
      `${killed} of ${verdicts.length - accepted} drift(s) killed (${accepted} accepted with a reason); answer budget ${MUTATION_ANSWER_BUDGET_MS / 1000} s`,
      `sandbox ${sandbox.url} behind a mutating proxy; /__sandbox/* forwarded untouched`,
    ];
    return { checks: [], notes, mutation };
  } finally {
    await sandbox.close();
  }
}
