/**
 * Prism in proxy mode in front of the sandbox, fed the IAK SDK corpus. Reading the spec as IAK takes
 * requests (the x-provider-accepts forms applied), it flags nothing but XML bodies (which it cannot read)
 * and the requests the corpus refuses on purpose, for the field the refusal names. Reading the committed
 * spec, it also flags the three SDK forms that billerkit's strict contract leaves out, and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { isRefusal } from '../corpus/corpus.js';
import { type PrismFlag, runPrismCorpus } from './prism-corpus.js';

const flaggedNames = (flags: PrismFlag[]) => flags.filter((f) => f.violations.length > 0).map((f) => f.entry.name);
const expectedNames = (flags: PrismFlag[], extra: (f: PrismFlag) => boolean) =>
  flags.filter((f) => f.entry.xml !== undefined || isRefusal(f.entry) || extra(f)).map((f) => f.entry.name);

describe('Prism proxy in front of the sandbox, fed the IAK SDK corpus', () => {
  it('flags only XML bodies and the refusals on purpose when it reads the spec as IAK takes requests', async () => {
    const flags = await runPrismCorpus('provider');
    expect(flags.length).toBeGreaterThanOrEqual(50);
    expect(flaggedNames(flags)).toEqual(expectedNames(flags, () => false));
    for (const flag of flags.filter((f) => f.entry.xml))
      expect(flag.violations.join('\n')).toMatch(/^request\.body: Request body must be object/);
    for (const flag of flags.filter((f) => isRefusal(f.entry))) {
      expect(flag.status).toBe(400);
      expect(flag.violations.join('\n')).toContain(`must have required property '${flag.entry.expect.field}'`);
    }
    // The trailing-slash path is routed as billCheck, not as /check/{type} with an empty type.
    expect(
      flags.filter((f) => f.entry.path === '/api/v1/bill/check/' && !f.entry.xml && !isRefusal(f.entry)).every((f) => f.status === 200),
    ).toBe(true);
  }, 300_000);

  it('also flags the numeric tr_id, month "2" and status non-active when it reads the committed (strict) spec', async () => {
    const flags = await runPrismCorpus('committed');
    const sdkForm = (f: PrismFlag) => /numeric tr_id|month "2"|status non-active/.test(f.entry.name);
    expect(flaggedNames(flags)).toEqual(expectedNames(flags, sdkForm));
    expect(flags.filter(sdkForm)).toHaveLength(3);
  }, 300_000);
});
