/**
 * Publishes the consumer pacts to a Pact Broker and asks it whether each consumer can go to production,
 * or, when no broker is configured (forks, local runs), says so and leaves the pact files to the
 * workflow's artifacts.
 *
 * `planPactPublish` is pure (environment + git facts → argv arrays) so the exact commands are unit
 * tested without a broker. The broker URL and token never go into argv: `pact-broker` (the Rust CLI
 * shipped by @pact-foundation/pact-cli) reads PACT_BROKER_BASE_URL and PACT_BROKER_TOKEN from the
 * environment itself, so the token is not visible in printed commands or process listings, and the
 * CLI's own output is redacted line by line before it is printed.
 *
 *   pnpm pact:publish [--dry-run] [--pacts DIR] [--environment NAME]
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { redactSecrets, run, shellQuote, withToolsBin } from './exec.js';
import { REPO_ROOT } from './repo.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface GitInfo {
  /** Full (or abbreviated) commit sha of the consumer version. */
  sha: string;
  branch: string;
}

export interface PactPlanInput {
  env: Env;
  git: GitInfo;
  /** Pact directory as it should appear in the command, relative to the cwd the commands run in. */
  pactsDir: string;
  /** Consumer pacticipant names found in the pact files. */
  consumers: readonly string[];
  /** Deployment environment for can-i-deploy; production unless told otherwise. */
  environment?: string;
}

export type PactPlan =
  | {
      mode: 'broker';
      /** The broker's origin with any user:password removed, safe to print. */
      broker: string;
      /** Commands to run in order: publish first, then one can-i-deploy per consumer. */
      commands: string[][];
      /** Values to mask in any output: token, password, URL credentials. */
      secrets: string[];
    }
  | { mode: 'artifacts'; reason: string; commands: [] };

export const DEFAULT_ENVIRONMENT = 'production';
export const DEFAULT_PACTS_DIR = 'conformance/pacts';

const SHA = /^[0-9a-f]{7,64}$/i;
const PACTICIPANT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const nonEmpty = (value: string | undefined): string | undefined => (value !== undefined && value.trim() !== '' ? value.trim() : undefined);

/** Builds the broker commands, or the no-broker plan. Throws TypeError on half or broken configuration. */
export function planPactPublish(input: PactPlanInput): PactPlan {
  const baseUrl = nonEmpty(input.env.PACT_BROKER_BASE_URL);
  const token = nonEmpty(input.env.PACT_BROKER_TOKEN);
  if (baseUrl === undefined && token === undefined) {
    return {
      mode: 'artifacts',
      reason: 'no Pact Broker configured (PACT_BROKER_BASE_URL and PACT_BROKER_TOKEN are unset)',
      commands: [],
    };
  }
  // Half a configuration is a mistake in the repository's secrets, not a reason to skip quietly.
  if (baseUrl === undefined) throw new TypeError('PACT_BROKER_TOKEN is set but PACT_BROKER_BASE_URL is not; set both or neither');
  if (token === undefined) throw new TypeError('PACT_BROKER_BASE_URL is set but PACT_BROKER_TOKEN is not; set both or neither');

  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError('PACT_BROKER_BASE_URL is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('PACT_BROKER_BASE_URL must be an http(s) URL');

  const sha = input.git.sha.trim();
  if (!SHA.test(sha)) throw new TypeError(`consumer version must be a git commit sha (7-64 hex digits), got ${JSON.stringify(sha)}`);
  const branch = input.git.branch.trim().replace(/^refs\/heads\//, '');
  if (branch === '' || branch === 'HEAD') throw new TypeError('branch is unknown (detached HEAD?); set PACT_CONSUMER_BRANCH');
  const environment = (input.environment ?? DEFAULT_ENVIRONMENT).trim();
  if (!PACTICIPANT.test(environment)) throw new TypeError(`environment ${JSON.stringify(environment)} is not a valid name`);

  const consumers = [...new Set(input.consumers)].sort();
  if (consumers.length === 0) throw new TypeError(`no pact files with a consumer name in ${input.pactsDir}`);
  for (const consumer of consumers) {
    if (!PACTICIPANT.test(consumer)) throw new TypeError(`consumer name ${JSON.stringify(consumer)} is not a valid pacticipant name`);
  }

  const commands: string[][] = [
    ['pact-broker', 'publish', input.pactsDir, '--consumer-app-version', sha, '--branch', branch],
    ...consumers.map((consumer) => [
      'pact-broker',
      'can-i-deploy',
      '--pacticipant',
      consumer,
      '--version',
      sha,
      '--to-environment',
      environment,
    ]),
  ];
  const secrets = [
    token,
    nonEmpty(input.env.PACT_BROKER_PASSWORD),
    url.password !== '' ? url.password : undefined,
    url.password !== '' ? decodeURIComponent(url.password) : undefined,
  ].filter((s): s is string => s !== undefined);
  return { mode: 'broker', broker: url.origin, commands, secrets };
}

/**
 * Which commit and branch the pacts belong to. On a pull request GITHUB_SHA is GitHub's merge commit,
 * so the workflow passes the head commit in PACT_CONSUMER_VERSION; GITHUB_HEAD_REF is the PR branch.
 */
export function resolveGitInfo(env: Env, git: { head: () => string; branch: () => string }): GitInfo {
  const sha = nonEmpty(env.PACT_CONSUMER_VERSION) ?? nonEmpty(env.GITHUB_SHA) ?? git.head();
  const branch = nonEmpty(env.PACT_CONSUMER_BRANCH) ?? nonEmpty(env.GITHUB_HEAD_REF) ?? nonEmpty(env.GITHUB_REF_NAME) ?? git.branch();
  return { sha, branch };
}

/** The pact files (`*.json`) in `dir`, sorted; none when the directory does not exist. */
export function pactFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
}

/** Consumer names from the pact files themselves, so a new consumer is checked without editing this. */
export function pactConsumers(files: readonly string[]): string[] {
  return files.map((file) => {
    const pact = JSON.parse(readFileSync(file, 'utf8')) as { consumer?: { name?: unknown } };
    const name = pact.consumer?.name;
    if (typeof name !== 'string' || name === '') throw new TypeError(`${file}: consumer.name is missing`);
    return name;
  });
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

interface CliArgs {
  dryRun: boolean;
  pactsDir: string;
  environment: string;
}

function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { dryRun: false, pactsDir: DEFAULT_PACTS_DIR, environment: DEFAULT_ENVIRONMENT };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new TypeError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--dry-run') args.dryRun = true;
    else if (arg === '--pacts') args.pactsDir = value();
    else if (arg === '--environment') args.environment = value();
    else if (arg === '--') continue;
    else throw new TypeError(`unknown argument ${JSON.stringify(arg)}; usage: pact-publish [--dry-run] [--pacts DIR] [--environment NAME]`);
  }
  return args;
}

function gitReader(cwd: string): { head: () => string; branch: () => string } {
  const git = (...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  return { head: () => git('rev-parse', 'HEAD'), branch: () => git('rev-parse', '--abbrev-ref', 'HEAD') };
}

/**
 * The CLI: prints the plan, and runs it unless `--dry-run`. Returns the exit status: 0 done (or nothing
 * to do), the failing command's status otherwise, 2 for configuration or usage errors.
 */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
  options: { cwd?: string; git?: { head: () => string; branch: () => string } } = {},
): Promise<number> {
  const cwd = options.cwd ?? REPO_ROOT;
  const summary = (line: string): void => {
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${line}\n`);
  };
  try {
    const args = parseArgs(argv);
    const absPacts = isAbsolute(args.pactsDir) ? args.pactsDir : resolve(cwd, args.pactsDir);
    const shownPacts = relative(cwd, absPacts) || '.';
    const files = pactFiles(absPacts);
    const brokerConfigured = nonEmpty(env.PACT_BROKER_BASE_URL) !== undefined || nonEmpty(env.PACT_BROKER_TOKEN) !== undefined;
    const plan = planPactPublish({
      env,
      // Git facts are only needed (and only looked up) when there is a broker to publish to.
      git: brokerConfigured ? resolveGitInfo(env, options.git ?? gitReader(cwd)) : { sha: '', branch: '' },
      pactsDir: shownPacts,
      consumers: brokerConfigured ? pactConsumers(files) : [],
      environment: args.environment,
    });

    if (plan.mode === 'artifacts') {
      io.out(`Pact: ${plan.reason}; nothing is published.`);
      if (files.length === 0) io.out(`Pact: no pact files in ${shownPacts}.`);
      else io.out(`Pact: the pact files stay as workflow artifacts: ${files.map((f) => relative(cwd, f)).join(', ')}`);
      summary(`### Pact\n\nNo Pact Broker configured; ${files.length} pact file(s) kept as workflow artifacts.`);
      return 0;
    }

    io.out(`Pact: broker ${plan.broker} (URL and token from PACT_BROKER_BASE_URL / PACT_BROKER_TOKEN)`);
    for (const command of plan.commands) io.out(`$ ${shellQuote(command)}`);
    if (args.dryRun) {
      io.out('Pact: dry run, nothing executed.');
      return 0;
    }

    const childEnv = withToolsBin(env);
    const forward = (line: string, stream: 'stdout' | 'stderr'): void => (stream === 'stdout' ? io.out(line) : io.err(line));
    const [publish, ...checks] = plan.commands as [string[], ...string[][]];
    const published = await run(publish[0] as string, publish.slice(1), { cwd, env: childEnv, secrets: plan.secrets, onLine: forward });
    if (published.code !== 0) {
      io.err(`Pact: publishing failed (exit ${published.code}).`);
      summary('### Pact\n\nPublishing the pacts to the broker **failed**.');
      return published.code;
    }
    let status = 0;
    const lines: string[] = [];
    for (const check of checks) {
      const result = await run(check[0] as string, check.slice(1), { cwd, env: childEnv, secrets: plan.secrets, onLine: forward });
      const consumer = check[3] as string;
      lines.push(`- \`${consumer}\` → ${args.environment}: ${result.code === 0 ? 'can deploy' : '**cannot deploy**'}`);
      if (result.code !== 0 && status === 0) status = result.code;
    }
    summary(`### Pact\n\nPublished ${files.length} pact file(s) to ${plan.broker}.\n\n${lines.join('\n')}`);
    return status;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const secrets = [env.PACT_BROKER_TOKEN, env.PACT_BROKER_PASSWORD].filter((s): s is string => typeof s === 'string');
    io.err(`pact-publish: ${redactSecrets(message, secrets)}`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const io: CliIo = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };
  process.exitCode = await main(process.argv.slice(2), process.env, io);
}
