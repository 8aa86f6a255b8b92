/**
 * The client against a real Espay look-alike on loopback. The fake checks Basic auth and every
 * signature with @billerkit/signing, records payments and counts payment POSTs per order.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyEspaySignature } from '@billerkit/signing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BillerkitError,
  DuplicateRequestError,
  InsufficientBalanceError,
  MalformedResponseError,
  ProviderError,
  RequestAbortedError,
  SignatureError,
  TimeoutError,
  ValidationError,
} from '@billerkit/core';
import { espayValidators } from '@billerkit/validators/espay';
import { createEspayClient } from './client.js';
import type { EspayClientOptions } from './connection.js';

const CREDS = {
  senderId: 'BKTEST',
  password: 'pw-UNIQ-7d1e93a0',
  signatureKey: 'sigkey-UNIQ-4be21c77',
  basicAuth: { username: 'bk-user', password: 'basic-UNIQ-90fa3e11' },
};
const SECRETS = [
  CREDS.password,
  CREDS.signatureKey,
  CREDS.basicAuth.password,
  Buffer.from(`${CREDS.basicAuth.username}:${CREDS.basicAuth.password}`).toString('base64'),
];

const SMARTFREN = {
  phone_no: '0888666777',
  bill_total: '1',
  bill_ref: '108A000000',
  bill_amount: '000000125400',
  customer_name: 'SMARTFREN CUSTOMER POSTPAID',
  region_code: '00',
};

const paymentPosts = new Map<string, number>();
const transactions = new Map<string, { order: string; checks: number; final: 'success' | 'failed' }>();
const sockets = new Set<import('node:net').Socket>();
let refCounter = 0;
let server: Server;
let baseUrl: string;

function send(res: ServerResponse, value: unknown, status = 200) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

function envelope(form: URLSearchParams, code: string | number, desc: string, extra: Record<string, unknown> = {}) {
  return { rq_uuid: form.get('rq_uuid'), rs_datetime: '2025-02-14 14:08:42', error_code: code, error_desc: desc, ...extra };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      raw += c;
    });
    req.on('end', () => {
      const expectedAuth = `Basic ${Buffer.from(`${CREDS.basicAuth.username}:${CREDS.basicAuth.password}`).toString('base64')}`;
      if (req.headers.authorization !== expectedAuth) return send(res, { error: 'unauthorized' }, 401);
      const form = new URLSearchParams(raw);
      const f = (k: string) => form.get(k) ?? '';
      const order = f('order_id');
      const fields = {
        sender_id: f('sender_id'),
        order_id: order,
        product_code: f('product_code'),
        amount: f('amount'),
        rq_uuid: f('rq_uuid'),
        ref_id: f('ref_id'),
      };
      const service = (
        {
          '/rest/biller/inquirytransaction': 'inquiry',
          '/rest/biller/paymentreport': 'payment',
          '/rest/billertools/gettransactioninfo': 'status',
          '/rest/billertools/getbalance': 'balance',
          '/rest/billertools/getregisteredproducts': 'balance',
        } as const
      )[req.url ?? ''];
      if (!service) return send(res, {}, 404);
      if (f('password') !== CREDS.password) return send(res, envelope(form, '0012', 'Invalid sender_id or password'));
      if (!verifyEspaySignature(service, fields as never, CREDS.signatureKey, f('signature')))
        return send(res, envelope(form, '0011', 'Invalid signature'));

      if (req.url === '/rest/biller/inquirytransaction') {
        if (order === 'DUP') return send(res, envelope(form, 210, 'UUID already exist'));
        if (order === 'HTML')
          return res.writeHead(502, { 'content-type': 'text/html' }).end(`<html><body>Bad gateway ${raw}</body></html>`);
        if (order === 'NUMERIC')
          return send(
            res,
            envelope(form, '0000', 'Success', {
              order_id: order,
              amount: 20250000,
              bill_amount: 20000000,
              admin_fee: 250000,
              data: { ...SMARTFREN },
            }),
          );
        if (order === 'BADAMOUNT')
          return send(
            res,
            envelope(form, '0000', 'Success', {
              order_id: order,
              amount: '125.40',
              bill_amount: '0',
              admin_fee: '0',
              data: { ...SMARTFREN },
            }),
          );
        return send(
          res,
          envelope(form, '0000', 'Success', {
            order_id: order,
            amount: '12540000',
            bill_amount: '12540000',
            admin_fee: '0',
            data: { ...SMARTFREN },
          }),
        );
      }
      if (req.url === '/rest/biller/paymentreport') {
        paymentPosts.set(order, (paymentPosts.get(order) ?? 0) + 1);
        const ref = `TX${++refCounter}`;
        switch (order) {
          case 'HANG':
            transactions.set(ref, { order, checks: 0, final: 'success' }); // recorded, but the answer never comes
            return;
          case 'HTTP503':
            return send(res, { oops: true }, 503);
          case 'DRIP': {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.write('{');
            const timer = setInterval(() => res.write(' '), 20);
            res.on('close', () => clearInterval(timer));
            return;
          }
          case 'LOWBAL':
            return send(res, envelope(form, '800', 'Saldo deposit tidak mencukupi'));
          case 'THROTTLE':
            return send(res, envelope(form, 610, 'Anda bisa melakukan transaksi yang sama setelah 5 menit'));
          case 'SUSPECT':
            return send(res, envelope(form, '9999', 'Suspect'));
          case 'PENDING':
          case 'PENDINGFAIL':
            transactions.set(ref, { order, checks: 0, final: order === 'PENDING' ? 'success' : 'failed' });
            return send(res, envelope(form, '0000', 'Inproses', { order_id: order, ref_id: ref, data: { ...SMARTFREN } }));
          default:
            transactions.set(ref, { order, checks: 0, final: 'success' });
            return send(res, envelope(form, '0000', 'Success', { order_id: order, ref_id: ref, data: { ...SMARTFREN } }));
        }
      }
      if (req.url === '/rest/billertools/gettransactioninfo') {
        const t = transactions.get(f('ref_id'));
        if (!t) return send(res, envelope(form, '0014', 'Data not found'));
        t.checks++;
        if (t.checks < 3) return send(res, envelope(form, '0000', 'Inproses', { ref_id: f('ref_id') }));
        if (t.final === 'failed') return send(res, envelope(form, '0099', 'Transaksi gagal'));
        return send(res, envelope(form, '0000', 'Success', { ref_id: f('ref_id'), order_id: t.order, amount: '12540000' }));
      }
      if (req.url === '/rest/billertools/getbalance') return send(res, envelope(form, '0000', 'Success', { balance: '16127451.00' }));
      return send(res, envelope(form, '0000', 'Success', { product: ['SPBFRE', { product_code: 'SINCBN' }] }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  paymentPosts.clear();
});

const logs: string[] = [];
function client(extra: Partial<EspayClientOptions> = {}) {
  return createEspayClient({
    baseUrl,
    ...CREDS,
    validators: espayValidators,
    // Over any loaded machine's loopback reply (headers included: the drip test needs them before the
    // timeout to see 'during-body'); the hanging and dripping answers never end, so they time out anyway.
    timeoutMs: 2000,
    retry: { baseDelayMs: 5 },
    logger: { debug: (message, meta) => logs.push(`${message} ${JSON.stringify(meta)}`) },
    ...extra,
  });
}

async function caught(promise: Promise<unknown>): Promise<BillerkitError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof BillerkitError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('happy path', () => {
  it('inquiry → pay with the inquiry, amounts as bigint minor units', async () => {
    const espay = client();
    const inquiry = await espay.inquiry({ productCode: 'SPBFRE', orderId: '0888666777' });
    expect(inquiry).toMatchObject({ outcome: 'success', errorCode: '0000', amount: 12540000n, billAmount: 12540000n, adminFee: 0n });
    expect(inquiry.rqUuid.startsWith('BKTEST')).toBe(true);
    expect(inquiry.data).toEqual(SMARTFREN);
    const paid = await espay.pay({ inquiry });
    expect(paid).toMatchObject({ outcome: 'success', amount: 12540000n, orderId: '0888666777', productCode: 'SPBFRE' });
    expect(paid.refId).toMatch(/^TX\d+$/);
    expect(paid.rqUuid).not.toBe(inquiry.rqUuid);
    expect(paymentPosts.get('0888666777')).toBe(1);
  });

  it('numeric amounts (tolerant) become the same bigint values', async () => {
    const inquiry = await client().inquiry({ productCode: 'SLYLPR100', orderId: 'NUMERIC' });
    expect([inquiry.amount, inquiry.billAmount, inquiry.adminFee]).toEqual([20250000n, 20000000n, 250000n]);
    expect(inquiry.errorCode).toBe('0000');
  });

  it('balance and registered products', async () => {
    const espay = client();
    expect((await espay.balance()).balance).toBe(1612745100n);
    expect((await espay.registeredProducts()).products).toEqual(['SPBFRE', 'SINCBN']);
  });
});

describe('typed errors', () => {
  it('numeric 210 → DuplicateRequestError with code "210"', async () => {
    const err = await caught(client().inquiry({ productCode: 'SPBFRE', orderId: 'DUP' }));
    expect(err).toBeInstanceOf(DuplicateRequestError);
    expect(err.code).toBe('210');
    expect(err.providerMessage).toBe('UUID already exist');
  });
  it('610 → ProviderError throttled with retryAfter; 800 → InsufficientBalanceError', async () => {
    const throttled = (await caught(client().pay({ productCode: 'SPBFRE', orderId: 'THROTTLE', amount: 100n }))) as ProviderError;
    expect(throttled).toBeInstanceOf(ProviderError);
    expect([throttled.kind, throttled.retryAfter, throttled.code]).toEqual(['throttled', 300, '610']);
    expect(await caught(client().pay({ productCode: 'SPBFRE', orderId: 'LOWBAL', amount: 100n }))).toBeInstanceOf(InsufficientBalanceError);
  });
  it('wrong Basic password → AuthenticationError (401)', async () => {
    const err = await caught(client({ basicAuth: { username: 'bk-user', password: 'nope' } }).balance());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.httpStatus).toBe(401);
  });
  it('wrong signature key → the fake rejects it (proves the signature is checked end to end)', async () => {
    const err = await caught(client({ signatureKey: 'other-key' }).balance());
    expect(err.code).toBe('0011');
    expect(err).toBeInstanceOf(SignatureError); // 0011 is the sandbox's signature code, listed in the shared catalogue
  });
  it('HTML error page → MalformedResponseError with the raw body, secrets redacted', async () => {
    const err = await caught(client().inquiry({ productCode: 'SPBFRE', orderId: 'HTML' }));
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.httpStatus).toBe(502);
    expect(err.rawBody).toContain('Bad gateway');
    expect(err.rawBody).toContain('password=[REDACTED]');
    for (const s of SECRETS) expect(err.rawBody).not.toContain(s);
  });
  it('an impossible amount fails strict validation, or the money parser in tolerant mode', async () => {
    const strict = await caught(client({ validate: 'strict' }).inquiry({ productCode: 'SPBFRE', orderId: 'BADAMOUNT' }));
    expect(strict).toBeInstanceOf(ValidationError);
    expect((strict as ValidationError).direction).toBe('response');
    expect((strict as ValidationError).issues.length).toBeGreaterThan(0);
    expect(await caught(client({ validate: 'off' }).inquiry({ productCode: 'SPBFRE', orderId: 'BADAMOUNT' }))).toBeInstanceOf(
      MalformedResponseError,
    );
  });
  it('a request that fails the spec is refused before sending', async () => {
    const err = await caught(client().inquiry({ productCode: 'WAY-TOO-LONG-PRODUCT-CODE', orderId: '1' }));
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).direction).toBe('request');
  });
  it('bad arguments are TypeErrors', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    await expect(client().pay({ productCode: 'SPBFRE', orderId: '1', amount: 100 as any })).rejects.toThrow(TypeError);
    expect(() => createEspayClient({ ...CREDS, password: '' })).toThrow(/password/);
  });
  it('checks the spec only with validators: without them a long product code goes out and the server answers', async () => {
    expect(() => createEspayClient({ ...CREDS, validate: 'strict' })).toThrow(/needs the validators/);
    const unchecked = createEspayClient({ baseUrl, ...CREDS, timeoutMs: 10_000 });
    await expect(unchecked.inquiry({ productCode: 'WAY-TOO-LONG-PRODUCT-CODE', orderId: '0888666777' })).resolves.toMatchObject({
      outcome: 'success',
      productCode: 'WAY-TOO-LONG-PRODUCT-CODE',
    });
  });
});

describe('payments are never sent twice', () => {
  it('pay is never retried: HTTP 503 is one POST', async () => {
    const err = await caught(client().pay({ productCode: 'SPBFRE', orderId: 'HTTP503', amount: 100n }));
    expect(err.httpStatus).toBe(503);
    expect(paymentPosts.get('HTTP503')).toBe(1);
  });
  it('a slow-drip payment answer ends in TimeoutError during-body, one POST', async () => {
    const err = await caught(client().pay({ productCode: 'SPBFRE', orderId: 'DRIP', amount: 100n }));
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).phase).toBe('during-body');
    expect(paymentPosts.get('DRIP')).toBe(1);
  });
  it('payAndConfirm: provider recorded the payment but the answer timed out → unknown with references, exactly one POST', async () => {
    const result = await client().payAndConfirm({
      productCode: 'SPBFRE',
      orderId: 'HANG',
      amount: 12540000n,
      deadlineMs: 5000,
      poll: { initialDelayMs: 20 },
    });
    expect(result.outcome).toBe('unknown');
    if (result.outcome !== 'unknown') return;
    expect(result.references).toMatchObject({ order_id: 'HANG', product_code: 'SPBFRE', amount: '12540000' });
    expect(result.references.rq_uuid).toMatch(/^BKTEST/);
    expect(result.references.ref_id).toBeUndefined();
    expect(result.lastError).toBeInstanceOf(TimeoutError);
    expect(result.reason).toMatch(/ref_id/);
    // Give a wrongly written engine time to re-post, then count.
    await new Promise((r) => setTimeout(r, 300));
    expect(paymentPosts.get('HANG')).toBe(1);
  });
  it('payAndConfirm: pending with ref_id is polled by gettransactioninfo to success, one POST', async () => {
    const result = await client().payAndConfirm({
      productCode: 'SPBFRE',
      orderId: 'PENDING',
      amount: 12540000n,
      poll: { initialDelayMs: 10, maxDelayMs: 20 },
    });
    expect(result).toMatchObject({ outcome: 'success', via: 'status', payments: 1, statusChecks: 3 });
    expect(result.status?.outcome).toBe('success');
    expect(result.references.ref_id).toMatch(/^TX/);
    expect(paymentPosts.get('PENDING')).toBe(1);
  });
  it('payAndConfirm: pending that ends failed is failed, one POST', async () => {
    const result = await client().payAndConfirm({
      productCode: 'SPBFRE',
      orderId: 'PENDINGFAIL',
      amount: 100n,
      poll: { initialDelayMs: 10, maxDelayMs: 20 },
    });
    expect(result.outcome).toBe('failed');
    if (result.outcome === 'failed') expect(result.error?.code).toBe('0099');
    expect(paymentPosts.get('PENDINGFAIL')).toBe(1);
  });
  it('payAndConfirm: suspect (9999) without ref_id → unknown, one POST', async () => {
    const result = await client().payAndConfirm({ productCode: 'SPBFRE', orderId: 'SUSPECT', amount: 100n, poll: { initialDelayMs: 10 } });
    expect(result.outcome).toBe('unknown');
    expect(paymentPosts.get('SUSPECT')).toBe(1);
  });
  it('payAndConfirm: a definite failure is failed without status checks', async () => {
    const result = await client().payAndConfirm({ productCode: 'SPBFRE', orderId: 'LOWBAL', amount: 100n });
    expect(result).toMatchObject({ outcome: 'failed', statusChecks: 0 });
    if (result.outcome === 'failed') expect(result.error).toBeInstanceOf(InsufficientBalanceError);
  });
  it("the caller's AbortSignal ends a call with RequestAbortedError", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    expect(
      await caught(client({ timeoutMs: 5000 }).pay({ productCode: 'SPBFRE', orderId: 'HANG', amount: 1n, signal: controller.signal })),
    ).toBeInstanceOf(RequestAbortedError);
  });
});

describe('secrets', () => {
  it('no password, key or Basic credential ever reaches a log line or an error', async () => {
    logs.length = 0;
    const errors: BillerkitError[] = [];
    const espay = client();
    await espay.inquiry({ productCode: 'SPBFRE', orderId: '0888666777' });
    for (const call of [
      () => espay.inquiry({ productCode: 'SPBFRE', orderId: 'HTML' }),
      () => espay.pay({ productCode: 'SPBFRE', orderId: 'DRIP', amount: 1n }),
      () => espay.pay({ productCode: 'SPBFRE', orderId: 'LOWBAL', amount: 1n }),
      () => client({ basicAuth: { username: 'bk-user', password: CREDS.basicAuth.password.slice(0, -1) } }).balance(),
      () => client({ validate: 'strict' }).inquiry({ productCode: 'SPBFRE', orderId: 'BADAMOUNT' }),
    ]) {
      errors.push(await caught(call()));
    }
    expect(errors.map((e) => e.name)).toEqual([
      'MalformedResponseError',
      'TimeoutError',
      'InsufficientBalanceError',
      'AuthenticationError',
      'ValidationError',
    ]);
    expect(logs.length).toBeGreaterThan(5);
    const text = [
      ...logs,
      ...errors.flatMap((e) => [
        e.message,
        e.rawBody ?? '',
        e.providerMessage ?? '',
        JSON.stringify(e.toJSON()),
        String(e.stack),
        JSON.stringify(e.request),
      ]),
    ].join('\n');
    for (const secret of [...SECRETS, CREDS.basicAuth.password.slice(0, -1)]) expect(text).not.toContain(secret);
    // The log lines did carry the bodies, with the secret fields masked.
    expect(text).toContain('password=[REDACTED]');
    expect(text).toContain('signature=[REDACTED]');
  });
});
