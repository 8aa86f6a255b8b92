import { readFileSync } from 'node:fs';
import { espayErrorCodes, espayProducts } from '@billerkit/specs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../sandbox.js';
import { rupiah, toPaddedRupiah } from './amounts.js';
import { CODES } from './codes.js';
import { EspayTestClient, PATHS } from './espay.test.helpers.js';
import { SAME_TRANSACTION_WINDOW_MS } from './store.js';
import { ESPAY_TEST_ORDERS, type EspayTestOrder } from './test-orders.js';

let sandbox: Sandbox;
let client: EspayTestClient;
const logged: unknown[] = [];
const INITIAL = 1_000_000_000n;

beforeAll(async () => {
  sandbox = await startSandbox({
    deterministic: true,
    settle: { afterChecks: 2, afterMs: 60_000 },
    logger: { error: (message, details) => logged.push({ message, details }) },
  });
  client = new EspayTestClient(sandbox);
});

afterEach(() => {
  sandbox.reset();
});

afterAll(async () => {
  await sandbox.close();
  // Every answer of this file was contract-checked, and none went through the internal-error path.
  expect(client.checks.length).toBeGreaterThan(100);
  expect(client.violations()).toEqual([]);
  expect(logged).toEqual([]);
  expect(sandbox.stats().internalErrors).toBe(0);
});

/** One product per data shape, so every `data` builder meets the spec. */
const BY_SCHEMA = [
  ...new Map(
    espayProducts
      .filter((p) => p.inquiry)
      .reverse()
      .map((p) => [p.dataSchema ?? 'none', p]),
  ).values(),
];
const PAYMENT_ONLY = espayProducts.filter((p) => !p.inquiry);

const topupExtra = (code: string): Record<string, string> =>
  espayProducts.find((p) => p.code === code)?.transactionType === 'TOPUP' ? { additional_data: '{"amount":"10000000"}' } : {};

describe('inquiry → payment for every data shape', () => {
  it.each(BY_SCHEMA.map((p) => [p.code, p.dataSchema ?? 'none'] as const))('%s (%s)', async (code) => {
    const { inquiry, payment } = await client.inquireAndPay('081234000001', code, topupExtra(code));
    const body = inquiry.body;
    expect(inquiry.status).toBe(200);
    expect(body).toMatchObject({ error_code: '0000', error_desc: 'Success', order_id: '081234000001' });
    // amount = bill_amount + admin_fee, exact, all digit strings with two implied decimals.
    for (const field of ['amount', 'bill_amount', 'admin_fee']) expect(body[field]).toMatch(/^[0-9]+$/);
    expect(BigInt(body.amount)).toBe(BigInt(body.bill_amount) + BigInt(body.admin_fee));
    // Where data carries bill_amount it is the same bill in whole rupiah, zero-padded to 12 digits.
    if (body.data.bill_amount !== undefined) expect(body.data.bill_amount).toBe(toPaddedRupiah(BigInt(body.bill_amount)));

    expect(payment.status).toBe(200);
    expect(payment.body).toMatchObject({ error_code: '0000', error_desc: 'Success', order_id: '081234000001' });
    expect(payment.body.ref_id).toMatch(/^TX[0-9]{12}$/);
    expect(sandbox.balances().espay).toBe(INITIAL - BigInt(body.amount));
    expect(sandbox.transactions()).toEqual([
      expect.objectContaining({
        provider: 'espay',
        ref: payment.body.ref_id,
        customer: '081234000001',
        productCode: code,
        amountMinor: body.amount,
        status: 'success',
      }),
    ]);
  });

  it('PLN prepaid payment adds a token to the inquiry data', async () => {
    const { payment } = await client.inquireAndPay('520520795556', 'SLYLPR100');
    expect(payment.body.data.token).toMatch(/^[0-9]{4}( [0-9]{4}){4}$/);
    expect(payment.body.data.price).toBe('100000');
  });

  it('a bill is the same for the same order and product, and differs between orders', async () => {
    const a = await client.inquiry('555000111', 'SLYLPO');
    const b = await client.inquiry('555000111', 'SLYLPO');
    const c = await client.inquiry('555000112', 'SLYLPO');
    expect(a.body.amount).toBe(b.body.amount);
    expect(c.body.amount).not.toBe(a.body.amount);
    expect(BigInt(a.body.bill_amount) % 100n).toBe(0n);
  });
});

describe('payment-only products', () => {
  it.each(PAYMENT_ONLY.map((p) => [p.code] as const))('%s pays without an inquiry', async (code) => {
    const answer = await client.payment('4333333333', code, '100000000');
    expect(answer.body).toMatchObject({ error_code: '0000', error_desc: 'Success', order_id: '4333333333' });
    const data = answer.body.data;
    expect(data.amount).toBe('000001000000');
    expect(data.customer_id ?? data.card_no).toBe('4333333333');
    expect(sandbox.balances().espay).toBe(INITIAL - 100_000_000n);
  });

  it('an inquiry for a payment-only product is refused', async () => {
    const answer = await client.inquiry('4333333333', 'SINCBN');
    expect(answer.body).toMatchObject({ error_code: CODES.invalidRequest.code });
    expect(answer.body.error_desc).toMatch(/no inquiry/);
  });

  it('amounts with sen or zero are refused with 0013', async () => {
    for (const amount of ['100000050', '0']) {
      const answer = await client.payment('4333333333', 'SINCBN', amount);
      expect(answer.body.error_code).toBe(CODES.invalidAmount.code);
    }
    expect(sandbox.transactions()).toEqual([]);
  });
});

function expectedInquiryCode(order: EspayTestOrder): string {
  return { bill: '0000', suspect: '9999', 'product-denied': '405', 'not-found': '0014', 'already-paid': '0088' }[order.inquiry];
}

describe('the Espay test order table', () => {
  it('has unique order ids, and every answer code is in the shared catalogue with the same outcome', () => {
    expect(new Set(ESPAY_TEST_ORDERS.map((o) => o.orderId)).size).toBe(ESPAY_TEST_ORDERS.length);
    for (const c of Object.values(CODES)) {
      const entries = espayErrorCodes.filter((e) => e.code === c.code);
      expect(entries.length, c.code).toBeGreaterThan(0);
      if (c.origin === 'defined') {
        // Clients classify through the catalogue, so the sandbox's own codes must be listed there as its own.
        expect(entries[0]).toMatchObject({ outcome: c.outcome, kind: c.kind });
        expect(entries[0]?.source).toMatch(/^billerkit sandbox/);
      }
    }
  });

  it('is published in the README, row for row, with the answer codes', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = readme.split('\n').filter((line) => /^\| `88\d{10}` \|/.test(line));
    expect(rows.map((row) => row.split('|')[1]?.trim())).toEqual(ESPAY_TEST_ORDERS.map((o) => `\`${o.orderId}\``));
    for (const order of ESPAY_TEST_ORDERS) {
      const row = rows.find((r) => r.includes(order.orderId)) as string;
      expect(row).toContain(`| ${order.title} |`);
      expect(row).toContain(order.description);
    }
    for (const c of Object.values(CODES))
      expect(readme).toMatch(new RegExp(`\\| \`${c.code}\` \\| ${c.desc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it.each(ESPAY_TEST_ORDERS.map((o) => [o.orderId, o.title, o] as const))('%s %s (bill product)', async (orderId, _title, order) => {
    const inquiry = await client.inquiry(orderId, 'SPBFRE');
    expect(inquiry.body.error_code).toBe(expectedInquiryCode(order));
    if (order.inquiry !== 'bill') {
      expect(inquiry.body).not.toHaveProperty('amount');
      // Without a bill there is nothing to pay.
      const payment = await client.payment(orderId, 'SPBFRE', '12790000');
      expect(payment.body.error_code).toBe(order.inquiry === 'product-denied' ? '405' : CODES.inquiryRequired.code);
      expect(sandbox.transactions()).toEqual([]);
      return;
    }
    expect(inquiry.body.data.customer_name).toBe(order.customerName);
    expect(inquiry.body.bill_amount).toBe(rupiah(order.billRupiah).toString());
    const amount = inquiry.body.amount as string;
    const payment = await client.payment(orderId, 'SPBFRE', amount, { data: JSON.stringify(inquiry.body.data) });
    const balance = sandbox.balances().espay;
    const recorded = sandbox.transactions();
    switch (order.payment) {
      case 'success':
        expect(payment.body).toMatchObject({ error_code: '0000', error_desc: 'Success' });
        expect(recorded).toEqual([expect.objectContaining({ status: 'success', amountMinor: amount })]);
        expect(balance).toBe(INITIAL - BigInt(amount));
        break;
      case 'pending-then-success':
      case 'pending-then-failed': {
        expect(payment.body).toMatchObject({ error_code: '0000', error_desc: 'Inproses' });
        expect(recorded).toEqual([expect.objectContaining({ status: 'pending' })]);
        expect(balance).toBe(INITIAL - BigInt(amount));
        const first = await client.status(payment.body.ref_id);
        expect(first.body).toMatchObject({ error_code: '0000', error_desc: 'Inproses', ref_id: payment.body.ref_id, amount });
        // settle.afterChecks = 2: the second check sees the final state.
        const second = await client.status(payment.body.ref_id);
        if (order.payment === 'pending-then-success') {
          expect(second.body).toMatchObject({ error_code: '0000', error_desc: 'Success', order_id: orderId, product_code: 'SPBFRE' });
          expect(sandbox.balances().espay).toBe(INITIAL - BigInt(amount));
        } else {
          expect(second.body).toMatchObject({ error_code: '0099', order_id: orderId });
          expect(sandbox.balances().espay).toBe(INITIAL);
        }
        break;
      }
      case 'failed':
        expect(payment.body).toMatchObject({ error_code: '0099', error_desc: 'Transaksi gagal' });
        expect(recorded).toEqual([expect.objectContaining({ status: 'failed' })]);
        expect(balance).toBe(INITIAL);
        break;
      case 'suspect': {
        expect(payment.body).toMatchObject({ error_code: '9999', error_desc: 'Suspect' });
        expect(payment.body).not.toHaveProperty('ref_id');
        expect(recorded).toEqual([expect.objectContaining({ status: 'pending' })]);
        expect(balance).toBe(INITIAL - BigInt(amount));
        // The bill is taken: asking again says so instead of offering it for a second payment.
        expect((await client.inquiry(orderId, 'SPBFRE')).body.error_code).toBe('0088');
        sandbox.advanceClock(60_000);
        expect(sandbox.transactions()).toEqual([expect.objectContaining({ status: 'success' })]);
        break;
      }
      case 'insufficient-balance':
        expect(payment.body).toMatchObject({ error_code: '800' });
        expect(recorded).toEqual([]);
        expect(balance).toBe(INITIAL);
        break;
    }
  });

  it.each(ESPAY_TEST_ORDERS.filter((o) => o.inquiry !== 'bill').map((o) => [o.orderId, o] as const))(
    '%s answers its inquiry outcome on a payment-only product',
    async (orderId, order) => {
      const answer = await client.payment(orderId, 'SINCBN', '100000000');
      expect(answer.body.error_code).toBe(expectedInquiryCode(order));
      expect(sandbox.transactions()).toEqual([]);
    },
  );

  it('settles a pending payment by time as well as by checks', async () => {
    const { payment } = await client.inquireAndPay('880000000010', 'SLYLPO');
    expect(payment.body.error_desc).toBe('Inproses');
    sandbox.advanceClock(59_999);
    expect(sandbox.transactions()[0]?.status).toBe('pending');
    sandbox.advanceClock(1);
    expect(sandbox.transactions()[0]?.status).toBe('success');
    const status = await client.status(payment.body.ref_id);
    expect(status.body.error_desc).toBe('Success');
  });
});

describe('provider checks', () => {
  it('refuses a reused rq_uuid with 210, on any endpoint', async () => {
    const fields = client.balanceFields();
    expect((await client.post(PATHS.balance, fields)).body.error_code).toBe('0000');
    const again = await client.post(PATHS.balance, fields);
    expect(again.body).toMatchObject({ error_code: '210', error_desc: 'UUID already exist', rq_uuid: fields.rq_uuid });
    const inquiry = await client.inquiry('081234000002', 'SPBFRE');
    const payment = client.paymentFields('081234000002', 'SPBFRE', inquiry.body.amount);
    expect((await client.post(PATHS.payment, payment)).body.error_code).toBe('0000');
    // A retried payment with the same rq_uuid is refused and takes nothing twice.
    expect((await client.post(PATHS.payment, payment)).body.error_code).toBe('210');
    expect(sandbox.transactions()).toHaveLength(1);
    expect(sandbox.balances().espay).toBe(INITIAL - BigInt(inquiry.body.amount));
  });

  it('answers 610 for the same order and product within 5 minutes, and lets it through afterwards', async () => {
    expect((await client.payment('4333333333', 'SINCBN', '100000000')).body.error_code).toBe('0000');
    sandbox.advanceClock(SAME_TRANSACTION_WINDOW_MS - 1_000);
    const repeat = await client.payment('4333333333', 'SINCBN', '100000000');
    expect(repeat.body).toMatchObject({ error_code: '610', error_desc: 'Anda bisa melakukan transaksi yang sama setelah 5 menit' });
    // Another product or another customer is not "the same transaction".
    expect((await client.payment('4333333333', 'SINISN', '100000000')).body.error_code).toBe('0000');
    expect((await client.payment('4333333334', 'SINCBN', '100000000')).body.error_code).toBe('0000');
    sandbox.advanceClock(1_000);
    expect((await client.payment('4333333333', 'SINCBN', '100000000')).body.error_code).toBe('0000');
    expect(sandbox.transactions()).toHaveLength(4);
  });

  it('a failed payment does not block a retry', async () => {
    await sandbox.setState('espay', 'force', { order_id: '081234000003', payment: 'failed' });
    const inquiry = await client.inquiry('081234000003', 'SPBFRE');
    expect((await client.payment('081234000003', 'SPBFRE', inquiry.body.amount)).body.error_code).toBe('0099');
    expect((await client.payment('081234000003', 'SPBFRE', inquiry.body.amount)).body.error_code).toBe('0000');
  });

  it('answers 800 when the deposit is too small, and getbalance reports the deposit', async () => {
    await sandbox.setState('espay', 'balance', { balanceMinor: '1000000' });
    expect((await client.balance()).body).toMatchObject({ error_code: '0000', balance: '10000.00' });
    const inquiry = await client.inquiry('081234000004', 'SPBFRE');
    const answer = await client.payment('081234000004', 'SPBFRE', inquiry.body.amount);
    expect(answer.body).toMatchObject({ error_code: '800', order_id: '081234000004' });
    expect(sandbox.transactions()).toEqual([]);
    await sandbox.setState('espay', 'balance', { balanceMinor: inquiry.body.amount });
    expect((await client.payment('081234000004', 'SPBFRE', inquiry.body.amount)).body.error_code).toBe('0000');
    expect((await client.balance()).body.balance).toBe('0.00');
  });

  it('getbalance shows every payment taken off the deposit, exactly', async () => {
    const paid: bigint[] = [];
    for (const order of ['1001', '1002', '1003']) paid.push(BigInt((await client.inquireAndPay(order, 'SLYPLJ')).inquiry.body.amount));
    const left = INITIAL - paid.reduce((a, b) => a + b, 0n);
    expect((await client.balance()).body.balance).toBe(`${left / 100n}.${(left % 100n).toString().padStart(2, '0')}`);
  });

  it('requires the inquiry before the payment of an inquiry product, and the exact inquiry amount', async () => {
    expect((await client.payment('081234000005', 'SPBFRE', '12790000')).body.error_code).toBe(CODES.inquiryRequired.code);
    const inquiry = await client.inquiry('081234000005', 'SPBFRE');
    const amount = BigInt(inquiry.body.amount);
    for (const wrong of [amount - 100n, amount + 100n, amount * 100n]) {
      const answer = await client.payment('081234000005', 'SPBFRE', wrong.toString());
      expect(answer.body.error_code).toBe(CODES.invalidAmount.code);
      expect(answer.body.error_desc).toContain(inquiry.body.amount);
    }
    expect(sandbox.transactions()).toEqual([]);
    expect((await client.payment('081234000005', 'SPBFRE', inquiry.body.amount)).body.error_code).toBe('0000');
    // The inquiry is used up and the bill is paid.
    expect((await client.inquiry('081234000005', 'SPBFRE')).body.error_code).toBe('0088');
  });

  it('answers 405 for an unknown product code', async () => {
    expect((await client.inquiry('081234000006', 'NOSUCH')).body).toMatchObject({ error_code: '405', error_desc: 'product denied' });
    expect((await client.payment('081234000006', 'NOSUCH', '100000')).body.error_code).toBe('405');
  });

  it('needs the top-up value for an e-wallet inquiry and keeps it within limits', async () => {
    expect((await client.inquiry('081285784452', 'SVHOVO000')).body.error_code).toBe(CODES.invalidRequest.code);
    expect((await client.inquiry('081285784452', 'SVHOVO000', { additional_data: '{"amount":"500000"}' })).body.error_code).toBe('802');
    expect((await client.inquiry('081285784452', 'SVHOVO000', { additional_data: '{"amount":"100000050"}' })).body.error_code).toBe('802');
    const ok = await client.inquiry('081285784452', 'SVHOVO000', { data: '{"amount":"10000000"}' });
    expect(ok.body).toMatchObject({ error_code: '0000', bill_amount: '10000000', admin_fee: '150000', amount: '10150000' });
    expect(ok.body.data.customer_name).toMatch(/\*/);
  });

  it('answers 0014 for an unknown ref_id', async () => {
    expect((await client.status('TX000000000000')).body).toMatchObject({ error_code: '0014' });
  });

  it('lists the registered products of products.json', async () => {
    const answer = await client.products();
    expect(answer.body.error_code).toBe('0000');
    expect(answer.body.product).toEqual(espayProducts.map((p) => p.code));
  });
});

describe('provider states (POST /__sandbox/state)', () => {
  const state = async (body: unknown) => {
    const response = await fetch(`${sandbox.url}/__sandbox/state`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('pre-creates an inquiry, so a payment can be verified on its own', async () => {
    const made = await state({ provider: 'espay', state: 'inquiry', params: { order_id: '0888666777', product_code: 'SPBFRE' } });
    expect(made.status).toBe(200);
    const payment = await client.payment('0888666777', 'SPBFRE', made.body['amount'] as string);
    expect(payment.body.error_code).toBe('0000');
  });

  it('pre-creates a transaction for gettransactioninfo', async () => {
    const made = await state({
      provider: 'espay',
      state: 'transaction',
      params: { ref_id: 'TX20190918155254952', order_id: '0888666777', product_code: 'SPBFRE', amount: '12540000', status: 'pending' },
    });
    expect(made.body).toMatchObject({ ref_id: 'TX20190918155254952' });
    expect((await client.status('TX20190918155254952')).body).toMatchObject({
      error_code: '0000',
      error_desc: 'Inproses',
      amount: '12540000',
    });
    expect((await client.status('TX20190918155254952')).body).toMatchObject({ error_code: '0000', error_desc: 'Success' });
  });

  it('forces the next answers for an order id, then forgets them', async () => {
    await state({ provider: 'espay', state: 'force', params: { order_id: '081234000007', payment: 'pending-then-failed' } });
    const first = await client.inquireAndPay('081234000007', 'SPBFRE');
    expect(first.payment.body.error_desc).toBe('Inproses');
    sandbox.advanceClock(SAME_TRANSACTION_WINDOW_MS);
    // The pending payment settled to failed by time (refunded), so the bill is open again and, the forced
    // answer being used up, the next payment is a plain success.
    expect(sandbox.transactions()).toEqual([expect.objectContaining({ status: 'failed' })]);
    expect(sandbox.balances().espay).toBe(INITIAL);
    const second = await client.inquireAndPay('081234000007', 'SPBFRE');
    expect(second.payment.body.error_desc).toBe('Success');
  });

  it('marks an rq_uuid as used and sets the balance', async () => {
    await state({ provider: 'espay', state: 'rq-uuid-used', params: { rq_uuid: 'SANDBOXUSED1' } });
    const answer = await client.post(PATHS.balance, client.balanceFields('SANDBOXUSED1'));
    expect(answer.body).toMatchObject({ error_code: '210', rq_uuid: 'SANDBOXUSED1' });
    await state({ provider: 'espay', state: 'balance', params: { balanceMinor: '123456' } });
    expect((await client.balance()).body.balance).toBe('1234.56');
  });

  it('refuses unknown states and bad params with 400, naming the problem', async () => {
    expect(await state({ provider: 'espay', state: 'nope' })).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('unknown espay state') },
    });
    expect(await state({ provider: 'espay', state: 'balance', params: { balanceMinor: '-5' } })).toMatchObject({ status: 400 });
    expect(await state({ provider: 'espay', state: 'inquiry', params: { order_id: '1', product_code: 'NOSUCH' } })).toMatchObject({
      status: 400,
    });
    expect(await state({ provider: 'paypal', state: 'reset' })).toMatchObject({ status: 400 });
  });
});
