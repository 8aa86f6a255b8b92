import type { Check, StageId, StageResult, SuiteResult } from './model.js';
import type { MutationReport } from './mutation/run.js';
import { DEFAULT_STAGE_IDS, STAGE_IDS, STAGE_TITLES, stageStatusOf } from './model.js';
import type { Target } from './target.js';

/** What a stage gives back; the runner adds the id, title, status and timing. */
export interface StageOutcome {
  checks: Check[];
  notes?: string[];
  /** Set when the stage could not run at all (e.g. no target for either provider); its checks are ignored. */
  skipped?: string;
  /** The deviation ledger rendered by the samples stage. */
  ledger?: string;
  /** The drift verdicts of the mutation stage. */
  mutation?: MutationReport;
}

export type ProgressEvent =
  | { type: 'stage-start'; stage: StageId; title: string; index: number; total: number }
  | { type: 'check'; stage: StageId; check: Check }
  | { type: 'stage-end'; result: StageResult; index: number; total: number };

export interface StageContext<O = unknown> {
  target: Target;
  /** The stage's own options, as passed in {@link RunOptions.stageOptions}. */
  options: O;
  /** Shared between stages of one run: the consumer stage leaves the pact files it wrote here. */
  shared: SharedState;
  /** Reports a finished check as soon as it is known, for live progress. */
  report(check: Check): void;
}

export interface SharedState {
  /** Pact files written by the consumer stage in this run; the verification stage verifies these. */
  pactFiles?: string[];
  /** The same files' folder. */
  pactDir?: string;
}

export type StageRun<O = unknown> = (context: StageContext<O>) => Promise<StageOutcome>;

export type StageRegistry = Record<StageId, StageRun<never>>;

export interface RunOptions {
  target: Target;
  stages: Partial<StageRegistry>;
  /** Which stages to run, in suite order; the registered default stages (all but mutation) by default. */
  only?: readonly StageId[];
  stageOptions?: Partial<Record<StageId, unknown>>;
  onEvent?: (event: ProgressEvent) => void;
}

/**
 * Runs the stages one after another. A stage that throws fails with one check that says where;
 * later stages still run, so a broken lint does not hide a broken client.
 */
export async function runSuite(options: RunOptions): Promise<SuiteResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const selected = STAGE_IDS.filter((id) => options.stages[id] && (options.only ?? DEFAULT_STAGE_IDS).includes(id));
  const shared: SharedState = {};
  const results: StageResult[] = [];
  let ledger: string | undefined;
  let mutation: MutationReport | undefined;
  const emit = (event: ProgressEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // Progress output must never break a run.
    }
  };

  for (const [index, id] of selected.entries()) {
    const title = STAGE_TITLES[id];
    emit({ type: 'stage-start', stage: id, title, index, total: selected.length });
    const started = performance.now();
    const reported: Check[] = [];
    const context: StageContext<never> = {
      target: options.target,
      options: options.stageOptions?.[id] as never,
      shared,
      report(check) {
        reported.push(check);
        emit({ type: 'check', stage: id, check });
      },
    };
    let result: StageResult;
    try {
      const run = options.stages[id] as StageRun<never>;
      const outcome = await run(context);
      // Checks already reported live are not repeated; the outcome may add more.
      const extra = outcome.checks.filter((check) => !reported.includes(check));
      for (const check of extra) emit({ type: 'check', stage: id, check });
      const checks = [...reported, ...extra];
      if (outcome.ledger !== undefined) ledger = outcome.ledger;
      if (outcome.mutation !== undefined) mutation = outcome.mutation;
      result = outcome.skipped
        ? {
            id,
            title,
            status: 'skipped',
            reason: outcome.skipped,
            checks,
            durationMs: performance.now() - started,
            notes: outcome.notes ?? [],
          }
        : { id, title, status: stageStatusOf(checks), checks, durationMs: performance.now() - started, notes: outcome.notes ?? [] };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const crash: Check = { name: `${title} could not finish`, status: 'failed', message };
      emit({ type: 'check', stage: id, check: crash });
      result = { id, title, status: 'failed', checks: [...reported, crash], durationMs: performance.now() - started, notes: [] };
    }
    results.push(result);
    emit({ type: 'stage-end', result, index, total: selected.length });
  }

  return {
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
    target: options.target.description,
    stages: results,
    ...(ledger !== undefined ? { ledger } : {}),
    ...(mutation !== undefined ? { mutation } : {}),
    passed: results.every((stage) => stage.status !== 'failed'),
  };
}
