/**
 * Checks what npm would actually receive: packs every publishable workspace package with `pnpm pack`
 * (which rewrites `workspace:*` the way `pnpm publish` does) into a temporary directory, then runs
 * publint and `attw --profile esm-only` on each tarball. Packages must be built first (the root script
 * `pnpm check:packages` builds them).
 *
 * Why esm-only: every package is ESM without top-level await, and `engines.node` is >=20.19.0, where
 * `require()` of such ESM works unflagged. attw's node16 profile still reports "CJS resolves to ESM" for
 * that (it models older Node), so it would fail packages that CommonJS users can in fact require. The
 * packed-install smoke test (pack-smoke.test.ts) proves the `require()` path on the real tarballs.
 *
 *   pnpm check:packages [@billerkit/name ...]
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pnpmCommand, type RunResult, run, shellQuote, withToolsBin } from './exec.js';
import { publishablePackages, REPO_ROOT, type WorkspacePackage } from './repo.js';

export interface PackageCheck {
  name: string;
  tarball?: string;
  steps: { tool: 'pack' | 'publint' | 'attw'; command: string; ok: boolean; output: string }[];
  ok: boolean;
}

/** Files attw can resolve as an entrypoint: JavaScript (and its declarations) or JSON. */
const ATTW_RESOLVABLE = /\.(?:[cm]?js|json)$/;

/**
 * Subpath exports that are plain data files attw cannot analyse (`./espay/openapi.yaml` of
 * @billerkit/specs): attw reports them as "Resolution failed" although Node resolves them fine. Derived
 * from the exports map, so a new YAML subpath is excluded without editing this file and a JS one is not.
 */
export function nonJsEntrypoints(manifest: Record<string, unknown>): string[] {
  const exports = manifest.exports;
  if (exports === null || typeof exports !== 'object' || Array.isArray(exports)) return [];
  return Object.entries(exports as Record<string, unknown>)
    .filter(([subpath, target]) => subpath.startsWith('.') && typeof target === 'string' && !ATTW_RESOLVABLE.test(target))
    .map(([subpath]) => subpath);
}

/** The commands run on one tarball; exported so the exact flags are visible in one place. */
export function checkCommands(tarball: string, manifest: Record<string, unknown> = {}): { tool: 'publint' | 'attw'; argv: string[] }[] {
  const excluded = nonJsEntrypoints(manifest);
  return [
    { tool: 'publint', argv: ['publint', tarball] },
    {
      tool: 'attw',
      argv: [
        'attw',
        tarball,
        '--profile',
        'esm-only',
        '--no-color',
        ...(excluded.length > 0 ? ['--exclude-entrypoints', ...excluded] : []),
      ],
    },
  ];
}

const NO_TYPES = /This package does not contain types/;

const output = (result: RunResult): string => [result.stdout, result.stderr].filter((s) => s.trim() !== '').join('\n');

export async function checkPackage(pkg: WorkspacePackage, env: NodeJS.ProcessEnv = process.env): Promise<PackageCheck> {
  const dest = mkdtempSync(join(tmpdir(), 'billerkit-pack-'));
  const check: PackageCheck = { name: pkg.name, steps: [], ok: false };
  try {
    const [pnpm, ...pnpmArgs] = pnpmCommand(env);
    const packArgs = [...pnpmArgs, 'pack', '--pack-destination', dest];
    const packed = await run(pnpm, packArgs, { cwd: pkg.dir, env });
    const tarball = readdirSync(dest).find((name) => name.endsWith('.tgz'));
    check.steps.push({
      tool: 'pack',
      command: shellQuote(['pnpm', 'pack', '--pack-destination', dest]),
      ok: packed.code === 0 && !!tarball,
      output: output(packed),
    });
    if (packed.code !== 0 || !tarball) return check;
    check.tarball = join(dest, tarball);

    const toolEnv = withToolsBin(env);
    for (const { tool, argv } of checkCommands(check.tarball, pkg.manifest)) {
      const result = await run(argv[0] as string, argv.slice(1), { cwd: dest, env: toolEnv });
      let ok = result.code === 0;
      let text = output(result);
      // attw exits 0 for a package without any type declarations (nothing to check); every billerkit
      // package is TypeScript-first, so shipping no types is a failure here.
      if (tool === 'attw' && NO_TYPES.test(text)) {
        ok = false;
        text += '\n(check:packages: the tarball ships no type declarations)';
      }
      check.steps.push({ tool, command: shellQuote(argv), ok, output: text });
    }
    check.ok = check.steps.every((step) => step.ok);
    return check;
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const wanted = process.argv.slice(2).filter((arg) => arg !== '--');
  const all = publishablePackages(REPO_ROOT);
  const unknown = wanted.filter((name) => !all.some((pkg) => pkg.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`check:packages: not a publishable workspace package: ${unknown.join(', ')}\n`);
    process.exit(2);
  }
  const packages = wanted.length > 0 ? all.filter((pkg) => wanted.includes(pkg.name)) : all;
  // One package at a time: the output of each stays together and the tools do not fight for the CPU.
  const results: PackageCheck[] = [];
  for (const pkg of packages) {
    const result = await checkPackage(pkg);
    results.push(result);
    process.stdout.write(`\n${result.ok ? 'ok  ' : 'FAIL'} ${pkg.name} (${pkg.relDir})\n`);
    for (const step of result.steps) {
      process.stdout.write(`  ${step.ok ? 'ok  ' : 'FAIL'} ${step.command}\n`);
      if (!step.ok || step.tool !== 'pack') process.stdout.write(`${step.output.replace(/^/gm, '       ')}\n`);
    }
  }
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  process.stdout.write(
    `\n${results.length - failed.length}/${results.length} packages pass publint and attw${failed.length ? `; failing: ${failed.join(', ')}` : ''}\n`,
  );
  process.exitCode = failed.length > 0 ? 1 : 0;
}
