import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Check } from '../model.js';
import { runConformance } from '../suite.js';
import { type CorpusEntry, isRefusal, loadCorpus } from './corpus.js';

const corpus = loadCorpus();

async function corpusChecks(options: Parameters<typeof runConformance>[0] = {}): Promise<Check[]> {
  const { result } = await runConformance({ stages: ['corpus'], reportsDir: false, ...options });
  const stage = result.stages.find((s) => s.id === 'corpus');
  if (!stage) throw new Error('no corpus stage in the result');
  return stage.checks;
}

function corpusFile(entries: CorpusEntry[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'billerkit-corpus-')), 'corpus.json');
  writeFileSync(file, JSON.stringify({ entries }));
  return file;
}

describe("the IAK SDK corpus (IAK's own SDK shapes)", () => {
  it('covers every command, every price-list type, both formats, the receipt, trailing slashes and numeric ids', () => {
    const bodies = corpus.map((e) => JSON.stringify(e.body ?? e.xml ?? ''));
    for (const command of ['inq-pasca', 'pay-pasca', 'checkstatus', 'pricelist-pasca'])
      expect(
        bodies.some((b) => b.includes(command)),
        command,
      ).toBe(true);
    expect(corpus.filter((e) => /^\/api\/v1\/bill\/check\/[a-z-]+$/.test(e.path)).length).toBeGreaterThanOrEqual(20);
    expect(corpus.some((e) => e.xml) && corpus.some((e) => e.body)).toBe(true);
    expect(corpus.some((e) => e.method === 'GET' && e.path.endsWith('/1'))).toBe(true);
    expect(corpus.filter((e) => e.path === '/api/v1/bill/check/').length).toBeGreaterThan(10);
    expect(corpus.some((e) => typeof e.body?.['tr_id'] === 'number')).toBe(true);
    for (const entry of corpus.filter(isRefusal)) expect(entry.expect.reason?.length, entry.name).toBeGreaterThan(40);
  });

  it('is accepted by the embedded sandbox in its default mode, or refused on purpose', async () => {
    const checks = await corpusChecks();
    expect(checks.filter((c) => c.status !== 'passed').map((c) => `${c.name}: ${c.message}`)).toEqual([]);
    expect(checks).toHaveLength(corpus.length);
    const byEvidence = checks.filter((c) => c.message?.startsWith('accepted as IAK is evidenced to accept'));
    expect(byEvidence.map((c) => c.message).join('\n')).toMatch(/\/tr_id \(RequestTrId\)[\s\S]*\/status \(PricelistStatusFilter\)/);
  }, 120_000);

  it('fails where a sandbox in the strict mode refuses what IAK accepts', async () => {
    const checks = await corpusChecks({ sandbox: { iakRequestProfile: 'strict' } });
    const failed = checks.filter((c) => c.status === 'failed');
    expect(failed.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('numeric tr_id'),
        expect.stringContaining('month "2"'),
        expect.stringContaining('status non-active'),
      ]),
    );
    expect(failed.find((c) => c.name.includes('numeric tr_id'))?.message).toContain('HTTP 400, expected 200');
  }, 120_000);

  it('fails an entry whose path the spec does not declare, or whose refusal has no reason', async () => {
    const pricelist = corpus.find((e) => e.path === '/api/v1/bill/check/pln' && e.body) as CorpusEntry;
    const refusal = corpus.find(isRefusal) as CorpusEntry;
    const file = corpusFile([
      { ...pricelist, name: 'undeclared', path: '/api/v1/bill/checks/' },
      { ...refusal, name: 'no reason', expect: { ...refusal.expect, reason: '' } },
    ]);
    const checks = await corpusChecks({ stageOptions: { corpus: { corpusFile: file } } });
    expect(checks.map((c) => [c.status, c.message?.match(/not a declared path|must carry its reason/)?.[0]])).toEqual([
      ['failed', 'not a declared path'],
      ['failed', 'must carry its reason'],
    ]);
  }, 120_000);
});
