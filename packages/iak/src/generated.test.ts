/**
 * The generated code must be exactly what the generator makes from the current spec, and the
 * discriminated request union must keep its shape (hey-api has had discriminator regressions).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient, type UserConfig } from '@hey-api/openapi-ts';
import { afterAll, describe, expect, it } from 'vitest';
import type {
  BillCheckRequest,
  CheckStatusRequest,
  InqPascaRequest,
  PayPascaRequest,
  PricelistPascaRequest,
} from './generated/types.gen.js';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const GENERATED = join(PACKAGE, 'src/generated');

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}

async function snapshotOf(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const file of (await listFiles(dir)).sort()) files.set(relative(dir, file), await readFile(file, 'utf8'));
  return files;
}

const temp: string[] = [];
afterAll(async () => {
  for (const dir of temp) await rm(dir, { recursive: true, force: true });
});

describe('src/generated', () => {
  it('is up to date with specs/iak/openapi.yaml (run pnpm generate)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'billerkit-iak-gen-'));
    temp.push(out);
    // The config lives outside src/ (rootDir), so it is loaded by path; defineConfig() hands back a promise.
    const configModule = (await import(pathToFileURL(join(PACKAGE, 'openapi-ts.config.ts')).href)) as { default: Promise<unknown> };
    const base = (await configModule.default) as { input: string; output: Record<string, unknown> } & Record<string, unknown>;
    await createClient({
      ...base,
      input: resolve(PACKAGE, base.input),
      output: { ...base.output, path: out, tsConfigPath: join(PACKAGE, 'tsconfig.json') },
      logs: { level: 'silent' },
    } as unknown as UserConfig);

    const fresh = await snapshotOf(out);
    const committed = await snapshotOf(GENERATED);
    const stale: string[] = [];
    for (const name of new Set([...fresh.keys(), ...committed.keys()])) {
      if (fresh.get(name) !== committed.get(name)) stale.push(name);
    }
    expect(fresh.size, 'the generator produced nothing').toBeGreaterThan(0);
    expect(stale, `src/generated is stale in ${stale.join(', ')}: run pnpm generate`).toEqual([]);
  }, 60_000);

  it('types the discriminated BillCheckRequest body as a union over commands', async () => {
    const types = await readFile(join(GENERATED, 'types.gen.ts'), 'utf8');
    const block = (name: string): string => {
      const start = types.indexOf(`export type ${name} =`);
      expect(start, `${name} is missing from types.gen.ts`).toBeGreaterThanOrEqual(0);
      // Each declaration ends with `;` followed by a blank line.
      return types.slice(start, types.indexOf(';\n\n', start) + 1);
    };
    expect(block('BillCheckRequest')).toMatchSnapshot();
    expect(['InqPascaRequest', 'PayPascaRequest', 'CheckStatusRequest', 'PricelistPascaRequest'].map(block).join('\n\n')).toMatchSnapshot();
  });

  it('narrows BillCheckRequest by commands at compile time', () => {
    // This function only compiles while every branch keeps its literal `commands`.
    const extraOf = (body: BillCheckRequest): string => {
      switch (body.commands) {
        case 'inq-pasca':
          return body.ref_id;
        case 'pay-pasca':
          return String(body.tr_id);
        case 'checkstatus':
          return 'cs';
        case 'pricelist-pasca':
          return 'pl';
      }
    };
    const inq: InqPascaRequest = { commands: 'inq-pasca', username: '1', code: 'PLNPOSTPAID', hp: '1', ref_id: 'r1', sign: 'x' };
    const pay: PayPascaRequest = { commands: 'pay-pasca', username: '1', tr_id: '9', sign: 'x' };
    const cs: CheckStatusRequest = { commands: 'checkstatus', username: '1', ref_id: 'r1', sign: 'x' };
    const pl: PricelistPascaRequest = { commands: 'pricelist-pasca', username: '1', sign: 'x', status: 'all' };
    expect([inq, pay, cs, pl].map(extraOf)).toEqual(['r1', '9', 'cs', 'pl']);
  });
});
