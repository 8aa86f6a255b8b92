/** Small helpers shared by the benchmark sections: child processes on loopback, ports, statistics. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The bench package folder (`packages/bench`), where its dependencies resolve. */
export const BENCH_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** The repository root. */
export const REPO_DIR = fileURLToPath(new URL('../../../../', import.meta.url));

export interface Child {
  process: ChildProcess;
  /** The first JSON line the child printed. */
  hello: Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Runs an ES module source in a fresh Node process with `packages/bench` as its working directory (so
 * workspace packages resolve), waits for the first line of JSON it prints, and keeps it until `stop()`.
 * The child leaves when its stdin closes, so it cannot outlive the benchmark.
 */
export async function startNodeChild(source: string, env: Record<string, string> = {}, execArgv: string[] = []): Promise<Child> {
  const wrapped = `${source}\nprocess.stdin.resume(); process.stdin.on('end', () => process.exit(0));`;
  const child = spawn(process.execPath, [...execArgv, '--input-type=module', '-e', wrapped], {
    cwd: BENCH_DIR,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const hello = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`child did not start within 30 s: ${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`child exited with ${code}: ${stderr}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline === -1) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>);
      } catch (error) {
        reject(error);
      }
    });
  });
  return { process: child, hello, stop: () => stopChild(child) };
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.end();
    child.kill('SIGTERM');
  });
}

/** A free loopback port (for servers that want a port number up front, like Prism). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `work` with `concurrency` callers for `durationMs`; returns completed calls per second and failures. */
export async function closedLoop(
  work: () => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<{ perSecond: number; done: number; failures: number; firstFailure?: unknown }> {
  const started = performance.now();
  const until = started + durationMs;
  let done = 0;
  let failures = 0;
  let firstFailure: unknown;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        try {
          await work();
          done += 1;
        } catch (error) {
          failures += 1;
          firstFailure ??= error;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: done / seconds, done, failures, ...(firstFailure === undefined ? {} : { firstFailure }) };
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ratio: (n: number) => `${n.toFixed(2)}×`,
  ms: (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`),
  bytes: (n: number) => (n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`),
};
