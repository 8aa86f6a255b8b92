import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('src/generated', () => {
  it('is exactly what @hey-api/openapi-ts makes from the spec and config now (else: run pnpm generate)', () => {
    const run = spawnSync(process.execPath, ['scripts/generated.mjs', 'check'], { cwd: root, encoding: 'utf8' });
    const problems = `${run.stdout}${run.stderr}`;
    expect(run.status, problems).toBe(0);
    expect(problems).toContain('up to date');
  }, 60_000);

  it('generated form-body types are pinned by a snapshot', async () => {
    const types = readFileSync(new URL('./generated/types.gen.ts', import.meta.url), 'utf8');
    const names = [
      'InquiryTransactionRequest',
      'PaymentReportRequest',
      'GetTransactionInfoRequest',
      'GetBalanceRequest',
      'GetRegisteredProductsRequest',
    ];
    const blocks = names.map((name) => {
      const match = new RegExp(`export type ${name} = \\{[\\s\\S]*?\\n\\};`).exec(types);
      expect(match, name).not.toBeNull();
      return match?.[0] ?? '';
    });
    await expect(`${blocks.join('\n\n')}\n`).toMatchFileSnapshot('./__snapshots__/form-bodies.types.snap');
  });

  it('every form-body type has only string fields (the serializer relies on it)', () => {
    const types = readFileSync(new URL('./generated/types.gen.ts', import.meta.url), 'utf8');
    for (const name of [
      'InquiryTransactionRequest',
      'PaymentReportRequest',
      'GetTransactionInfoRequest',
      'GetBalanceRequest',
      'GetRegisteredProductsRequest',
    ]) {
      const block = new RegExp(`export type ${name} = \\{([\\s\\S]*?)\\n\\};`).exec(types)?.[1] ?? '';
      const fields = [...block.matchAll(/^\s{4}(\w+)\??: ([^;]+);/gm)].map((m) => [m[1], m[2]]);
      expect(fields.length, name).toBeGreaterThan(3);
      const aliasesOfString = [
        'string',
        'RqUuid',
        'RqDatetime',
        'Password',
        'OrderId',
        'ProductCode',
        'Signature',
        'FormAmount',
        'JsonObjectText',
        'RefId',
      ];
      for (const [field, type] of fields) expect(aliasesOfString, `${name}.${field}: ${type}`).toContain(type);
    }
  });
});
