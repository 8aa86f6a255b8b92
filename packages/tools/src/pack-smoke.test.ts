/**
 * What a user gets from npm, tried for real: every publishable package is packed with `pnpm pack` (as
 * `pnpm publish` would pack it), and the tarballs are installed with npm, once, into a temporary copy of
 * `examples/consumer-contract` under the OS temp directory (outside the workspace, so nothing resolves
 * through workspace links). There:
 * - a quickstart runs twice, as ESM (`import`) and as CommonJS (`require()`, which Node >= 20.19 allows for
 *   ESM without top-level await): start the sandbox, Espay inquiry + pay, IAK inquiry + pay, close;
 * - the example's own `npm test` writes its pacts and verifies them against the embedded sandbox;
 * - the `billerkit-sandbox` and `billerkit-conformance` bins run through npx (packed-bins.ts).
 * The packages must be built first (turbo's test task depends on their build).
 *
 * Third-party dependencies (ajv, Pact, vitest …) come from the npm cache when they are there
 * (`--prefer-offline`), else from the registry.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, run } from './exec.js';
import { conformanceBinTests } from './packed-bins.js';
import { copyAppWithTarballs, npmEnv, output, packAll, stopGroup, waitForLine } from './packed-app.js';
import { publishablePackages, REPO_ROOT, TOOLS_BIN, TOOLS_DIR } from './repo.js';

const EXAMPLE_DIR = join(REPO_ROOT, 'examples', 'consumer-contract');

const packages = publishablePackages();
const CLIENTS = ['@billerkit/espay', '@billerkit/iak'] as const;
/** What a client may depend on at runtime: billerkit's own layers only (the `<mp>` XML codec is hand-written in validators). */
const ALLOWED_CLIENT_DEPENDENCIES = ['@billerkit/core', '@billerkit/signing', '@billerkit/specs', '@billerkit/validators'];
/** Must never reach a client user's node_modules through the clients. */
const FORBIDDEN_IN_CLIENT_CLOSURE =
  /^(@billerkit\/sandbox|@billerkit\/tools|@billerkit\/conformance|@hey-api\/.*|typescript|vitest|tsx|@types\/.*|fast-check)$/;

type Manifest = {
  name: string;
  version: string;
  license?: string;
  type?: string;
  engines?: { node?: string };
  publishConfig?: { access?: string };
  repository?: { directory?: string };
  bin?: Record<string, string>;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
};

const QUICKSTART_BODY = `
const sandbox = await startSandbox();
try {
  // Spec validation is opt-in: the Espay client takes the precompiled validators, the IAK client runs without.
  const espay = createEspayClient({ baseUrl: sandbox.url, ...sandbox.credentials.espay, validators: espayValidators, validate: 'strict' });
  const bill = await espay.inquiry({ productCode: 'SPBFRE', orderId: '880000000000' });
  const paid = await espay.pay({ inquiry: bill });

  const iak = createIakClient({ baseUrl: sandbox.url, ...sandbox.credentials.iak });
  const iakBill = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'SMOKE' + MODE.toUpperCase() });
  const iakPaid = await iak.pay({ trId: iakBill.trId });

  console.log(JSON.stringify({
    mode: MODE,
    espay: { inquiry: bill.outcome, amount: typeof bill.amount + ':' + bill.amount, shown: formatIdr(bill.amount), pay: paid.outcome, paid: typeof paid.amount + ':' + paid.amount, refId: paid.refId },
    iak: { inquiry: iakBill.outcome, price: typeof iakBill.price + ':' + iakBill.price, trId: iakBill.trId, pay: iakPaid.outcome, paid: typeof iakPaid.price + ':' + iakPaid.price },
    transactions: sandbox.transactions().map((t) => ({ provider: t.provider, ref: t.ref, amountMinor: t.amountMinor, status: t.status })),
    errorCodes: errorCodes.length,
    hasSuccessCode: errorCodes.some((entry) => entry.code === '0000'),
  }));
} finally {
  await sandbox.close();
}
`;

const QUICKSTART_MJS = `import { startSandbox } from '@billerkit/sandbox';
import { createEspayClient, formatIdr } from '@billerkit/espay';
import { createIakClient } from '@billerkit/iak';
import { espayValidators } from '@billerkit/validators/espay';
import errorCodes from '@billerkit/specs/espay/error-codes.json' with { type: 'json' };
const MODE = 'esm';
${QUICKSTART_BODY}`;

const QUICKSTART_CJS = `'use strict';
const { startSandbox } = require('@billerkit/sandbox');
const { createEspayClient, formatIdr } = require('@billerkit/espay');
const { createIakClient } = require('@billerkit/iak');
const { espayValidators } = require('@billerkit/validators/espay');
const errorCodes = require('@billerkit/specs/espay/error-codes.json');
const MODE = 'cjs';
// Every publishable package must load through require(), not only the three above.
for (const name of ${JSON.stringify(packages.map((pkg) => pkg.name))}) {
  if (Object.keys(require(name)).length === 0) throw new Error(name + ' exports nothing through require()');
}
(async () => {${QUICKSTART_BODY}})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/**
 * Type-level quickstarts, compiled against the installed declarations with `skipLibCheck` off: money is
 * `bigint` in the public types, and CommonJS TypeScript (`module: node20`, TS >= 5.8) can `import x = require()`.
 */
const TYPES_MTS = `import { startSandbox, type Sandbox } from '@billerkit/sandbox';
import { createEspayClient, formatIdr, type EspayInquiryResult } from '@billerkit/espay';
import { createIakClient, type IakInquiryResult } from '@billerkit/iak';
import { espayErrorCodes, type EspayErrorCode } from '@billerkit/specs';
const sandbox: Sandbox = await startSandbox();
const espay = createEspayClient({ baseUrl: sandbox.url, ...sandbox.credentials.espay });
const bill: EspayInquiryResult = await espay.inquiry({ productCode: 'SPBFRE', orderId: '880000000000' });
const amount: bigint = bill.amount;
const iak = createIakClient({ baseUrl: sandbox.url, ...sandbox.credentials.iak });
const iakBill: IakInquiryResult = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'TYPES1' });
const price: bigint = iakBill.price;
const codes: readonly EspayErrorCode[] = espayErrorCodes;
console.log(formatIdr(amount + price), codes.length);
await sandbox.close();
`;

const TYPES_CTS = `import sandboxModule = require('@billerkit/sandbox');
import espayModule = require('@billerkit/espay');
import iakModule = require('@billerkit/iak');
import coreModule = require('@billerkit/core');
import signingModule = require('@billerkit/signing');
import validatorsModule = require('@billerkit/validators');
import specsModule = require('@billerkit/specs');
export const loaded = [sandboxModule.startSandbox, espayModule.createEspayClient, iakModule.createIakClient, coreModule.formatIdr, signingModule.espaySignature, validatorsModule.validate, specsModule.espayOpenApi];
`;

/** All files under dir, relative, with forward slashes. */
function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full, base);
    return [relative(base, full).split('\\').join('/')];
  });
}

const bytesOf = (dir: string): number => listFiles(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);

describe('packed packages installed from their tarballs', () => {
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'billerkit-pack-smoke-')));
  const tarballs = join(work, 'tarballs');
  const project = join(work, 'project');
  const installed = (name: string): string => join(project, 'node_modules', ...name.split('/'));
  const manifestOf = (name: string): Manifest => JSON.parse(readFileSync(join(installed(name), 'package.json'), 'utf8')) as Manifest;
  let install: RunResult;

  beforeAll(async () => {
    // The point of the test: nothing may resolve through the workspace.
    expect(relative(REPO_ROOT, work).startsWith('..')).toBe(true);
    mkdirSync(tarballs);
    const packed = await packAll(packages, tarballs);
    expect(packed.size).toBe(packages.length);
    // The one install of the run: the example app, its @billerkit/* packages pointed at the tarballs.
    copyAppWithTarballs(EXAMPLE_DIR, project, packed);
    install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], {
      cwd: project,
      env: npmEnv(),
    });
    expect(install.code, output(install)).toBe(0);
    writeFileSync(join(project, 'quickstart.mjs'), QUICKSTART_MJS);
    writeFileSync(join(project, 'quickstart.cjs'), QUICKSTART_CJS);
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs every publishable package, with workspace:* turned into real versions', () => {
    expect(packages.length).toBe(9);
    for (const pkg of packages) {
      const manifest = manifestOf(pkg.name);
      expect(manifest.version).toBe(pkg.version);
      for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) expect(`${dep}@${range}`).not.toMatch(/workspace:/);
    }
  });

  it.each(packages.map((pkg) => [pkg.name, pkg.relDir] as const))('%s carries its license and publishing metadata', (name, relDir) => {
    const dir = installed(name);
    const manifest = manifestOf(name);
    expect(manifest).toMatchObject({
      license: 'MIT',
      type: 'module',
      engines: { node: '>=20.19.0' },
      publishConfig: { access: 'public' },
      repository: { directory: relDir },
    });
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} billerkit contributors\n/);
    expect(Object.keys(manifest.exports ?? {})[0]).toBe('.');
    expect(Object.keys((manifest.exports?.['.'] ?? {}) as object)[0]).toBe('types');
  });

  it.each(packages.map((pkg) => [pkg.name] as const))('%s ships no tests or fixtures, and its source maps resolve', (name) => {
    const dir = installed(name);
    const files = listFiles(dir);
    expect(files.filter((file) => /\.test\.|(^|\/)(__snapshots__|fixtures|test-support)\//.test(file))).toEqual([]);
    // Shipped sources are exactly the build inputs: each one has its compiled declaration beside it in dist.
    for (const file of files.filter((f) => f.startsWith('src/') && f.endsWith('.ts'))) {
      expect(files, file).toContain(file.replace(/^src\//, 'dist/').replace(/\.ts$/, '.d.ts'));
    }
    // Every .map names sources that are in the package, so "go to definition" lands in real TypeScript.
    const maps = files.filter((file) => file.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(dir, map), 'utf8')) as { sources: string[] };
      for (const source of sources) expect(existsSync(resolve(dirname(join(dir, map)), source)), `${map} → ${source}`).toBe(true);
    }
  });

  it('runs the quickstart as ESM', async () => {
    const result = await run(process.execPath, ['quickstart.mjs'], { cwd: project, env: { ...process.env, NODE_OPTIONS: '' } });
    expect(result.code, output(result)).toBe(0);
    expectQuickstart(result.stdout, 'esm');
  });

  it('runs the quickstart as CommonJS through require()', async () => {
    const result = await run(process.execPath, ['quickstart.cjs'], { cwd: project, env: { ...process.env, NODE_OPTIONS: '' } });
    expect(result.code, output(result)).toBe(0);
    expect(result.stderr).not.toMatch(/ERR_REQUIRE_(ESM|ASYNC_MODULE)/);
    expectQuickstart(result.stdout, 'cjs');
  });

  it('type-checks against the installed declarations from ESM and from CommonJS', async () => {
    writeFileSync(join(project, 'types.mts'), TYPES_MTS);
    writeFileSync(join(project, 'types.cts'), TYPES_CTS);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'node20',
          target: 'ES2022',
          lib: ['ES2023'],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          // @types/node is the only thing taken from the workspace (the tools package's pinned copy).
          typeRoots: [join(TOOLS_DIR, 'node_modules', '@types')],
        },
        files: ['types.mts', 'types.cts'],
      }),
    );
    const result = await run(join(TOOLS_BIN, 'tsc'), ['-p', 'tsconfig.json'], { cwd: project, env: process.env });
    expect(result.code, output(result)).toBe(0);
  });

  it('runs the sandbox bin through npx, serving HTTP until stopped', async () => {
    const help = await run('npx', ['--no', '--', 'billerkit-sandbox', '--help'], { cwd: project, env: npmEnv() });
    expect(help.code, output(help)).toBe(0);
    expect(help.stdout).toMatch(/^Usage: billerkit-sandbox \[options\]/);
    expect(
      readFileSync(join(installed('@billerkit/sandbox'), manifestOf('@billerkit/sandbox').bin?.['billerkit-sandbox'] ?? 'missing'), 'utf8'),
    ).toMatch(/^#!\/usr\/bin\/env node\n/);

    // Its own process group, so npx, its shell and node all stop together whatever happens.
    const child = spawn('npx', ['--no', '--', 'billerkit-sandbox', '--port', '0', '--deterministic'], {
      cwd: project,
      env: npmEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await waitForLine(child, /^billerkit-sandbox listening on (http:\/\/127\.0\.0\.1:\d+)$/m, 'billerkit-sandbox');
      const health = await fetch(`${url}/__sandbox/health`);
      expect(health.status).toBe(200);
      await health.arrayBuffer();
    } finally {
      await stopGroup(child);
    }
  });

  it('runs the consumer-contract example: pacts for both clients (Espay form, IAK JSON and XML) verified against the embedded sandbox', async () => {
    const result = await run('npm', ['test'], { cwd: project, env: { ...npmEnv(), NODE_OPTIONS: '' } });
    expect(result.code, output(result)).toBe(0);
    const espay = readFileSync(join(project, 'pacts', 'consumer-contract-app-espay-biller.json'), 'utf8');
    const iak = readFileSync(join(project, 'pacts', 'consumer-contract-app-iak-postpaid.json'), 'utf8');
    expect(espay).toContain('application/x-www-form-urlencoded');
    expect(iak).toContain('application/xml');
    // The app's own credentials never reach its pact files.
    for (const secret of ['my-password', 'my-signature-key', 'my-basic-password', 'my-iak-api-key'])
      expect(espay + iak).not.toContain(secret);
  });

  conformanceBinTests(() => ({ project, env: npmEnv() }));

  it('keeps the clients’ runtime dependencies minimal and reports their installed size', () => {
    const sizes: string[] = [];
    for (const client of CLIENTS) {
      const deps = Object.keys(manifestOf(client).dependencies ?? {});
      expect(
        deps.filter((dep) => !ALLOWED_CLIENT_DEPENDENCIES.includes(dep)),
        client,
      ).toEqual([]);
      const closure = dependencyClosure(client);
      expect(
        [...closure].filter((name) => FORBIDDEN_IN_CLIENT_CLOSURE.test(name)),
        client,
      ).toEqual([]);
      expect([...closure]).toEqual(
        expect.arrayContaining([client, '@billerkit/core', '@billerkit/signing', '@billerkit/validators', '@billerkit/specs']),
      );
      const own = bytesOf(installed(client));
      const total = [...closure].reduce((sum, name) => sum + bytesOf(installed(name)), 0);
      sizes.push(
        `${client}: ${(own / 1024).toFixed(0)} KiB itself, ${(total / 1024).toFixed(0)} KiB with ${closure.size - 1} runtime dependencies (${[...closure].slice(1).sort().join(', ')})`,
      );
      // A generous ceiling: a jump past it means something heavy slipped into the runtime closure.
      expect(total, client).toBeLessThan(4.5 * 1024 * 1024);
    }
    console.info(`installed size (apparent bytes):\n  ${sizes.join('\n  ')}`);
  });

  /** The package and everything it needs at runtime, as installed (npm's flat node_modules). */
  function dependencyClosure(name: string): Set<string> {
    const seen = new Set<string>();
    const visit = (dep: string): void => {
      if (seen.has(dep)) return;
      expect(existsSync(join(installed(dep), 'package.json')), `${dep} is installed at the top level`).toBe(true);
      seen.add(dep);
      for (const next of Object.keys(manifestOf(dep).dependencies ?? {})) visit(next);
    };
    visit(name);
    return seen;
  }
});

function expectQuickstart(stdout: string, mode: 'esm' | 'cjs'): void {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const result = JSON.parse(line) as {
    mode: string;
    espay: { inquiry: string; amount: string; shown: string; pay: string; paid: string; refId: string };
    iak: { inquiry: string; price: string; trId: string; pay: string; paid: string };
    transactions: { provider: string; ref: string; amountMinor: string; status: string }[];
    errorCodes: number;
    hasSuccessCode: boolean;
  };
  expect(result.mode).toBe(mode);
  expect(result.espay).toMatchObject({ inquiry: 'success', pay: 'success' });
  // Money stays bigint sen end to end: Rp 125,400 bill plus the sandbox's fees, and the payment repeats it.
  expect(result.espay.amount).toMatch(/^bigint:\d+$/);
  expect(result.espay.paid).toBe(result.espay.amount);
  expect(BigInt(result.espay.amount.slice(7))).toBeGreaterThanOrEqual(12_540_000n);
  expect(result.espay.shown).toMatch(/^Rp \d{1,3}(\.\d{3})*,\d{2}$/);
  expect(result.iak).toMatchObject({ inquiry: 'success', pay: 'success', price: 'bigint:30250000', paid: 'bigint:30250000' });
  expect(result.transactions).toEqual([
    { provider: 'espay', ref: result.espay.refId, amountMinor: result.espay.amount.slice(7), status: 'success' },
    { provider: 'iak', ref: result.iak.trId, amountMinor: '30250000', status: 'success' },
  ]);
  expect(result.errorCodes).toBeGreaterThan(0);
  expect(result.hasSuccessCode).toBe(true);
}
