import { spawn } from 'node:child_process';
import { delimiter } from 'node:path';
import { TOOLS_BIN } from './repo.js';

export interface RunOptions {
  cwd: string;
  /** The child's whole environment; nothing is inherited implicitly. */
  env: NodeJS.ProcessEnv;
  /** Called with each complete line of stdout/stderr as it arrives (after redaction). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Every occurrence of these values is replaced by `***` before output is kept or forwarded. */
  secrets?: readonly string[];
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Replaces every secret value with `***`. Longest first, so a secret that contains another is masked
 * whole; empty and very short values are skipped because masking them would mangle ordinary text.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const value of values) out = out.split(value).join('***');
  return out;
}

/**
 * Runs a command without a shell (arguments are never re-parsed) and collects its output line by line,
 * so a secret split across two chunks is still masked: redaction happens per complete line.
 */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const secrets = options.secrets ?? [];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const kept = { stdout: [] as string[], stderr: [] as string[] };
    const pending = { stdout: '', stderr: '' };
    const emit = (stream: 'stdout' | 'stderr', line: string): void => {
      const safe = redactSecrets(line, secrets);
      kept[stream].push(safe);
      options.onLine?.(safe, stream);
    };
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].setEncoding('utf8');
      child[stream].on('data', (chunk: string) => {
        const lines = (pending[stream] + chunk).split('\n');
        pending[stream] = lines.pop() ?? '';
        for (const line of lines) emit(stream, line);
      });
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const stream of ['stdout', 'stderr'] as const) if (pending[stream] !== '') emit(stream, pending[stream]);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: kept.stdout.join('\n'), stderr: kept.stderr.join('\n') });
    });
  });
}

/** `env` with packages/tools/node_modules/.bin first on PATH, so the pinned CLIs win over anything global. */
export function withToolsBin(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, PATH: [TOOLS_BIN, env.PATH ?? ''].filter(Boolean).join(delimiter) };
}

/**
 * How to call pnpm from inside a script: the pnpm that is running us (`npm_execpath`) when there is
 * one, else `npx -y pnpm@10`, since the repo has no global pnpm.
 */
export function pnpmCommand(env: NodeJS.ProcessEnv): [string, ...string[]] {
  const execPath = env.npm_execpath;
  if (execPath && /pnpm/i.test(execPath)) {
    return /\.(c|m)?js$/.test(execPath) ? [process.execPath, execPath] : [execPath];
  }
  return ['npx', '-y', 'pnpm@10'];
}

/** Quotes an argv for display, the way a POSIX shell would need it. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((arg) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
