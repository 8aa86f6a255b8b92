import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('dist/catalogues/*.js', () => {
  it('hold the catalogues the package root loads from JSON, without the `source` notes', async () => {
    // The modules are build output; make them from the current sources first.
    const run = spawnSync(process.execPath, ['scripts/bundle.mjs'], { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const dist = new URL('../dist/', import.meta.url);
    const espay = await import(new URL('catalogues/espay.js', dist).href);
    const iak = await import(new URL('catalogues/iak.js', dist).href);
    const fromJson = (file: string) =>
      import(new URL(file, dist).href, { with: { type: 'json' } }).then((m) =>
        (m.default as Array<Record<string, unknown>>).map(({ source: _source, ...entry }) => entry),
      );
    expect(espay.espayErrorCodes).toEqual(await fromJson('espay.error-codes.json'));
    expect(espay.espayProducts).toEqual(await fromJson('espay.products.json'));
    expect(iak.iakResponseCodes).toEqual(await fromJson('iak.response-codes.json'));
    expect(iak.iakStatusValues).toEqual(await fromJson('iak.status-values.json'));
    expect(iak.iakTestNumbers).toEqual(await fromJson('iak.test-numbers.json'));
  });
});
