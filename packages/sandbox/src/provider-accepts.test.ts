/**
 * The default request mode (`provider`): what Espay and IAK are evidenced to accept beyond the strict
 * profile goes through, what only the tolerant profile admits or what the documents refuse does not, and
 * the strict mode still refuses all of it. Real HTTP against the whole sandbox.
 */
import { iakSign } from '@billerkit/signing';
import { afterEach, describe, expect, it } from 'vitest';
import { EspayTestClient, PATHS } from './espay/espay.test.helpers.js';
import type { RequestProfile } from './request-check.js';
import { type Sandbox, startSandbox } from './sandbox.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(profile?: RequestProfile): Promise<Sandbox> {
  sandbox = await startSandbox({
    deterministic: true,
    logger: { error: () => {} },
    ...(profile ? { espayRequestProfile: profile, iakRequestProfile: profile } : {}),
  });
  return sandbox;
}

/** `12540000` → `125.400,00`: the display form of Espay's Bill Payment table. */
function displayForm(digits: string): string {
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${whole},${digits.slice(-2)}`;
}

async function iakPost(
  s: Sandbox,
  path: string,
  body: Record<string, unknown>,
): Promise<{ status: number; data: Record<string, unknown> }> {
  const response = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const parsed = (await response.json()) as { data: Record<string, unknown> };
  return { status: response.status, data: parsed.data };
}

describe('Espay amount in the documented display form (150.000,00)', () => {
  it('is accepted by default and paid to the exact sen, signed over the text as sent', async () => {
    const s = await start();
    const client = new EspayTestClient(s);
    const inquiry = await client.inquiry('880000000000', 'SPBFRE');
    const amount = inquiry.body.amount as string;
    const before = s.balances().espay;
    const payment = await client.payment('880000000000', 'SPBFRE', displayForm(amount), { data: JSON.stringify(inquiry.body.data) });
    expect(payment.body.error_code).toBe('0000');
    expect(before - s.balances().espay).toBe(BigInt(amount));
    expect(s.transactions().at(-1)?.amountMinor).toBe(amount);
    expect(client.violations()).toEqual([]);
  });

  it('must still equal the inquiry amount, and other separators are refused with 0001', async () => {
    const s = await start();
    const client = new EspayTestClient(s);
    const inquiry = await client.inquiry('880000000000', 'SPBFRE');
    const wrong = await client.payment('880000000000', 'SPBFRE', '150.000,00', { data: JSON.stringify(inquiry.body.data) });
    expect(wrong.body.error_code).toBe('0013');
    const english = await client.payment('880000000000', 'SPBFRE', '125,400.00', { data: JSON.stringify(inquiry.body.data) });
    expect(english.body.error_code).toBe('0001');
  });

  it('is refused with 0001 in the strict mode', async () => {
    const s = await start('strict');
    const client = new EspayTestClient(s);
    const inquiry = await client.inquiry('880000000000', 'SPBFRE');
    const payment = await client.post(
      PATHS.payment,
      client.paymentFields('880000000000', 'SPBFRE', displayForm(inquiry.body.amount as string)),
    );
    expect(payment.body.error_code).toBe('0001');
    expect(payment.body.error_desc).toContain('amount');
  });
});

describe("IAK requests in the shapes of IAK's Node.js SDK", () => {
  const sign = (s: Sandbox, extra: string) => iakSign(s.credentials.iak.username, s.credentials.iak.apiKey, extra);

  it('pays a numeric tr_id at the trailing-slash path, with month "2" and status non-active on the way', async () => {
    const s = await start();
    const username = s.credentials.iak.username;
    const inquiry = await iakPost(s, '/api/v1/bill/check/', {
      commands: 'inq-pasca',
      username,
      ref_id: 'SDK1',
      hp: '8801234560001',
      code: 'BPJS',
      sign: sign(s, 'SDK1'),
      month: '2',
    });
    expect(inquiry.data['response_code']).toBe('00');
    const trId = inquiry.data['tr_id'] as number;
    expect(typeof trId).toBe('number');
    const payment = await iakPost(s, '/api/v1/bill/check/', { commands: 'pay-pasca', username, tr_id: trId, sign: sign(s, String(trId)) });
    expect(payment.status).toBe(200);
    expect(payment.data['response_code']).toBe('00');
    const pricelist = await iakPost(s, '/api/v1/bill/check/', {
      commands: 'pricelist-pasca',
      username,
      sign: sign(s, 'pl'),
      status: 'non-active',
    });
    expect(pricelist.status).toBe(200);
    expect(Array.isArray(pricelist.data['pasca'])).toBe(true);
  });

  it('refuses a hyphenated ref_id with rc 03 (IAK documents alpha_num only), although the tolerant profile takes it', async () => {
    const s = await start();
    const username = s.credentials.iak.username;
    const answer = await iakPost(s, '/api/v1/bill/check', {
      commands: 'inq-pasca',
      username,
      ref_id: 'ref-1',
      hp: '530000000001',
      code: 'PLNPOSTPAID',
      sign: sign(s, 'ref-1'),
    });
    expect(answer.data['response_code']).toBe('03');
  });

  it('refuses a numeric tr_id with HTTP 400 and rc 107 in the strict mode', async () => {
    const s = await start('strict');
    const username = s.credentials.iak.username;
    const answer = await iakPost(s, '/api/v1/bill/check/', { commands: 'pay-pasca', username, tr_id: 9922430, sign: sign(s, '9922430') });
    expect(answer.status).toBe(400);
    expect(answer.data['response_code']).toBe('107');
    expect(answer.data['error_details']).toHaveProperty('tr_id');
  });
});
