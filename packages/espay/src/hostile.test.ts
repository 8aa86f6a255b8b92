/**
 * Hostile answers (issue 15, item 5): with validators off (the default) every success answer is still
 * cross-checked. A payment answer without ref_id or about another order_id / rq_uuid, an inquiry whose
 * amount is not bill + fee, and codes that only look like `0000` end in typed errors, never in a success;
 * payAndConfirm settles a mismatched payment as `unknown`, with exactly one payment POST.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MalformedResponseError, ProviderError, ResponseMismatchError } from '@billerkit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEspayClient } from './client.js';

type Answer = (form: URLSearchParams, path: string) => Record<string, unknown>;

let server: Server;
let baseUrl: string;
let answer: Answer;
const posts: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      posts.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(new URLSearchParams(body), req.url ?? '')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  posts.length = 0;
});

const client = () =>
  createEspayClient({
    baseUrl,
    senderId: 'BKTEST',
    password: 'pw-hostile-1',
    signatureKey: 'key-hostile-1',
    basicAuth: { username: 'u', password: 'basic-hostile-1' },
    retry: { maxRetries: 0 },
  });

const envelope = (form: URLSearchParams, code: unknown = '0000', desc = 'Success') => ({
  rq_uuid: form.get('rq_uuid'),
  rs_datetime: '2025-02-14 14:08:42',
  error_code: code,
  error_desc: desc,
});
const PAY = { productCode: 'SPBFRE', orderId: '081234', amount: 5_000_000n } as const;

describe('Espay success answers are cross-checked with validators off', () => {
  it('pay: 0000 without ref_id is a ResponseMismatchError', async () => {
    answer = (form) => ({ ...envelope(form), order_id: form.get('order_id'), data: {} });
    const error = await client()
      .pay(PAY)
      .catch((error: Error) => error);
    expect(error).toBeInstanceOf(ResponseMismatchError);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as ResponseMismatchError).problems).toEqual(['ref_id is missing']);
  });

  it('pay: a foreign order_id or rq_uuid is refused', async () => {
    answer = (form) => ({ ...envelope(form), order_id: '999999', ref_id: 'TX1', data: {} });
    await expect(client().pay(PAY)).rejects.toThrow('order_id "999999" is not the request\'s "081234"');
    answer = (form) => ({ ...envelope(form), rq_uuid: 'SOMEONE-ELSES', order_id: form.get('order_id'), ref_id: 'TX1', data: {} });
    expect(
      await client()
        .pay(PAY)
        .catch((error: Error) => error),
    ).toBeInstanceOf(ResponseMismatchError);
    // The same answer with the references of this request is a success: the check can pass.
    answer = (form) => ({ ...envelope(form), order_id: form.get('order_id'), ref_id: 'TX1', data: {} });
    expect((await client().pay(PAY)).refId).toBe('TX1');
  });

  it('codes 0, "0" and "00" are not 0000: the answer is a failure, not a success', async () => {
    for (const code of [0, '0', '00']) {
      answer = (form) => ({ ...envelope(form, code), order_id: form.get('order_id'), ref_id: 'TX1', data: {} });
      const error = await client()
        .pay(PAY)
        .catch((error: Error) => error);
      expect(error, String(code)).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).code).toBe(String(code));
    }
  });

  it('inquiry: amount must be bill_amount + admin_fee', async () => {
    answer = (form) => ({
      ...envelope(form),
      order_id: form.get('order_id'),
      amount: '99900000',
      bill_amount: '5000000',
      admin_fee: '250000',
      data: {},
    });
    const error = await client()
      .inquiry({ productCode: 'SPBFRE', orderId: '081234' })
      .catch((error: Error) => error);
    expect(error).toBeInstanceOf(ResponseMismatchError);
    expect((error as ResponseMismatchError).problems).toEqual(['amount 99900000 is not bill_amount + admin_fee = 5250000 (minor units)']);
    answer = (form) => ({
      ...envelope(form),
      order_id: form.get('order_id'),
      amount: '5250000',
      bill_amount: '5000000',
      admin_fee: '250000',
      data: {},
    });
    expect((await client().inquiry({ productCode: 'SPBFRE', orderId: '081234' })).amount).toBe(5_250_000n);
  });

  it('transactionInfo: an answer about another ref_id is refused', async () => {
    answer = (form) => ({ ...envelope(form), ref_id: 'TX-OTHER', order_id: '081234', amount: '5000000' });
    expect(
      await client()
        .transactionInfo({ refId: 'TX1' })
        .catch((error: Error) => error),
    ).toBeInstanceOf(ResponseMismatchError);
  });

  it('payAndConfirm: a payment answer without ref_id ends unknown after one POST, never re-sent', async () => {
    answer = (form, path) =>
      path.endsWith('paymentreport')
        ? { ...envelope(form), order_id: form.get('order_id'), data: {} }
        : envelope(form, '0014', 'not found');
    const result = await client().payAndConfirm({ ...PAY, deadlineMs: 10_000, poll: { initialDelayMs: 10, maxDelayMs: 20 } });
    expect(result.outcome).toBe('unknown');
    expect(result.payments).toBe(1);
    expect(posts.filter((p) => p.endsWith('paymentreport'))).toHaveLength(1);
    expect(result.references).toMatchObject({ order_id: '081234', product_code: 'SPBFRE', amount: '5000000' });
  });
});
