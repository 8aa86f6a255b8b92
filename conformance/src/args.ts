import type { StageId } from './model.js';
import { STAGE_IDS } from './model.js';
import { CREDENTIAL_ENV } from './target.js';

export interface CliArgs {
  targets: string[];
  stages?: StageId[];
  reportsDir?: string;
  pactsDir?: string;
  /** `--mutation`: run the mutation stage after the others; `--drift` names drifts (and implies it). */
  mutation?: { drifts?: string[]; quick?: boolean };
  help: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: billerkit-conformance [options]

Runs the billerkit conformance suite against the embedded sandbox (started for the run) or against the
hosts named by --target: the specs, the recorded provider samples, Pact consumer tests of both clients,
provider verification and scenarios.

Options:
  --target espay=URL   test this Espay Biller base URL instead of the embedded sandbox
  --target iak=URL     test this IAK postpaid base URL instead of the embedded sandbox
  --stage NAME         run only these stages (repeatable or comma-separated):
                       ${STAGE_IDS.join(', ')}
  --out DIR            where reports go (default ./billerkit-reports; --reports is the same)
  --mutation           also run mutation testing: verification and scenarios again behind a proxy
                       that makes the sandbox drift, once per drift (--mutation=quick: the CI subset)
  --drift ID[,ID]      mutation testing with these drifts only
  --pacts DIR          where the consumer stage writes pact files and verify reads them
                       (default: DIR/pacts under --out; verify alone reads the pacts shipped in the package)
  -h, --help           this text

Environment (only with --target; values are never printed):
  ${CREDENTIAL_ENV.espay.senderId}, ${CREDENTIAL_ENV.espay.password}, ${CREDENTIAL_ENV.espay.signatureKey},
  ${CREDENTIAL_ENV.espay.basicUser}, ${CREDENTIAL_ENV.espay.basicPassword}     Espay credentials
  ${CREDENTIAL_ENV.iak.username}, ${CREDENTIAL_ENV.iak.apiKey}     IAK credentials
  BILLERKIT_IAK_GENERATION     which generation of IAK's test numbers to expect: seed (default) or newer

Reports: report.html, summary.md, junit.xml, results.json.
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
        for (const name of value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)) {
          if (!(STAGE_IDS as readonly string[]).includes(name))
            throw new UsageError(`unknown stage "${name}"; stages are ${STAGE_IDS.join(', ')}`);
          if (!stages.includes(name as StageId)) stages.push(name as StageId);
        }
        break;
      case '--out':
      case '--reports':
        args.reportsDir = value();
        break;
      case '--pacts':
        args.pactsDir = value();
        break;
      case '--mutation': {
        const quick = eq > 0 && raw.slice(eq + 1) === 'quick';
        if (eq > 0 && !quick) throw new UsageError('--mutation takes no value but "quick"');
        args.mutation = { ...args.mutation, ...(quick ? { quick } : {}) };
        break;
      }
      case '--drift':
      case '--drifts':
        args.mutation = {
          ...args.mutation,
          drifts: [
            ...(args.mutation?.drifts ?? []),
            ...value()
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          ],
        };
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
