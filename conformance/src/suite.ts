import { join } from 'node:path';
import type { SandboxOptions } from '@billerkit/sandbox';
import { createPrinter, summaryTable } from './console.js';
import type { StageId, SuiteResult } from './model.js';
import { DEFAULT_STAGE_IDS } from './model.js';
import { consumerSecrets } from './pact/common.js';
import { redactorFor } from './redaction.js';
import { type ReportPaths, writeReports } from './report/index.js';
import { runSuite, type StageRegistry } from './runner.js';
import type { ConsumerOptions } from './stages/consumer.js';
import type { CorpusOptions } from './stages/corpus.js';
import { STAGES } from './stages/index.js';
import type { MutationOptions } from './mutation/run.js';
import type { LintOptions } from './stages/lint.js';
import type { SamplesOptions } from './stages/samples.js';
import type { ScenarioOptions } from './stages/scenarios.js';
import type { VerifyOptions } from './stages/verify.js';
import { parseTargets, remoteTarget, type Target, TargetError } from './target.js';

/** Where reports go unless told otherwise: `billerkit-reports/` of the working directory, never the package's own folder. */
export const REPORTS_DIR_NAME = 'billerkit-reports';

export interface StageOptionsMap {
  lint?: LintOptions;
  samples?: SamplesOptions;
  consumer?: ConsumerOptions;
  verify?: VerifyOptions;
  scenarios?: ScenarioOptions;
  corpus?: CorpusOptions;
  mutation?: MutationOptions;
}

export interface ConformanceOptions {
  /** `--target` values; none means the embedded sandbox. */
  targets?: readonly string[];
  env?: NodeJS.ProcessEnv;
  stages?: readonly StageId[];
  /** Reports folder (`./billerkit-reports` by default); `false` writes none (tests that only need the result). */
  reportsDir?: string | false;
  /** Options of the embedded sandbox, e.g. faults for a test that must see a stage fail. */
  sandbox?: SandboxOptions;
  stageOptions?: StageOptionsMap;
  /** Where progress goes; silent by default. */
  write?: (text: string) => void;
  /** Replaces stage implementations (tests). */
  registry?: Partial<StageRegistry>;
}

export interface ConformanceRun {
  result: SuiteResult;
  reports?: ReportPaths;
}

/**
 * The generation of IAK's published test numbers the scenarios expect: the scenario option, else
 * `BILLERKIT_IAK_GENERATION`, else the embedded sandbox's option, else `seed`. The embedded sandbox is
 * started in the same generation.
 */
function iakGeneration(options: ConformanceOptions, env: NodeJS.ProcessEnv): 'seed' | 'newer' {
  const fromEnv = env['BILLERKIT_IAK_GENERATION'];
  if (fromEnv !== undefined && fromEnv !== '' && fromEnv !== 'seed' && fromEnv !== 'newer') {
    throw new TargetError(`BILLERKIT_IAK_GENERATION must be "seed" or "newer", not ${JSON.stringify(fromEnv.slice(0, 20))}`);
  }
  return (
    options.stageOptions?.scenarios?.iakGeneration ??
    (fromEnv ? (fromEnv as 'seed' | 'newer') : undefined) ??
    options.sandbox?.iakTestNumberGeneration ??
    'seed'
  );
}

const NEEDS_TARGET: readonly StageId[] = ['verify', 'scenarios', 'corpus'];

/**
 * Resolves the target (checking `--target` values and credentials before anything is sent), runs the
 * stages, prints progress and the summary, writes the reports and closes the target.
 */
export async function runConformance(options: ConformanceOptions = {}): Promise<ConformanceRun> {
  const stages = options.stages ?? DEFAULT_STAGE_IDS;
  const write = options.write ?? (() => {});
  const urls = parseTargets(options.targets ?? []);
  const env = options.env ?? process.env;
  const generation = iakGeneration(options, env);
  const stageOptions: StageOptionsMap = {
    ...options.stageOptions,
    scenarios: { ...options.stageOptions?.scenarios, iakGeneration: generation },
  };
  let target: Target;
  if (Object.keys(urls).length > 0) {
    target = await remoteTarget({ urls, env });
  } else if (stages.some((id) => NEEDS_TARGET.includes(id))) {
    const { embeddedTarget } = await import('./embedded.js');
    target = await embeddedTarget({ iakTestNumberGeneration: generation, ...options.sandbox });
  } else {
    target = {
      description: { kind: 'embedded', espay: '(not started)', iak: '(not started)', stateApi: false },
      missing: {},
      secrets: [],
      close: async () => {},
    };
  }
  // The consumer stage's own (fake) credentials are redacted too: a Pact mismatch report can quote a request.
  const secrets = [...target.secrets, ...consumerSecrets()];
  const redact = redactorFor(secrets);
  const printer = createPrinter(write, redact);
  try {
    const d = target.description;
    write(
      `billerkit conformance — ${d.kind === 'embedded' ? 'embedded sandbox' : 'remote target'}: espay ${d.espay}, iak ${d.iak}; provider states ${d.stateApi ? 'available' : 'not available'}\n`,
    );
    const result = await runSuite({
      target,
      stages: { ...STAGES, ...options.registry },
      only: stages,
      stageOptions: stageOptions as Partial<Record<StageId, unknown>>,
      onEvent: (event) => printer.onEvent(event),
    });
    write(`\n${summaryTable(result)}\n`);
    let reports: ReportPaths | undefined;
    if (options.reportsDir !== false) {
      reports = writeReports(result, options.reportsDir ?? join(process.cwd(), REPORTS_DIR_NAME), secrets);
      write(`\nReports: ${reports.html}\n         ${reports.markdown} (summary)\n         ${reports.junit} (JUnit)\n`);
      if (reports.mutation) write(`         ${reports.mutation.markdown} (mutation report)\n`);
    }
    return { result, ...(reports ? { reports } : {}) };
  } finally {
    await target.close();
  }
}
