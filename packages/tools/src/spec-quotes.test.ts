import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo.js';
import { QUOTING_DOCS, regenerate, staleDocs } from './spec-quotes.js';

describe('docs that quote the specs', () => {
  it('are up to date (regenerate: pnpm --filter @billerkit/tools docs:spec)', () => {
    expect(staleDocs()).toEqual([]);
  });

  it('quote what the specs say now, not what they once said', () => {
    const readme = readFileSync(join(REPO_ROOT, 'packages/sandbox/README.md'), 'utf8');
    expect(readme).not.toContain('^[0-9]{4}$');
    expect(readme).toMatch(/`\/tr_id` in `PayPascaRequest` \(`RequestTrId`\)/);
    expect(readme).toMatch(/`\/amount` in `PaymentReportRequest` \(`FormAmount`\)/);
  });

  it('notice a hand edit or an old quote inside a region, and regions that went missing', () => {
    const { file, regions } = QUOTING_DOCS[0] as (typeof QUOTING_DOCS)[number];
    const current = readFileSync(join(REPO_ROOT, file), 'utf8');
    const edited = current.replace(/the strict `ErrorCode` pattern is `[^`]+`/, 'the strict `ErrorCode` pattern is `^[0-9]{4}$`');
    expect(edited).not.toBe(current);
    expect(regenerate(edited, regions)).toBe(current);
    expect(() =>
      regenerate(current.replace(/<!-- spec:begin provider-accepts[\s\S]*?<!-- spec:end provider-accepts -->/, ''), regions),
    ).toThrow(/provider-accepts missing/);
  });
});
