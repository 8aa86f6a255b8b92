import { join, resolve } from 'node:path';
import { parseArgs, USAGE, UsageError } from './args.js';
import { DEFAULT_STAGE_IDS } from './model.js';
import { REPORTS_DIR_NAME, runConformance } from './suite.js';
import { TargetError } from './target.js';

async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`billerkit-conformance: ${error.message} (--help lists the options)\n`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.mutation?.drifts) {
    const { selectDrifts } = await import('./mutation/run.js');
    try {
      selectDrifts(args.mutation);
    } catch (error) {
      process.stderr.write(`billerkit-conformance: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
  }
  // Everything is written under the working directory: reports to ./billerkit-reports (or --out), this
  // run's pact files beside them unless --pacts names a folder (the monorepo passes its committed pacts/).
  // Without a consumer stage in the run, verification reads --pacts or the pacts shipped in the package.
  const reportsDir = resolve(args.reportsDir ?? REPORTS_DIR_NAME);
  const pactsDir = args.pactsDir ? resolve(args.pactsDir) : undefined;
  try {
    const stages = args.mutation
      ? [...(args.stages ?? DEFAULT_STAGE_IDS).filter((id) => id !== 'mutation'), 'mutation' as const]
      : args.stages;
    const { result } = await runConformance({
      targets: args.targets,
      ...(stages ? { stages } : {}),
      reportsDir,
      stageOptions: {
        consumer: { publishDir: pactsDir ?? join(reportsDir, 'pacts') },
        verify: pactsDir ? { pactsDir } : {},
        mutation: { ...args.mutation, ...(pactsDir ? { pactsDir } : {}) },
      },
      write: (text) => process.stdout.write(text),
    });
    return result.passed ? 0 : 1;
  } catch (error) {
    if (error instanceof TargetError) {
      process.stderr.write(`billerkit-conformance: ${error.message}\nNothing was sent.\n`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`billerkit-conformance: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
