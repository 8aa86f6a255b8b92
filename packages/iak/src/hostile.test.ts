/**
 * Hostile answers (issue 15, item 5): with validators off (the default) every success answer is still
 * cross-checked, so an answer about another tr_id / ref_id, one without what identifies the payment, or one
 * whose amounts do not add up ends in a typed ResponseMismatchError, never in a success; payAndConfirm
 * settles such a payment as `unknown` after a status check, never by posting it again blind.
 */
import { MalformedResponseError, ProviderError, ResponseMismatchError } from '@billerkit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIakClient, type IakClientOptions } from './index.js';
import { FAKE_API_KEY, FAKE_USERNAME, type FakeIak, startFakeIak } from './test-support/fake-iak.js';

let fake: FakeIak;
beforeAll(async () => {
  fake = await startFakeIak();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

function client(extra: Partial<IakClientOptions> = {}) {
  return createIakClient({
    baseUrl: fake.url,
    username: FAKE_USERNAME,
    apiKey: FAKE_API_KEY,
    timeoutMs: 10_000,
    retry: { maxRetries: 0 },
    ...extra,
  });
}

async function paidInquiry(refId: string) {
  return client().inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId });
}

describe('IAK success answers are cross-checked with validators off', () => {
  it('pay: a bare {"response_code":"00"} is a ResponseMismatchError naming the missing tr_id', async () => {
    const bill = await paidInquiry('H1');
    fake.override('pay-pasca', () => ({ data: { response_code: '00' } }));
    const error = await client()
      .pay({ trId: bill.trId })
      .catch((error: Error) => error);
    expect(error).toBeInstanceOf(ResponseMismatchError);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as ResponseMismatchError).problems).toEqual([`tr_id is missing (the request's is ${bill.trId})`]);
  });

  it('pay: an answer about another tr_id is refused, in JSON and XML', async () => {
    for (const format of ['json', 'xml'] as const) {
      fake.reset();
      const bill = await client({ format }).inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: `H2${format}` });
      fake.override('pay-pasca', (req, f) => {
        const answer = f.defaults['pay-pasca']?.(req, f) as { data: Record<string, unknown> };
        return { data: { ...answer.data, tr_id: 1234 } };
      });
      const error = await client({ format })
        .pay({ trId: bill.trId })
        .catch((error: Error) => error);
      expect(error, format).toBeInstanceOf(ResponseMismatchError);
      expect(error.message).toContain(`tr_id "1234" is not the request's "${bill.trId}"`);
    }
  });

  it('checkStatus: an answer about another ref_id is refused; one without tr_id cannot be a success', async () => {
    const bill = await paidInquiry('H3');
    await client().pay({ trId: bill.trId });
    fake.override('checkstatus', (req, f) => {
      const answer = f.defaults['checkstatus']?.(req, f) as { data: Record<string, unknown> };
      return { data: { ...answer.data, ref_id: 'SOMEONE-ELSE' } };
    });
    expect(
      await client()
        .checkStatus({ refId: 'H3' })
        .catch((error: Error) => error),
    ).toBeInstanceOf(ResponseMismatchError);
    fake.override('checkstatus', () => ({ data: { ref_id: 'H3', status: 1, response_code: '00', message: 'PAYMENT SUCCESS' } }));
    const error = await client()
      .checkStatus({ refId: 'H3' })
      .catch((error: Error) => error);
    expect(error).toBeInstanceOf(ResponseMismatchError);
    expect((error as ResponseMismatchError).problems).toEqual(['tr_id is missing']);
  });

  it('inquiry: another ref_id, or a price that is not nominal + admin, is refused', async () => {
    fake.override('inq-pasca', (req, f) => {
      const answer = f.defaults['inq-pasca']?.(req, f) as { data: Record<string, unknown> };
      return { data: { ...answer.data, ref_id: 'OTHER' } };
    });
    expect(await paidInquiry('H4').catch((error: Error) => error)).toBeInstanceOf(ResponseMismatchError);
    fake.override('inq-pasca', (req, f) => {
      const answer = f.defaults['inq-pasca']?.(req, f) as { data: Record<string, unknown> };
      return { data: { ...answer.data, price: 9_302_500 } };
    });
    const error = await paidInquiry('H5').catch((error: Error) => error);
    expect(error).toBeInstanceOf(ResponseMismatchError);
    expect((error as ResponseMismatchError).problems[0]).toMatch(/^price 930250000 is not nominal \+ admin = 30250000/);
  });

  it('codes are compared as IAK sends them: 0 or "0" is no success', async () => {
    const bill = await paidInquiry('H6');
    for (const code of [0, '0', '000']) {
      fake.override('pay-pasca', (req, f) => {
        const answer = f.defaults['pay-pasca']?.(req, f) as { data: Record<string, unknown> };
        f.byTrId(bill.trId)!.state = 'unpaid';
        return { data: { ...answer.data, response_code: code } };
      });
      const error = await client()
        .pay({ trId: bill.trId })
        .catch((error: Error) => error);
      expect(error, String(code)).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).code).toBe(String(code));
    }
  });

  it('payAndConfirm: a mismatched pay answer is checked by status; a mismatched status is unknown, never a re-post', async () => {
    const bill = await paidInquiry('H7');
    fake.override('pay-pasca', (req, f) => {
      f.defaults['pay-pasca']?.(req, f); // the money moves …
      return { data: { response_code: '00', message: 'PAYMENT SUCCESS' } }; // … and the answer says nothing about which payment
    });
    fake.override('checkstatus', () => ({
      data: { ref_id: 'NOT-H7', tr_id: bill.trId, status: 1, response_code: '00', message: 'PAYMENT SUCCESS' },
    }));
    const result = await client().payAndConfirm(
      { trId: bill.trId, refId: 'H7' },
      { deadlineMs: 10_000, poll: { initialDelayMs: 10, maxDelayMs: 20 } },
    );
    expect(result.outcome).toBe('unknown');
    expect(result.payments).toBe(1);
    expect(result.statusChecks).toBe(1);
    expect(result.references).toEqual({ trId: bill.trId, refId: 'H7' });
    expect(fake.counts['pay-pasca']).toBe(1);
  });

  it('payAndConfirm: a mismatched pay answer settled by an honest status check is a success via status', async () => {
    const bill = await paidInquiry('H8');
    fake.override('pay-pasca', (req, f) => {
      f.defaults['pay-pasca']?.(req, f);
      return { data: { response_code: '00', message: 'PAYMENT SUCCESS', tr_id: 1 } };
    });
    const result = await client().payAndConfirm(
      { trId: bill.trId, refId: 'H8' },
      { deadlineMs: 10_000, poll: { initialDelayMs: 10, maxDelayMs: 20 } },
    );
    expect(result).toMatchObject({ outcome: 'success', via: 'status', payments: 1 });
    expect(fake.counts['pay-pasca']).toBe(1);
  });
});
