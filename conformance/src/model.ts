/**
 * The result model every stage reports in and every report is rendered from. Plain data only, so a
 * run can be serialised (the verification child process sends its checks back as JSON).
 */
import type { MutationReport } from './mutation/run.js';

export type Provider = 'espay' | 'iak';
export type CheckStatus = 'passed' | 'failed' | 'skipped';
export type StageStatus = 'passed' | 'failed' | 'skipped';

export type StageId = 'lint' | 'samples' | 'consumer' | 'verify' | 'scenarios' | 'corpus' | 'mutation';

/** The order stages run in, and the names the CLI's `--stage` accepts. */
export const STAGE_IDS: readonly StageId[] = ['lint', 'samples', 'consumer', 'verify', 'scenarios', 'corpus', 'mutation'];

/** What a run does unless told otherwise: mutation testing of the suite is asked for (`--mutation`), being slow. */
export const DEFAULT_STAGE_IDS: readonly StageId[] = ['lint', 'samples', 'consumer', 'verify', 'scenarios', 'corpus'];

export const STAGE_TITLES: Readonly<Record<StageId, string>> = {
  lint: 'Spec lint',
  samples: 'Recorded samples',
  consumer: 'Pact consumer tests',
  verify: 'Provider verification',
  scenarios: 'Scenarios',
  corpus: 'IAK SDK corpus',
  mutation: 'Mutation testing',
};

/** One HTTP exchange as it went over the wire. Bodies are text; secrets are removed before a report is written. */
export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  response?: { status: number; headers: Record<string, string>; body: string };
  /** Transport failure (connection refused, timeout) when there is no response. */
  error?: string;
  /** Spec violations found in this exchange, one line each, naming the field. */
  issues?: string[];
}

export interface Check {
  name: string;
  provider?: Provider;
  /** The spec's operationId (or IAK command) this check exercises, when it has one. */
  operation?: string;
  status: CheckStatus;
  /** Why it failed or was skipped; for failures it names the operation and the field. */
  message?: string;
  durationMs?: number;
  exchanges?: Exchange[];
  /** The check only runs where the target answers the sandbox state API (`/__sandbox/state`). */
  needsState?: boolean;
}

export interface StageResult {
  id: StageId;
  title: string;
  status: StageStatus;
  /** Set when the whole stage was skipped. */
  reason?: string;
  checks: Check[];
  durationMs: number;
  /** Facts worth showing next to the stage: lint totals, where the pact files went. */
  notes: string[];
}

export interface TargetDescription {
  kind: 'embedded' | 'remote';
  espay: string;
  iak: string;
  /** Whether the target answers `/__sandbox/state` (provider states). */
  stateApi: boolean;
}

export interface SuiteResult {
  startedAt: string;
  durationMs: number;
  target: TargetDescription;
  stages: StageResult[];
  /** The deviation ledger as rendered in this run (markdown), when the samples stage ran. */
  ledger?: string;
  /** Drift verdicts, when the mutation stage ran. */
  mutation?: MutationReport;
  passed: boolean;
}

export function countChecks(checks: readonly Check[]): { total: number; passed: number; failed: number; skipped: number } {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const check of checks) {
    if (check.status === 'passed') passed++;
    else if (check.status === 'failed') failed++;
    else skipped++;
  }
  return { total: checks.length, passed, failed, skipped };
}

/** A stage fails when any check failed; a stage with only skipped checks (or none, by decision) is skipped. */
export function stageStatusOf(checks: readonly Check[]): StageStatus {
  if (checks.some((check) => check.status === 'failed')) return 'failed';
  if (checks.length > 0 && checks.every((check) => check.status === 'skipped')) return 'skipped';
  return 'passed';
}
