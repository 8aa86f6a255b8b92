// `pnpm test:stress`: runs the suites whose verdicts involve time (timeouts, deadlines, GC, drip, settle, load,
// chaos) while busy-loop processes keep every core occupied, as on a shared CI machine, so a test that only
// passes on an idle machine is found before it refuses a submission.
//
//   pnpm test:stress                       the timing-sensitive suites, 10 runs, one busy loop per core
//   pnpm test:stress -- --runs 3 --command "bash .ci/run"   any command under the same load
//   pnpm test:stress -- --busy 4 --runs 1
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './repo.js';

/** The suites whose verdicts depend on timing or scheduling, by package folder, with why each is here. */
export const TIMING_SUITES: ReadonlyArray<{ dir: string; files: string[]; why: string }> = [
  {
    dir: 'packages/core',
    files: ['src/transport.test.ts', 'src/payment.test.ts', 'src/time.test.ts'],
    why: 'timeouts, deadlines, GC during a stalled body, backoff',
  },
  {
    dir: 'packages/sandbox',
    files: ['src/faults.test.ts', 'src/server.test.ts', 'src/cli.test.ts', 'src/fuzz.test.ts'],
    why: 'injected delays and drops, shutdown, child process start',
  },
  {
    dir: 'packages/espay',
    files: ['src/fuzz.test.ts', 'src/client.test.ts', 'src/sandbox.test.ts'],
    why: 'hostile server deliveries (drip, stall, cut) against timeouts',
  },
  {
    dir: 'packages/iak',
    files: ['src/fuzz.test.ts', 'src/pay-and-confirm.test.ts', 'src/sandbox.test.ts', 'src/client.test.ts', 'src/modular.test.ts'],
    why: 'hostile server deliveries, settle-after, reconciliation',
  },
  {
    dir: 'packages/client-fuzz',
    files: ['src/harness.test.ts'],
    why: 'the hostile server really delays and cuts; the watchdog under a stall',
  },
  { dir: 'conformance', files: ['src/mutation/mutation.test.ts'], why: 'a target that never answers, delayed drifts' },
  {
    dir: 'packages/bench',
    files: ['src/load.test.ts', 'src/chaos.test.ts', 'src/canary.test.ts'],
    why: 'load, chaos and latency canaries',
  },
];

/** A process that keeps one core busy and exits by itself when its parent is gone or after `maxMs`. */
function startBusyLoop(maxMs: number): ChildProcess {
  const source = `const parent = ${process.pid}; const end = Date.now() + ${maxMs};
    while (Date.now() < end) {
      const slice = Date.now() + 200; while (Date.now() < slice) {}
      try { process.kill(parent, 0); } catch { process.exit(0); }
    }`;
  return spawn(process.execPath, ['-e', source], { stdio: 'ignore' });
}

function runCommand(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit', env: { ...process.env, CI: process.env.CI ?? 'true' } });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.on('error', () => resolve(127));
  });
}

async function runTimingSuites(): Promise<number> {
  for (const suite of TIMING_SUITES) {
    const vitest = join(REPO_ROOT, suite.dir, 'node_modules', '.bin', 'vitest');
    const code = await runCommand(vitest, ['run', ...suite.files], join(REPO_ROOT, suite.dir));
    if (code !== 0) {
      console.error(`stress: ${suite.dir} failed (${suite.why})`);
      return code;
    }
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  let options: { runs: number; busy: number; command?: string };
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        runs: { type: 'string', default: '10' },
        busy: { type: 'string' },
        command: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
    if (values.help) {
      console.log('usage: pnpm test:stress [-- --runs N] [--busy N] [--command "CMD"]');
      console.log('  --runs N     how many runs in a row must pass (default 10)');
      console.log(`  --busy N     busy-loop processes (default: one per core, here ${availableParallelism()})`);
      console.log('  --command    run this shell command instead of the timing-sensitive suites');
      return 0;
    }
    const runs = Number(values.runs);
    const busy = values.busy === undefined ? availableParallelism() : Number(values.busy);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1, got ${values.runs}`);
    if (!Number.isInteger(busy) || busy < 0 || busy > 64) throw new Error(`--busy must be a whole number from 0 to 64, got ${values.busy}`);
    options = { runs, busy, command: values.command };
  } catch (error) {
    console.error(`stress: ${(error as Error).message}`);
    return 2;
  }

  const loops = Array.from({ length: options.busy }, () => startBusyLoop(6 * 60 * 60 * 1000));
  const stopLoops = () => {
    for (const loop of loops) loop.kill('SIGKILL');
  };
  process.once('SIGINT', () => {
    stopLoops();
    process.exit(130);
  });
  try {
    for (let run = 1; run <= options.runs; run++) {
      console.log(`stress: run ${run} of ${options.runs} with ${options.busy} busy loop(s)`);
      const started = Date.now();
      const code = options.command ? await runCommand('bash', ['-c', options.command], REPO_ROOT) : await runTimingSuites();
      if (code !== 0) {
        console.error(`stress: run ${run} failed (exit ${code}); ${run - 1} of ${options.runs} passed`);
        return 1;
      }
      console.log(`stress: run ${run} passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    console.log(`stress: ${options.runs} passed, 0 failed`);
    return 0;
  } finally {
    stopLoops();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
