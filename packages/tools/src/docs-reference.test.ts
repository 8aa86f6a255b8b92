import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReference, DocsError, PACKAGE_OPTIONS, REFERENCE_PACKAGES, referenceTargets } from './docs.js';

const work = mkdtempSync(join(tmpdir(), 'billerkit-reference-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A one-file package whose only problem is the TypeDoc warning we want to see fail the build. */
function fixture(name: string, source: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module' }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        strict: true,
        types: [],
        rootDir: 'src',
        outDir: 'dist',
      },
      include: ['src'],
    }),
  );
  writeFileSync(join(dir, 'src', 'index.ts'), source);
  return dir;
}

const failure = async (promise: Promise<unknown>): Promise<DocsError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DocsError) return error;
    throw error;
  }
  throw new Error('expected the TypeDoc build to fail');
};

// Each TypeDoc run takes a few seconds; they are independent, so they run side by side.
describe.concurrent('TypeDoc reference', () => {
  it('documents the client packages', () => {
    expect(REFERENCE_PACKAGES).toEqual(['@billerkit/core', '@billerkit/signing', '@billerkit/espay', '@billerkit/iak']);
  });

  it('builds the whole reference (core, signing, espay, iak) without a single warning or accepted exception', async () => {
    expect(PACKAGE_OPTIONS).toEqual({});
    const out = join(work, 'reference-html');
    await buildReference(out, referenceTargets());
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    for (const name of REFERENCE_PACKAGES) expect(index).toContain(name);
    const page = (path: string): string => readFileSync(join(out, path), 'utf8');
    // The types that used to be unexported (and made TypeDoc warn) are documented now.
    expect(existsSync(join(out, 'types', '_billerkit_signing.EspaySignatureFields.html'))).toBe(true);
    expect(page('interfaces/_billerkit_core.ConfirmedPaymentBase.html')).toContain('references');
    expect(existsSync(join(out, 'types', '_billerkit_core.ErrorSubclassOptions.html'))).toBe(true);
    expect(existsSync(join(out, 'types', '_billerkit_iak.WireData.html'))).toBe(true);
    expect(existsSync(join(out, 'types', '_billerkit_iak.IakJsonBody.html'))).toBe(true);
    expect(existsSync(join(out, 'functions', '_billerkit_signing.espaySignature.html'))).toBe(true);
  });

  it('fails on a public type that leans on an unexported one: a warning is an error', async () => {
    const dir = fixture(
      'fixture-not-exported',
      'type Hidden = { code: string };\n/** The public face. */\nexport type Visible = Hidden[];\n',
    );
    const error = await failure(buildReference(join(work, 'not-exported-html'), [{ name: 'fixture-not-exported', dir }]));
    expect(error.message).toMatch(/typedoc failed for fixture-not-exported/);
    expect(error.output).toMatch(/Hidden.*is referenced by Visible but not included/);
    expect(existsSync(join(work, 'not-exported-html', 'index.html'))).toBe(false);
  });

  it('fails on a broken {@link}', async () => {
    const dir = fixture(
      'fixture-broken-link',
      '/** Signs things; see {@link doesNotExist}. */\nexport function sign(): string {\n  return "";\n}\n',
    );
    const error = await failure(buildReference(join(work, 'broken-html'), [{ name: 'fixture-broken-link', dir }]));
    expect(error.output).toMatch(/doesNotExist/);
    expect(existsSync(join(work, 'broken-html', 'index.html'))).toBe(false);
  });
});
