/**
 * API reference docs, all static HTML:
 *   docs/api/espay.html, docs/api/iak.html   one self-contained page per OpenAPI spec (Redocly build-docs,
 *                                            Redoc inlined so the page works offline and from file://)
 *   docs/reference/                          TypeDoc for the client packages, one module per package
 *
 * TypeDoc runs once per package (its own tsconfig, its own exceptions) into JSON, then merges the JSON
 * into one site. Every TypeDoc warning is an error (packages/tools/typedoc.json): a broken {@link}, a public type
 * leaning on an unexported one, and so on fail the build instead of shipping a broken page.
 *
 *   pnpm run docs [--api] [--reference] [--out DIR] [--packages @billerkit/a,@billerkit/b]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { type RunResult, run, withToolsBin } from './exec.js';
import { REPO_ROOT, TOOLS_DIR, workspacePackages } from './repo.js';

export interface ApiSpec {
  /** Output file name without extension: `espay` → espay.html. */
  name: string;
  /** Absolute path of the OpenAPI document. */
  file: string;
}

export const API_SPECS: readonly ApiSpec[] = [
  { name: 'espay', file: join(REPO_ROOT, 'specs', 'espay', 'openapi.yaml') },
  { name: 'iak', file: join(REPO_ROOT, 'specs', 'iak', 'openapi.yaml') },
];

/** The packages the reference covers: what a user of the clients imports. */
export const REFERENCE_PACKAGES = ['@billerkit/core', '@billerkit/signing', '@billerkit/espay', '@billerkit/iak'] as const;

/**
 * Per-package TypeDoc options on top of packages/tools/typedoc.json. Keep this short, and give every entry a
 * reason: each one is a warning we chose to accept. Today there are none: a public type that leans on an
 * unexported one is fixed by exporting that type from the package (or inlining it), not by an entry here.
 */
export const PACKAGE_OPTIONS: Readonly<Record<string, Record<string, unknown>>> = {};

export const TYPEDOC_BASE = join(TOOLS_DIR, 'typedoc.json');

export interface ReferenceTarget {
  name: string;
  /** Absolute package directory. */
  dir: string;
  /** Relative to dir; `src/index.ts` unless told otherwise. */
  entry?: string;
  /** Relative to dir; `tsconfig.json` unless told otherwise. */
  tsconfig?: string;
  options?: Record<string, unknown>;
}

export class DocsError extends Error {
  override readonly name = 'DocsError';
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

const env = (): NodeJS.ProcessEnv =>
  withToolsBin({ ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' });
const combined = (result: RunResult): string => [result.stdout, result.stderr].filter((s) => s.trim() !== '').join('\n');

/** Every operationId in an OpenAPI document, in document order. */
export function operationIds(specText: string): string[] {
  const spec = parse(specText) as { paths?: Record<string, Record<string, { operationId?: unknown }>> };
  const ids: string[] = [];
  for (const item of Object.values(spec.paths ?? {})) {
    for (const [method, operation] of Object.entries(item ?? {})) {
      if (
        ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method) &&
        typeof operation?.operationId === 'string'
      ) {
        ids.push(operation.operationId);
      }
    }
  }
  return ids;
}

/**
 * Anything in the page that the browser would fetch from elsewhere: scripts, stylesheets, preloads,
 * images, frames, CSS url()/@import. Plain links (`<a href>`) are fine; they are not loaded.
 */
export function externalResources(html: string): string[] {
  const external = /^(?:https?:)?\/\//i;
  const found: string[] = [];
  for (const match of html.matchAll(/<(script|link|img|iframe|source|embed|object|video|audio)\b[^>]*>/gi)) {
    for (const attr of match[0].matchAll(/\b(?:src|href|data|srcset)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
      const value = attr[1] ?? attr[2] ?? attr[3] ?? '';
      if (external.test(value.trim())) found.push(`<${match[1]?.toLowerCase()}> ${value}`);
    }
  }
  for (const match of html.matchAll(/(?:url\(\s*["']?|@import\s+["'])((?:https?:)?\/\/[^"')\s]+)/gi)) found.push(`css ${match[1]}`);
  return found;
}

/** One self-contained HTML page per spec, written to `${outDir}/${name}.html`. */
export async function buildApiDocs(outDir: string, specs: readonly ApiSpec[] = API_SPECS): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  return Promise.all(
    specs.map(async (spec) => {
      const out = join(outDir, `${spec.name}.html`);
      const title = (parse(readFileSync(spec.file, 'utf8')) as { info?: { title?: string } }).info?.title ?? spec.name;
      // --inlineBundle: embed Redoc instead of loading it from Redocly's CDN at view time.
      const result = await run('redocly', ['build-docs', spec.file, '--inlineBundle', '--title', title, '--output', out], {
        cwd: REPO_ROOT,
        env: env(),
      });
      if (result.code !== 0)
        throw new DocsError(`redocly build-docs failed for ${relative(REPO_ROOT, spec.file)} (exit ${result.code})`, combined(result));
      return out;
    }),
  );
}

export function referenceTargets(names: readonly string[] = REFERENCE_PACKAGES): ReferenceTarget[] {
  const all = workspacePackages();
  return names.map((name) => {
    const pkg = all.find((p) => p.name === name);
    if (!pkg) throw new DocsError(`${name} is not a workspace package`, '');
    const options = PACKAGE_OPTIONS[name];
    return { name, dir: pkg.dir, ...(options ? { options } : {}) };
  });
}

/**
 * TypeDoc per package into JSON (in parallel), then one merge into HTML at `outDir`. Throws DocsError
 * with TypeDoc's output when any run reports an error or a warning.
 */
export async function buildReference(outDir: string, targets: readonly ReferenceTarget[], name = 'billerkit'): Promise<void> {
  if (targets.length === 0) throw new DocsError('no packages to document', '');
  const work = mkdtempSync(join(tmpdir(), 'billerkit-typedoc-'));
  try {
    // allSettled: one failing package must not hide what is wrong with the others.
    const settled = await Promise.allSettled(
      targets.map(async (target, index) => {
        const json = join(work, `${index}.json`);
        const config = join(work, `${index}.typedoc.json`);
        writeFileSync(
          config,
          JSON.stringify({
            extends: [TYPEDOC_BASE],
            entryPoints: [join(target.dir, target.entry ?? 'src/index.ts')],
            tsconfig: join(target.dir, target.tsconfig ?? 'tsconfig.json'),
            name: target.name,
            json,
            ...target.options,
          }),
        );
        // Serialized projects record file paths relative to the cwd and the merge resolves them against its
        // own cwd, so every run shares one: the repository root.
        const result = await run('typedoc', ['--options', config], { cwd: REPO_ROOT, env: env() });
        if (result.code !== 0) throw new DocsError(`typedoc failed for ${target.name} (exit ${result.code})`, combined(result));
        return json;
      }),
    );
    const failed = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    if (failed.length > 0) {
      const errors = failed.map((reason) => (reason instanceof DocsError ? reason : new DocsError(String(reason), '')));
      throw new DocsError(errors.map((e) => e.message).join('; '), errors.map((e) => `${e.message}:\n${e.output}`).join('\n\n'));
    }
    const jsons = settled.map((r) => (r as PromiseFulfilledResult<string>).value);
    const merge = [
      '--options',
      TYPEDOC_BASE,
      '--entryPointStrategy',
      'merge',
      ...jsons.flatMap((json) => ['--entryPoints', json]),
      '--name',
      name,
      '--out',
      outDir,
    ];
    const result = await run('typedoc', merge, { cwd: REPO_ROOT, env: env() });
    if (result.code !== 0) throw new DocsError(`typedoc merge failed (exit ${result.code})`, combined(result));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface DocsArgs {
  api: boolean;
  reference: boolean;
  out: string;
  packages: string[];
}

function parseArgs(argv: readonly string[]): DocsArgs {
  const args: DocsArgs = { api: false, reference: false, out: join(REPO_ROOT, 'docs'), packages: [...REFERENCE_PACKAGES] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new DocsError(`${arg} needs a value`, '');
      return next;
    };
    if (arg === '--api') args.api = true;
    else if (arg === '--reference') args.reference = true;
    else if (arg === '--out') args.out = resolve(value());
    else if (arg === '--packages') args.packages = value().split(',').filter(Boolean);
    else if (arg !== '--') throw new DocsError(`unknown argument ${JSON.stringify(arg)}`, '');
  }
  if (!args.api && !args.reference) {
    args.api = true;
    args.reference = true;
  }
  return args;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.api) {
      for (const file of await buildApiDocs(join(args.out, 'api'))) process.stdout.write(`docs: ${relative(REPO_ROOT, file)}\n`);
    }
    if (args.reference) {
      const out = join(args.out, 'reference');
      // Stale pages of a renamed export must not survive a rebuild.
      rmSync(out, { recursive: true, force: true });
      await buildReference(out, referenceTargets(args.packages));
      process.stdout.write(`docs: ${relative(REPO_ROOT, join(out, 'index.html'))} (${args.packages.join(', ')})\n`);
    }
  } catch (error) {
    if (error instanceof DocsError && error.output) process.stderr.write(`${error.output}\n`);
    process.stderr.write(`docs: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
