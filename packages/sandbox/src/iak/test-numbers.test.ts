import { type IakTestNumber, iakResponseCodes, iakTestNumbers } from '@billerkit/specs';
import { validate } from '@billerkit/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProduct, IAK_PRODUCTS } from './products.js';
import { type Body, checkStatus, inquiry, newProvider, payment, post, serve, strictIssues, type TestServer } from './iak.test.helpers.js';
import type { IakProvider } from './index.js';
import { IakTestNumbers } from './test-numbers.js';

/** Request extras each product needs (documented per product page). */
function extrasFor(product: string): Body {
  if (product.startsWith('ESAMSAT.')) return { nomor_identitas: '0212502110170100' };
  if (product.startsWith('PBB')) return { year: '2023' };
  if (product === 'SHOPEEPAY' || /^(NON)?MEMBER\./.test(product)) return { desc: { amount: 100000 } };
  if (product === 'BPJS') return { month: 1 };
  return {};
}

/** The bill list inside a product's desc, where the family has one. */
function billList(desc: unknown): unknown[] | undefined {
  if (typeof desc !== 'object' || desc === null || Array.isArray(desc)) return undefined;
  const d = desc as Record<string, { detail?: unknown } | undefined>;
  const detail = d['tagihan']?.detail ?? d['bill']?.detail;
  if (detail === undefined) return undefined;
  return Array.isArray(detail) ? detail : [detail];
}

const message = (code: string) => iakResponseCodes.find((c) => c.code === code)?.message;
const stageOf = (entry: IakTestNumber) =>
  entry.responseCode === '00' ? null : /^payment/i.test(entry.description) ? 'payment' : 'inquiry';

describe('the catalogue is fully served', () => {
  it('knows every product of every documented test number', () => {
    const missing = [...new Set(iakTestNumbers.map((t) => t.product))].filter((code) => !findProduct(code));
    expect(missing).toEqual([]);
    expect(iakTestNumbers.length).toBeGreaterThan(150);
    expect(new Set(IAK_PRODUCTS.map((p) => p.code)).size).toBe(IAK_PRODUCTS.length);
  });

  it('reads the stage of every entry from its description', () => {
    const table = new IakTestNumbers(iakTestNumbers, iakResponseCodes);
    for (const entry of iakTestNumbers) {
      expect(table.lookup(entry.generation, entry.product, entry.hp)?.failsAt, `${entry.generation} ${entry.product} ${entry.hp}`).toBe(
        stageOf(entry),
      );
    }
  });
});

for (const generation of ['seed', 'newer'] as const) {
  for (const format of ['json', 'xml'] as const) {
    describe(`every ${generation}-generation test number gives its documented outcome (${format.toUpperCase()})`, () => {
      let provider: IakProvider;
      let server: TestServer;
      beforeAll(async () => {
        ({ provider } = newProvider({ iakTestNumberGeneration: generation, settleAfterChecks: 2, initialBalanceMinor: 10n ** 15n }));
        server = await serve(provider);
      });
      afterAll(async () => {
        await server.close();
        expect(server.thrown).toEqual([]);
      });

      /**
       * JSON answers must pass the strict profile (the documented contract). XML answers are text once decoded,
       * which only the tolerant profile accepts by design (strict types amounts as numbers).
       */
      const check = (result: string, component: string, envelope: Record<string, unknown>, data: Record<string, unknown>) => {
        if (format === 'json') expect(strictIssues(component, envelope), result).toEqual([]);
        else expect(validate('iak', component.replace(/Response$/, 'Result'), 'tolerant', data).issues, result).toEqual([]);
      };
      const num = (value: unknown) => Number(value);

      const entries = iakTestNumbers.filter((entry) => entry.generation === generation);
      it.each(entries.map((entry, index) => [`${entry.product} ${entry.hp}: ${entry.description.split(';')[0]}`, entry, index] as const))(
        '%s',
        async (_name, entry, index) => {
          const refId = `${generation}${format}${index}`;
          const label = `${entry.product} ${entry.hp}`;
          const inq = await post(server.url, inquiry(entry.product, entry.hp, refId, extrasFor(entry.product)), { format });
          expect(inq.answer.status, label).toBe(200);
          check(label, 'InqPascaResponse', inq.envelope, inq.data);
          const stage = stageOf(entry);

          if (stage === 'inquiry') {
            expect(inq.data, label).toMatchObject({ response_code: entry.responseCode, message: message(entry.responseCode) });
            expect(inq.data, label).not.toHaveProperty('tr_id');
            const status = await post(server.url, checkStatus(refId), { format });
            expect(status.data['response_code'], label).toBe('06');
            return;
          }

          expect(inq.data, label).toMatchObject({
            response_code: '00',
            message: 'INQUIRY SUCCESS',
            code: entry.product,
            hp: entry.hp,
            ref_id: refId,
          });
          expect(num(inq.data['price']), label).toBe(num(inq.data['nominal']) + num(inq.data['admin']));
          const bills = billList(inq.data['desc']);
          if (entry.bills !== undefined) expect(bills?.length, `${label} bills`).toBe(entry.bills);
          else if (bills !== undefined && bills.length > 0) expect(bills.length, `${label} bills`).toBe(1);

          const before = provider.balanceMinor();
          const pay = await post(server.url, payment(String(inq.data['tr_id'])), { format });
          check(label, 'PayPascaResponse', pay.envelope, pay.data);
          expect(pay.data, label).toMatchObject({
            response_code: entry.responseCode,
            message: entry.responseCode === '00' ? 'PAYMENT SUCCESS' : expect.any(String),
          });
          const taken = before - provider.balanceMinor();
          const selling = BigInt(String(inq.data['selling_price'])) * 100n;
          expect(taken, `${label} balance`).toBe(entry.outcome === 'failed' ? 0n : selling);

          const status = await post(server.url, checkStatus(refId), { format });
          check(label, 'CheckStatusResponse', status.envelope, status.data);
          const expected = { success: [1, '00'], pending: [3, '39'], failed: [2, '37'] }[entry.outcome as 'success' | 'pending' | 'failed'];
          expect([num(status.data['status']), status.data['response_code']], label).toEqual(expected);
        },
      );
    });
  }
}

describe('the two generations disagree about the same numbers; the context picks', () => {
  let seed: TestServer;
  let newer: TestServer;
  beforeAll(async () => {
    seed = await serve(newProvider().provider);
    newer = await serve(newProvider({ iakTestNumberGeneration: 'newer' }).provider);
  });
  afterAll(async () => {
    await seed.close();
    await newer.close();
  });

  it.each([
    ['PLNPOSTPAID', '530000000001', '00', '01'],
    ['SHOPEEPAY', '082100000001', '00', '01'],
    ['BPJS', '8801234560001', '00', '01'],
    ['PLNPOSTPAID', '530000000000', '14', '00'],
  ])('%s %s: seed answers %s, newer answers %s', async (code, hp, seedCode, newerCode) => {
    const body = (ref: string) => inquiry(code, hp, ref, extrasFor(code));
    expect((await post(seed.url, body(`gs${hp}`))).data['response_code']).toBe(seedCode);
    expect((await post(newer.url, body(`gn${hp}`))).data['response_code']).toBe(newerCode);
  });

  it('newer generation: other 0RRR / 1RRR suffixes answer that response code at inquiry / payment (IAK\'s "test case menu" pattern)', async () => {
    const inq = await post(newer.url, inquiry('PLNPOSTPAID', '530000000106', 'wild01'));
    expect(inq.data).toMatchObject({ response_code: '106', message: 'PRODUCT IS TEMPORARILY OUT OF SERVICE' });
    const ok = await post(newer.url, inquiry('PGAS', '0110011033', 'wild02'));
    expect(ok.data).toMatchObject({ response_code: '00' });
    const pay = await post(newer.url, payment(String(ok.data['tr_id'])));
    expect(strictIssues('PayPascaResponse', pay.envelope)).toEqual([]);
    expect(pay.data).toMatchObject({ response_code: '33' });
    // Not a response code, not a known prefix, or the seed generation: an unknown number (rc 14).
    expect((await post(newer.url, inquiry('PLNPOSTPAID', '530000000999', 'wild03'))).data['response_code']).toBe('00');
    expect((await post(newer.url, inquiry('PLNPOSTPAID', '530000000555', 'wild04'))).data['response_code']).toBe('14');
    expect((await post(newer.url, inquiry('PLNPOSTPAID', '540000000106', 'wild05'))).data['response_code']).toBe('14');
    expect((await post(seed.url, inquiry('PLNPOSTPAID', '530000000106', 'wild06'))).data['response_code']).toBe('14');
  });
});
