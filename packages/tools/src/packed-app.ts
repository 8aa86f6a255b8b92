/**
 * What the tests that install packed tarballs share: packing every publishable package the way
 * `pnpm publish` would, the npm environment of the temporary app, and starting/stopping a bin that serves.
 */
import type { ChildProcess } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pnpmCommand, type RunResult, run } from './exec.js';
import type { WorkspacePackage } from './repo.js';

export const output = (result: RunResult): string => [result.stdout, result.stderr].filter((s) => s.trim() !== '').join('\n');

/** The npm environment for the temporary project: no audit, no funding notes, no update check, no color. */
export function npmEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_prefer_offline: 'true',
    NO_COLOR: '1',
    PACT_DO_NOT_TRACK: 'true',
  };
}

/** Packs each package into `dest` with `pnpm pack` (which rewrites `workspace:*`); name → tarball path. */
export async function packAll(packages: readonly WorkspacePackage[], dest: string): Promise<Map<string, string>> {
  const [pnpm, ...pnpmArgs] = pnpmCommand(process.env);
  const packed = await Promise.all(
    packages.map((pkg) => run(pnpm, [...pnpmArgs, 'pack', '--pack-destination', dest], { cwd: pkg.dir, env: process.env })),
  );
  packed.forEach((result, i) => {
    if (result.code !== 0) throw new Error(`pnpm pack ${packages[i]?.name} failed:\n${output(result)}`);
  });
  const tarballs = new Map<string, string>();
  const files = readdirSync(dest).filter((name) => name.endsWith('.tgz'));
  for (const pkg of packages) {
    // pnpm names a tarball after the package: @billerkit/core@0.1.0 → billerkit-core-0.1.0.tgz
    const file = files.find((name) => name === `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`);
    if (!file) throw new Error(`no tarball for ${pkg.name} in ${dest}: ${files.join(', ')}`);
    tarballs.set(pkg.name, join(dest, file));
  }
  return tarballs;
}

/**
 * Copies an app (without node_modules or outputs) to `project` and points every `@billerkit/*` package at
 * its tarball: the ones the app names keep their section, the rest become dependencies, so that npm
 * resolves nothing from the registry that the workspace builds.
 */
export function copyAppWithTarballs(appDir: string, project: string, tarballs: ReadonlyMap<string, string>): void {
  cpSync(appDir, project, {
    recursive: true,
    filter: (source) => !/(^|\/)(node_modules|pacts|billerkit-reports)(\/|$)/.test(relative(appDir, source)),
  });
  const file = join(project, 'package.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  manifest.dependencies ??= {};
  for (const [name, tarball] of tarballs) {
    const spec = `file:${tarball}`;
    if (manifest.devDependencies?.[name] !== undefined) manifest.devDependencies[name] = spec;
    else manifest.dependencies[name] = spec;
  }
  writeFileSync(file, JSON.stringify(manifest, null, 2));
}

/** Resolves with the first line of the child's output that `pattern` matches (its first group), or rejects after 20 s. */
export function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 20 s; output:\n${seen}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before listening; output:\n${seen}`));
    });
  });
}

/** Stops a child started with `detached: true` and its whole process group (npx, its shell, node). */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }, 5_000);
  await exited;
  clearTimeout(timer);
}
