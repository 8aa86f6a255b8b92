import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCommands, checkPackage, nonJsEntrypoints } from './check-packages.js';
import { publishablePackages, type WorkspacePackage, workspacePackages } from './repo.js';

const work = mkdtempSync(join(tmpdir(), 'billerkit-check-packages-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function fixture(name: string, manifest: Record<string, unknown>, files: Record<string, string>): WorkspacePackage {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const full = { name, version: '1.0.0', license: 'MIT', ...manifest };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(full, null, 2));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return { name, version: '1.0.0', private: false, dir, relDir: name, manifest: full };
}

describe('which packages are checked', () => {
  it('is every workspace package that is not private', () => {
    const names = publishablePackages().map((pkg) => pkg.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '@billerkit/signing',
        '@billerkit/core',
        '@billerkit/espay',
        '@billerkit/iak',
        '@billerkit/specs',
        '@billerkit/pact',
        '@billerkit/conformance',
      ]),
    );
    expect(names).not.toContain('@billerkit/tools');
    expect(names).not.toContain('@billerkit/bench');
    expect(workspacePackages().map((pkg) => pkg.name)).toEqual(expect.arrayContaining(['@billerkit/conformance', '@billerkit/tools']));
  });

  it('runs publint and attw --profile esm-only on the tarball', () => {
    expect(checkCommands('/t/x-1.0.0.tgz')).toEqual([
      { tool: 'publint', argv: ['publint', '/t/x-1.0.0.tgz'] },
      { tool: 'attw', argv: ['attw', '/t/x-1.0.0.tgz', '--profile', 'esm-only', '--no-color'] },
    ]);
  });

  it('leaves the data-file subpaths that attw cannot analyse out of its run', () => {
    const manifest = {
      exports: {
        '.': { types: './dist/index.d.ts', default: './dist/index.js' },
        './espay/openapi.yaml': './espay/openapi.yaml',
        './espay/openapi.json': './dist/espay.openapi.json',
        './package.json': './package.json',
      },
    };
    expect(nonJsEntrypoints(manifest)).toEqual(['./espay/openapi.yaml']);
    expect(checkCommands('/t/specs.tgz', manifest)[1]?.argv).toEqual([
      'attw',
      '/t/specs.tgz',
      '--profile',
      'esm-only',
      '--no-color',
      '--exclude-entrypoints',
      './espay/openapi.yaml',
    ]);
    expect(nonJsEntrypoints({ exports: './index.js' })).toEqual([]);
    expect(nonJsEntrypoints({})).toEqual([]);
  });

  it('excludes exactly the YAML subpaths of @billerkit/specs', () => {
    const specs = publishablePackages().find((pkg) => pkg.name === '@billerkit/specs');
    expect(nonJsEntrypoints(specs?.manifest ?? {})).toEqual(['./espay/openapi.yaml', './iak/openapi.yaml']);
  });
});

describe.concurrent('checkPackage on packed fixtures', () => {
  it('passes a package whose exports and types resolve everywhere', async () => {
    const pkg = fixture(
      'fixture-good',
      {
        main: './index.js',
        types: './index.d.ts',
        exports: { '.': { types: './index.d.ts', default: './index.js' } },
        files: ['index.js', 'index.d.ts'],
      },
      { 'index.js': 'exports.answer = 42;\n', 'index.d.ts': 'export declare const answer: number;\n' },
    );
    const result = await checkPackage(pkg);
    expect(result.steps.map((s) => [s.tool, s.ok])).toEqual([
      ['pack', true],
      ['publint', true],
      ['attw', true],
    ]);
    expect(result.ok).toBe(true);
  });

  it('passes an ESM-only package: Node >= 20.19 require()s ESM, so the CommonJS view is not held against it', async () => {
    const pkg = fixture(
      'fixture-esm-only',
      { type: 'module', exports: { '.': { types: './index.d.ts', default: './index.js' } }, files: ['index.js', 'index.d.ts'] },
      { 'index.js': 'export const answer = 42;\n', 'index.d.ts': 'export declare const answer: number;\n' },
    );
    const result = await checkPackage(pkg);
    expect(result.steps.map((s) => [s.tool, s.ok])).toEqual([
      ['pack', true],
      ['publint', true],
      ['attw', true],
    ]);
    expect(result.steps[2]?.output).toMatch(/\(ignored\) ⚠️ ESM \(dynamic import only\)/);
  });

  it('fails an ESM package whose types claim to be CommonJS', async () => {
    const pkg = fixture(
      'fixture-masquerading',
      { type: 'module', exports: { '.': { types: './index.d.cts', default: './index.js' } }, files: ['index.js', 'index.d.cts'] },
      { 'index.js': 'export const answer = 42;\n', 'index.d.cts': 'export declare const answer: number;\n' },
    );
    const result = await checkPackage(pkg);
    expect(result.steps.find((s) => s.tool === 'publint')?.ok).toBe(true);
    expect(result.steps.find((s) => s.tool === 'attw')?.ok).toBe(false);
    expect(result.steps.find((s) => s.tool === 'attw')?.output).toMatch(/Masquerading as CJS/);
    expect(result.ok).toBe(false);
  });

  it('fails a package whose exports point at a file the tarball does not contain', async () => {
    const pkg = fixture(
      'fixture-broken',
      { type: 'module', exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } }, files: ['index.js'] },
      { 'index.js': 'export const answer = 42;\n' },
    );
    const result = await checkPackage(pkg);
    expect(result.ok).toBe(false);
    expect(result.steps.find((s) => s.tool === 'publint')?.ok).toBe(false);
    expect(result.steps.find((s) => s.tool === 'attw')?.ok).toBe(false);
  });
});
