import { espayErrorCodes, iakResponseCodes, iakStatusValues } from '@billerkit/specs';
import { describe, expect, it } from 'vitest';
import { classifyEspay, classifyIak, classifyIakStatus } from './catalogues.js';
import { DuplicateRequestError, InsufficientBalanceError, ProviderError } from './errors.js';
import { errorFromClassification } from './outcome.js';

describe('classifiers bound to @billerkit/specs', () => {
  it('Espay: documented examples', () => {
    expect(classifyEspay('0000', 'Success')).toMatchObject({ outcome: 'success', known: true });
    expect(classifyEspay('0000', 'Inproses')).toMatchObject({ outcome: 'pending' });
    expect(classifyEspay(210, 'UUID already exist')).toMatchObject({ outcome: 'failed', kind: 'duplicate', code: '210' });
    expect(classifyEspay('210', 'UUID already exist')).toEqual(classifyEspay(210, 'UUID already exist'));
    const throttled = classifyEspay(610, 'Anda bisa melakukan transaksi yang sama setelah 5 menit');
    expect(throttled).toMatchObject({ outcome: 'failed', kind: 'throttled', retryAfter: 300 });
    expect(classifyEspay('no-such-code', 'x')).toMatchObject({ outcome: 'failed', kind: 'provider', known: false });
  });

  it('Espay: every catalogue entry classifies as the catalogue says', () => {
    for (const entry of espayErrorCodes) {
      // For descPattern entries, feed a description the pattern accepts (the catalogue's example forms).
      const desc = entry.descPattern ? 'Inproses' : 'some text';
      const c = classifyEspay(entry.code, desc);
      const expected = entry.outcome === 'retry-after' ? 'failed' : entry.outcome;
      if (entry.descPattern && !new RegExp(entry.descPattern, 'i').test(desc)) continue;
      expect(c.outcome, `${entry.code} ${entry.descPattern ?? ''}`).toBe(expected);
    }
  });

  it('Espay: failed classifications map to typed errors', () => {
    expect(errorFromClassification(classifyEspay(210, 'UUID already exist'), { provider: 'espay' })).toBeInstanceOf(DuplicateRequestError);
    const low = espayErrorCodes.find((e) => e.kind === 'insufficient_balance');
    if (low) expect(errorFromClassification(classifyEspay(low.code), { provider: 'espay' })).toBeInstanceOf(InsufficientBalanceError);
    expect(errorFromClassification(classifyEspay('4242'), { provider: 'espay' })).toBeInstanceOf(ProviderError);
  });

  it('IAK: every response code and status value classifies as the catalogue says', () => {
    expect(iakResponseCodes.length).toBeGreaterThan(0);
    for (const entry of iakResponseCodes) expect(classifyIak(entry.code).outcome, entry.code).toBe(entry.outcome);
    expect(classifyIak('00').outcome).toBe('success');
    for (const entry of iakStatusValues) {
      expect(classifyIakStatus(entry.status).outcome).toBe(entry.outcome);
      expect(classifyIakStatus(String(entry.status)).outcome).toBe(entry.outcome);
    }
  });
});
