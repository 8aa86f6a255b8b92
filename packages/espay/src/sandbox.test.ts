/**
 * Integration with the embedded sandbox (@billerkit/sandbox): the same calls an application makes
 * in its own tests. Test order ids are the sandbox's documented table (ESPAY_TEST_ORDERS).
 */
import { type Sandbox, startSandbox } from '@billerkit/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DuplicateRequestError, InsufficientBalanceError, ProviderError, ValidationError } from '@billerkit/core';
import { espayValidators } from '@billerkit/validators/espay';
import { createEspayClient, type EspayClient } from './client.js';

let sandbox: Sandbox;
let espay: EspayClient;
let dropNextPayment: 'drop-after-record' | 'drop-before-record' | undefined;
const PAY_PATH = '/rest/biller/paymentreport';

beforeAll(async () => {
  sandbox = await startSandbox({
    settle: { afterChecks: 2 },
    faults: (request) => {
      if (request.path !== PAY_PATH || !dropNextPayment) return undefined;
      const fault = dropNextPayment;
      dropNextPayment = undefined;
      return fault;
    },
  });
  // Default (tolerant) validation: the sandbox, like Espay, sends three-digit codes the strict profile rejects.
  espay = createEspayClient({ baseUrl: sandbox.url, ...sandbox.credentials.espay, timeoutMs: 2000 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
  dropNextPayment = undefined;
});

const payments = (orderId: string) => sandbox.transactions().filter((t) => t.provider === 'espay' && t.customer === orderId);
const PRODUCT = 'SPBFRE';

describe('Espay client against the embedded sandbox', () => {
  it('inquiry → pay: success, deposit deducted by exactly the amount', async () => {
    const before = sandbox.balances().espay;
    const inquiry = await espay.inquiry({ productCode: PRODUCT, orderId: '880000000000' });
    expect(inquiry.outcome).toBe('success');
    expect(typeof inquiry.amount).toBe('bigint');
    const paid = await espay.pay({ inquiry });
    expect(paid.outcome).toBe('success');
    expect(paid.refId).toBeTruthy();
    expect(sandbox.balances().espay).toBe(before - inquiry.amount);
    expect(payments('880000000000')).toHaveLength(1);
    expect(payments('880000000000')[0]?.amountMinor).toBe(inquiry.amount.toString());
  });

  it('balance answers in minor units', async () => {
    const { balance } = await espay.balance();
    expect(balance).toBe(sandbox.balances().espay);
  });

  it('pending then success: payAndConfirm polls gettransactioninfo', async () => {
    const inquiry = await espay.inquiry({ productCode: PRODUCT, orderId: '880000000010' });
    const result = await espay.payAndConfirm({ inquiry, poll: { initialDelayMs: 10, maxDelayMs: 50 } });
    expect(result).toMatchObject({ outcome: 'success', via: 'status', payments: 1 });
    expect(payments('880000000010')).toHaveLength(1);
  });

  it('pending then failed: payAndConfirm reports failed', async () => {
    const inquiry = await espay.inquiry({ productCode: PRODUCT, orderId: '880000000011' });
    const result = await espay.payAndConfirm({ inquiry, poll: { initialDelayMs: 10, maxDelayMs: 50 } });
    expect(result.outcome).toBe('failed');
    expect(payments('880000000011')).toHaveLength(1);
  });

  it('suspect payment (9999, no ref_id) is unknown and never paid again', async () => {
    const inquiry = await espay.inquiry({ productCode: PRODUCT, orderId: '880000019999' });
    const result = await espay.payAndConfirm({ inquiry, poll: { initialDelayMs: 10 } });
    expect(result.outcome).toBe('unknown');
    if (result.outcome === 'unknown')
      expect(result.references).toMatchObject({ order_id: '880000019999', product_code: PRODUCT, amount: inquiry.amount.toString() });
    expect(payments('880000019999')).toHaveLength(1);
  });

  it('the provider records the payment but the answer is lost: unknown, exactly one payment', async () => {
    const inquiry = await espay.inquiry({ productCode: PRODUCT, orderId: '880000000000' });
    dropNextPayment = 'drop-after-record';
    const result = await espay.payAndConfirm({ inquiry, poll: { initialDelayMs: 10 }, deadlineMs: 5000 });
    expect(result.outcome).toBe('unknown');
    if (result.outcome === 'unknown') {
      expect(result.lastError).toBeDefined();
      expect(result.references.rq_uuid.startsWith(sandbox.credentials.espay.senderId)).toBe(true);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(payments('880000000000')).toHaveLength(1);
    expect(sandbox.stats().internalErrors).toBe(0);
  });

  it('typed failures: insufficient balance, product denied, duplicate rq_uuid', async () => {
    const low = await espay.inquiry({ productCode: PRODUCT, orderId: '880000000800' });
    await expect(espay.pay({ inquiry: low })).rejects.toBeInstanceOf(InsufficientBalanceError);
    const denied = espay.inquiry({ productCode: PRODUCT, orderId: '880000000405' });
    await expect(denied).rejects.toBeInstanceOf(ProviderError);
    await expect(espay.inquiry({ productCode: PRODUCT, orderId: '880000000405' })).rejects.toMatchObject({ code: '405', kind: 'product' });
    await espay.balance({ rqUuid: 'SANDBOXDUP0001' });
    await expect(espay.balance({ rqUuid: 'SANDBOXDUP0001' })).rejects.toBeInstanceOf(DuplicateRequestError);
  });

  it('a connection dropped before the payment was recorded: ConnectionError from pay(), unknown from payAndConfirm, nothing paid', async () => {
    const inquiry = await espay.inquiry({ productCode: PRODUCT, orderId: '880000000000' });
    dropNextPayment = 'drop-before-record';
    await expect(espay.pay({ inquiry })).rejects.toMatchObject({ name: 'ConnectionError', requestMaybeReceived: true });
    dropNextPayment = 'drop-before-record';
    const result = await espay.payAndConfirm({ inquiry, poll: { initialDelayMs: 10 } });
    // The client cannot tell "dropped before" from "dropped after": it must not guess.
    expect(result.outcome).toBe('unknown');
    expect(payments('880000000000')).toHaveLength(0);
  });

  it('strict validation accepts the three-digit codes (String(4) is a maximum) and reports the failure as typed', async () => {
    const strict = createEspayClient({
      baseUrl: sandbox.url,
      ...sandbox.credentials.espay,
      validators: espayValidators,
      validate: 'strict',
    });
    const low = await strict.inquiry({ productCode: PRODUCT, orderId: '880000000800' });
    await expect(strict.pay({ inquiry: low })).rejects.not.toBeInstanceOf(ValidationError);
  });
});
