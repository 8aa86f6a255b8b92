/**
 * 4. Wall times of whole commands: `pnpm conformance` once the build is done (turbo cache warm), and a
 * full-cache `pnpm build` (the second of two runs; every task should be a turbo cache hit).
 */
import { spawn } from 'node:child_process';
import { REPO_DIR } from './util.js';

export interface CommandTiming {
  command: string;
  wallMs: number;
  exitCode: number | null;
  /** The last lines of output, for the report when the command failed. */
  tail: string;
  fullTurbo?: boolean;
}

/** pnpm as the benchmark was started (`pnpm bench` sets npm_execpath), else `npx -y pnpm@10`. */
function pnpm(): { file: string; args: string[] } {
  const execpath = process.env['npm_execpath'];
  if (execpath && /pnpm/.test(execpath))
    return execpath.endsWith('.js') || execpath.endsWith('.cjs')
      ? { file: process.execPath, args: [execpath] }
      : { file: execpath, args: [] };
  return { file: 'npx', args: ['-y', 'pnpm@10'] };
}

export function run(args: string[], timeoutMs: number): Promise<CommandTiming> {
  const { file, args: prefix } = pnpm();
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(file, [...prefix, ...args], {
      cwd: REPO_DIR,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        command: `pnpm ${args.join(' ')}`,
        wallMs: performance.now() - started,
        exitCode: code,
        tail: output.trim().split('\n').slice(-15).join('\n'),
        fullTurbo: /FULL TURBO/.test(output),
      });
    });
  });
}

export async function measureWallTimes(): Promise<{ conformance: CommandTiming; buildCached: CommandTiming; buildFirst: CommandTiming }> {
  // First build: fills the turbo cache (and is what "after the build" means for the conformance run).
  const buildFirst = await run(['build'], 600_000);
  const buildCached = await run(['build'], 300_000);
  const conformance = await run(['conformance'], 600_000);
  return { conformance, buildCached, buildFirst };
}
