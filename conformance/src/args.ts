import type { StageId } from './model.js';
import { STAGE_IDS } from './model.js';

export interface CliArgs {
  targets: string[];
  stages?: StageId[];
  reportsDir?: string;
  pactsDir?: string;
  help: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: pnpm conformance [options]

Runs the billerkit conformance suite against the embedded sandbox (default) or a remote target.

Options:
  --target espay=URL   test this Espay Biller base URL instead of the embedded sandbox
  --target iak=URL     test this IAK postpaid base URL instead of the embedded sandbox
                       (credentials come from the environment; see conformance/README.md)
  --stage NAME         run only these stages (repeatable or comma-separated):
                       ${STAGE_IDS.join(', ')}
  --reports DIR        where reports go (default conformance/reports)
  --pacts DIR          where the consumer stage writes pact files (default conformance/pacts)
  -h, --help           this text

Exit status: 0 when every stage passed or was skipped, 1 when a check failed, 2 for usage or target errors.`;

/** Parses the CLI's arguments; both `--target x` and `--target=x` spellings work. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { targets: [], help: false };
  const stages: StageId[] = [];
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i++;
      return next;
    };
    switch (flag) {
      case '--target':
        args.targets.push(value());
        break;
      case '--stage':
      case '--stages':
        for (const name of value().split(',').map((s) => s.trim()).filter(Boolean)) {
          if (!(STAGE_IDS as readonly string[]).includes(name)) throw new UsageError(`unknown stage "${name}"; stages are ${STAGE_IDS.join(', ')}`);
          if (!stages.includes(name as StageId)) stages.push(name as StageId);
        }
        break;
      case '--reports':
        args.reportsDir = value();
        break;
      case '--pacts':
        args.pactsDir = value();
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  if (stages.length > 0) args.stages = stages;
  return args;
}
