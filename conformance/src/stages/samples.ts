import { existsSync, readFileSync } from 'node:fs';
import { iakCommands } from '@billerkit/validators';
import type { Check } from '../model.js';
import type { StageContext, StageOutcome } from '../runner.js';
import { checkSamples, describeMismatch } from '../samples/check.js';
import { renderLedger } from '../samples/ledger.js';
import { loadSamples } from '../samples/load.js';
import { LEDGER_FILE } from '../samples/write-ledger.js';

export interface SamplesOptions {
  /** Samples folder; conformance/samples by default. */
  samplesDir?: string;
  /** The committed ledger to compare with; conformance/DEVIATIONS.md by default. */
  ledgerFile?: string | URL;
}

/**
 * IAK samples name the one endpoint (`billCheck`); the report's per-operation view uses the command, which
 * the message's component tells (`InqPascaRequest` → `inq-pasca`, `InqPascaResult` → `inq-pasca`).
 */
function operationOf(provider: string, operation: string, component: string): string {
  if (provider !== 'iak' || operation !== 'billCheck') return operation;
  const stem = component.replace(/(XmlResponse|Request|Response|Result)$/, '');
  const match = Object.values(iakCommands).find((c) => c.requestComponent.replace(/Request$/, '') === stem);
  return match?.command ?? operation;
}

/** Where two texts first differ, as a one-line hint (the ledger is regenerated, not hand-edited). */
function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i])
      return `line ${i + 1}: committed ${JSON.stringify(a[i] ?? '(end of file)')}, regenerated ${JSON.stringify(b[i] ?? '(end of file)')}`;
  }
  return 'identical';
}

/**
 * Stage 2: every recorded sample message validated in both profiles against what its file expects, the
 * strict failures explained, and the deviation ledger regenerated and compared with the committed one.
 */
export async function samplesStage(context: StageContext<SamplesOptions | undefined>): Promise<StageOutcome> {
  const samples = loadSamples(context.options?.samplesDir);
  const results = checkSamples(samples);
  const checks: Check[] = [];
  for (const result of results) {
    const base = `${result.sample.file} #${result.index} ${result.message.direction} ${result.message.component}`;
    const check: Check = {
      name: `${base} (strict ${result.verdicts.strict}, tolerant ${result.verdicts.tolerant})`,
      provider: result.sample.provider,
      operation: operationOf(result.sample.provider, result.sample.operation, result.message.component),
      status: 'passed',
    };
    const problems: string[] = [];
    if (result.mismatches.length > 0) problems.push(describeMismatch(result));
    if (result.verdicts.tolerant === 'fail' && !result.mismatches.includes('tolerant')) {
      problems.push(`${base}: fails the tolerant profile, which must accept everything a provider was recorded sending`);
    }
    if (result.verdicts.strict === 'fail' && !result.message.note?.trim()) {
      problems.push(`${base}: breaks the strict profile but has no note saying why the provider sends it`);
    }
    if (problems.length > 0) {
      check.status = 'failed';
      check.message = problems.join('\n');
    }
    checks.push(check);
    context.report(check);
  }
  if (samples.length === 0) {
    const check: Check = {
      name: 'recorded samples exist',
      status: 'failed',
      message: 'no *.sample.json files found under conformance/samples/{espay,iak}',
    };
    checks.push(check);
    context.report(check);
  }

  const ledger = renderLedger(results);
  const ledgerFile = context.options?.ledgerFile ?? LEDGER_FILE;
  const committed = existsSync(ledgerFile) ? readFileSync(ledgerFile, 'utf8') : undefined;
  const ledgerCheck: Check =
    committed === ledger
      ? { name: 'deviation ledger DEVIATIONS.md is up to date', status: 'passed' }
      : {
          name: 'deviation ledger DEVIATIONS.md is up to date',
          status: 'failed',
          message:
            committed === undefined
              ? 'conformance/DEVIATIONS.md is missing; generate it: pnpm --filter @billerkit/conformance ledger'
              : `conformance/DEVIATIONS.md differs from the regenerated ledger (${firstDifference(committed, ledger)}); regenerate: pnpm --filter @billerkit/conformance ledger`,
        };
  context.report(ledgerCheck);

  const strictFailures = results.filter((r) => r.verdicts.strict === 'fail').length;
  const notes = [`${samples.length} samples, ${results.length} messages; ${strictFailures} recorded deviation(s) from the strict profile`];
  return { checks: [], notes, ledger };
}
