/**
 * 1,000 payments (500 Espay, 500 IAK) through `payAndConfirm` against the embedded sandbox with faults
 * injected into payments and status checks: 0 double payments, 0 lost payments, checked against the
 * sandbox's own record (see chaos.ts for the rules).
 */
import type { SandboxTransaction } from '@billerkit/sandbox';
import { describe, expect, it } from 'vitest';
import { type ChaosReport, type PaymentRecord, runChaos, verify } from './chaos.js';

const ESPAY = Number(process.env['BILLERKIT_CHAOS_ESPAY'] ?? 500);
const IAK = Number(process.env['BILLERKIT_CHAOS_IAK'] ?? 500);

describe('the verification', () => {
  const tx = (over: Partial<SandboxTransaction>): SandboxTransaction => ({
    provider: 'espay',
    ref: 'TX1',
    merchantRef: 'RQ1',
    customer: '770000000001',
    productCode: 'SPBFRE',
    amountMinor: '100',
    status: 'success',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...over,
  });
  const record = (over: Partial<PaymentRecord>): PaymentRecord => ({
    provider: 'espay',
    plan: 'test',
    bill: '770000000001',
    merchantRef: 'RQ1',
    amountMinor: '100',
    outcome: 'success',
    payments: 1,
    references: { rq_uuid: 'RQ1', order_id: '770000000001', amount: '100' },
    ...over,
  });
  const initial = { espay: 1_000n, iak: 0n };

  it('accepts a consistent record', () => {
    expect(verify([record({})], [tx({})], { espay: 900n, iak: 0n }, initial)).toEqual([]);
  });

  it('bites: finds a double payment, a lost payment, a phantom success, a bare unknown and a wrong deposit', () => {
    expect(verify([record({})], [tx({}), tx({ ref: 'TX2' })], { espay: 800n, iak: 0n }, initial).join('\n')).toMatch(/double payment/);
    expect(verify([record({ outcome: 'failed' })], [tx({})], { espay: 900n, iak: 0n }, initial).join('\n')).toMatch(/lost payment/);
    expect(verify([record({})], [], { espay: 1_000n, iak: 0n }, initial).join('\n')).toMatch(/client says paid/);
    expect(verify([record({ outcome: 'unknown', references: {} })], [], { espay: 1_000n, iak: 0n }, initial).join('\n')).toMatch(
      /unknown without/,
    );
    expect(verify([record({})], [tx({})], { espay: 950n, iak: 0n }, initial).join('\n')).toMatch(/deposit moved/);
    expect(verify([record({ payments: 2 })], [tx({})], { espay: 900n, iak: 0n }, initial).join('\n')).toMatch(/posted 2 times/);
  });
});

describe(`chaos: ${ESPAY} Espay + ${IAK} IAK payments with injected faults`, () => {
  let report: ChaosReport;

  it('ends every payment final or unknown-with-references; none paid twice, none lost', async () => {
    report = await runChaos({ espayPayments: ESPAY, iakPayments: IAK });
    console.info(
      `chaos: ${report.records.length} payments in ${Math.round(report.durationMs)} ms; ${JSON.stringify(report.outcomes)}; ${report.transactions.length} recorded by the sandbox`,
    );
    expect(report.violations).toEqual([]);
    expect(report.records).toHaveLength(ESPAY + IAK);
    expect(report.internalErrors).toBe(0);
  });

  it('met every kind of ending (so the faults really bit)', () => {
    for (const key of ['espay success', 'espay failed', 'espay unknown', 'iak success', 'iak failed']) {
      expect(report.outcomes[key] ?? 0, `${key} in ${JSON.stringify(report.outcomes)}`).toBeGreaterThan(0);
    }
    // IAK can look a payment up by ref_id, so a dropped or timed-out payment is settled, not left unknown;
    // only Espay (no lookup without a ref_id) has to give up.
    const iakRePosted = report.records.filter((r) => r.provider === 'iak' && r.payments === 2).length;
    expect(iakRePosted).toBeGreaterThan(0);
  });
});
