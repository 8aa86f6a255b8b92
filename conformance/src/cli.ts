import { resolve } from 'node:path';
import { parseArgs, USAGE, UsageError } from './args.js';
import { PACTS_DIR, runConformance } from './suite.js';
import { TargetError } from './target.js';

async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`conformance: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // The CLI writes the committed pact files; `pnpm --filter … test` writes its own into temp folders.
  const pactsDir = args.pactsDir ? resolve(args.pactsDir) : PACTS_DIR;
  try {
    const { result } = await runConformance({
      targets: args.targets,
      ...(args.stages ? { stages: args.stages } : {}),
      ...(args.reportsDir ? { reportsDir: resolve(args.reportsDir) } : {}),
      stageOptions: { consumer: { publishDir: pactsDir }, verify: { pactsDir } },
      write: (text) => process.stdout.write(text),
    });
    return result.passed ? 0 : 1;
  } catch (error) {
    if (error instanceof TargetError) {
      process.stderr.write(`conformance: ${error.message}\nNothing was sent.\n`);
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
    process.stderr.write(`conformance: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
