/**
 * payAndConfirm against a real loopback server that counts pay-pasca requests: an ambiguous
 * payment is settled by checkstatus, a re-post happens only after IAK positively says it never
 * received the payment (42 / status 0), and never more than once.
 */
import { ConnectionError, InsufficientBalanceError, ProviderError, RequestAbortedError, TimeoutError } from '@billerkit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIakClient, type IakClientOptions, type IakPayAndConfirmOptions } from './index.js';
import { FAKE_API_KEY, FAKE_USERNAME, type FakeIak, startFakeIak } from './test-support/fake-iak.js';

let fake: FakeIak;
beforeAll(async () => {
  fake = await startFakeIak();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const FAST: IakPayAndConfirmOptions = { deadlineMs: 8000, poll: { initialDelayMs: 20, maxDelayMs: 60 }, rePostGraceMs: 150 };

function client(extra: Partial<IakClientOptions> = {}) {
  // A late payment answer is held by the fake until the client gives up (holdUntilClosed), so this timeout
  // only has to be well over a loaded CI machine's slowest loopback reply: status checks must not time out.
  return createIakClient({
    baseUrl: fake.url,
    username: FAKE_USERNAME,
    apiKey: FAKE_API_KEY,
    timeoutMs: 1500,
    retry: { maxRetries: 0 },
    ...extra,
  });
}

// The inquiry only sets the scene, so it gets a timeout no busy machine will hit.
async function inquire(refId: string, format: 'json' | 'xml' = 'json') {
  return client({ format, timeoutMs: 10_000 }).inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId });
}

describe.each(['json', 'xml'] as const)('payAndConfirm (%s)', (format) => {
  it('never sends a second pay-pasca when the first timed out after IAK recorded it', async () => {
    const inquiry = await inquire('P1', format);
    // IAK records the payment, then answers too late: after the client's timeout.
    fake.override('pay-pasca', async (req, f) => ({ ...(await f.defaults['pay-pasca']!(req, f)), holdUntilClosed: true }));
    // Its status lags: "in process" twice before it says paid.
    let lag = 2;
    fake.override('checkstatus', (req, f) => {
      if (lag-- > 0) f.inquiries.get('P1')!.state = 'pending';
      else f.inquiries.get('P1')!.state = 'paid';
      return f.defaults['checkstatus']!(req, f);
    });

    const result = await client({ format }).payAndConfirm(inquiry, FAST);

    expect(fake.counts['pay-pasca']).toBe(1);
    expect(result.outcome).toBe('success');
    expect(result).toMatchObject({ via: 'status', payments: 1, rePosted: false, references: { trId: inquiry.trId, refId: 'P1' } });
    expect(result.statusChecks).toBe(3);
    expect(result.status).toMatchObject({ outcome: 'success', status: 1, price: 30250000n });
    if (result.outcome === 'success') expect(result.payment).toBeUndefined();
  });

  it('does not trust a "not received" answer inside the grace period after a timed-out payment', async () => {
    // IAK records the payment but answers too late; its status says "not received" twice before "paid".
    const script = (refId: string) => {
      fake.override('pay-pasca', async (req, f) => ({ ...(await f.defaults['pay-pasca']!(req, f)), holdUntilClosed: true }));
      let stale = 2;
      fake.override('checkstatus', (req, f) => {
        f.inquiries.get(refId)!.state = stale-- > 0 ? 'unpaid' : 'paid';
        return f.defaults['checkstatus']!(req, f);
      });
    };

    const inquiry = await inquire('P2', format);
    script('P2');
    const result = await client({ format }).payAndConfirm(inquiry, { ...FAST, rePostGraceMs: 5000 });
    expect(fake.counts['pay-pasca']).toBe(1);
    expect(result).toMatchObject({ outcome: 'success', via: 'status', rePosted: false });
    expect(result.statusChecks).toBe(3);

    // Control: without the grace period the same stale answers would have caused a second payment.
    fake.reset();
    const again = await inquire('P2B', format);
    script('P2B');
    const hasty = await client({ format }).payAndConfirm(again, { ...FAST, rePostGraceMs: 0 });
    expect(fake.counts['pay-pasca']).toBe(2);
    expect(hasty.rePosted).toBe(true);
  });

  it('re-posts once when checkstatus positively says IAK never received the payment', async () => {
    const inquiry = await inquire('P3', format);
    let first = true;
    fake.override('pay-pasca', (req, f) => {
      if (first) {
        first = false;
        return { hangUp: true }; // connection lost before IAK recorded anything
      }
      return f.defaults['pay-pasca']!(req, f);
    });

    const result = await client({ format }).payAndConfirm(inquiry, FAST);

    expect(fake.counts['pay-pasca']).toBe(2);
    expect(fake.counts['checkstatus']).toBeGreaterThanOrEqual(1);
    expect(result).toMatchObject({ outcome: 'success', via: 'pay', payments: 2, rePosted: true });
    expect(result.payment).toMatchObject({ outcome: 'success', responseCode: '00', balance: 99758610800n });
  });

  it('never sends a third pay-pasca, and ends unknown (not failed) when the truth stays hidden', async () => {
    const inquiry = await inquire('P4', format);
    fake.override('pay-pasca', () => ({ hangUp: true }));

    const result = await client({ format }).payAndConfirm(inquiry, { ...FAST, deadlineMs: 3000 });

    expect(fake.counts['pay-pasca']).toBe(2);
    expect(result.outcome).toBe('unknown');
    if (result.outcome !== 'unknown') throw new Error('unreachable');
    expect(result.reason).toContain('deadline');
    expect(result.references).toEqual({ trId: inquiry.trId, refId: 'P4' });
    expect(result.status).toMatchObject({ outcome: 'not_found', responseCode: '42' });
  });
});

describe('payAndConfirm outcomes', () => {
  it('settles a pending answer by status: failed with the typed error, one payment', async () => {
    const inquiry = await inquire('Q1');
    fake.override('pay-pasca', (req, f) => {
      f.byTrId(req.body['tr_id'])!.state = 'pending';
      return { data: { tr_id: Number(req.body['tr_id']), response_code: '39', message: 'PENDING / TRANSAKSI SEDANG DIPROSES' } };
    });
    let checks = 0;
    fake.override('checkstatus', (req, f) => {
      if (++checks === 2) f.inquiries.get('Q1')!.state = 'failed';
      return f.defaults['checkstatus']!(req, f);
    });

    const result = await client().payAndConfirm(inquiry, FAST);

    expect(fake.counts['pay-pasca']).toBe(1);
    expect(result).toMatchObject({ outcome: 'failed', via: 'status', payments: 1 });
    if (result.outcome !== 'failed') throw new Error('unreachable');
    expect(result.error).toBeInstanceOf(ProviderError);
    expect(result.error?.code).toBe('37');
    expect(result.payment).toMatchObject({ outcome: 'pending', responseCode: '39' });
  });

  it('reports a definite failure from the payment itself without asking for the status', async () => {
    const inquiry = await inquire('Q2');
    fake.override('pay-pasca', () => ({ data: { response_code: '17', message: 'BALANCE NOT ENOUGH' } }));

    const result = await client().payAndConfirm(inquiry, FAST);

    expect(result).toMatchObject({ outcome: 'failed', via: 'pay', payments: 1, statusChecks: 0 });
    if (result.outcome !== 'failed') throw new Error('unreachable');
    expect(result.error).toBeInstanceOf(InsufficientBalanceError);
    expect(fake.counts['checkstatus']).toBeUndefined();
  });

  it('keeps polling instead of re-posting when re-posts are not allowed', async () => {
    const inquiry = await inquire('Q3');
    fake.override('pay-pasca', () => ({ hangUp: true }));

    const result = await client().payAndConfirm(inquiry, { ...FAST, deadlineMs: 3000, allowRePost: false });

    expect(fake.counts['pay-pasca']).toBe(1);
    expect(result.outcome).toBe('unknown');
    if (result.outcome !== 'unknown') throw new Error('unreachable');
    // The lost payment, unless the deadline cut a status check short.
    expect(result.lastError instanceof ConnectionError || result.lastError instanceof RequestAbortedError).toBe(true);
    expect(result.status).toMatchObject({ outcome: 'not_found' });
  });

  it('treats "already paid" on the re-post as the first payment arriving late, and confirms it by status', async () => {
    const inquiry = await inquire('Q4');
    let first = true;
    fake.override('pay-pasca', (req, f) => {
      if (first) {
        first = false;
        return { hangUp: true }; // IAK says "not received" for now (status 0 / 42)…
      }
      // …but the first payment is recorded late, just before the re-post lands.
      f.byTrId(req.body['tr_id'])!.state = 'paid';
      return f.defaults['pay-pasca']!(req, f);
    });

    const result = await client().payAndConfirm(inquiry, FAST);

    expect(fake.counts['pay-pasca']).toBe(2);
    expect(result).toMatchObject({ outcome: 'success', via: 'status', payments: 2, rePosted: true });
    expect(result.payment).toMatchObject({ outcome: 'failed', responseCode: '01' });
  });

  it('gives up with unknown when checkstatus describes another transaction', async () => {
    const inquiry = await inquire('Q5');
    fake.override('pay-pasca', async (req, f) => ({ ...(await f.defaults['pay-pasca']!(req, f)), holdUntilClosed: true }));
    fake.override('checkstatus', async (req, f) => {
      const reply = await f.defaults['checkstatus']!(req, f);
      return { ...reply, data: { ...reply.data, tr_id: 1 } };
    });

    const result = await client().payAndConfirm(inquiry, FAST);

    expect(fake.counts['pay-pasca']).toBe(1);
    expect(result.outcome).toBe('unknown');
    if (result.outcome === 'unknown') expect(result.reason).toContain('tr_id 1');
  });

  it('checks the status after a timed-out payment and reports the timeout if the status stays pending', async () => {
    const inquiry = await inquire('Q6');
    fake.override('pay-pasca', (req, f) => {
      f.byTrId(req.body['tr_id'])!.state = 'pending';
      return { holdUntilClosed: true };
    });

    // The payment times out (1500 ms), then the status says pending until the deadline.
    const result = await client().payAndConfirm(inquiry, { ...FAST, deadlineMs: 4000 });

    expect(fake.counts['pay-pasca']).toBe(1);
    expect(fake.counts['checkstatus']).toBeGreaterThanOrEqual(2);
    expect(result.outcome).toBe('unknown');
    if (result.outcome !== 'unknown') throw new Error('unreachable');
    expect(result.lastError instanceof TimeoutError || result.lastError instanceof RequestAbortedError).toBe(true);
    expect(result.status).toMatchObject({ outcome: 'pending', status: 3 });
  });

  it('rejects bad input before sending anything', async () => {
    await expect(client().payAndConfirm({ trId: 'abc', refId: 'X' })).rejects.toThrow(TypeError);
    await expect(client().payAndConfirm({ trId: '1', refId: '' })).rejects.toThrow(TypeError);
    expect(fake.requests).toHaveLength(0);
  });
});
