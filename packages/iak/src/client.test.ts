/**
 * The client against a real HTTP server on loopback (src/test-support/fake-iak.ts), in JSON and XML.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthenticationError,
  BillerkitError,
  ConnectionError,
  InsufficientBalanceError,
  MalformedResponseError,
  ProviderError,
  SignatureError,
  TimeoutError,
  ValidationError,
} from '@billerkit/core';
import { iakSign } from '@billerkit/signing';
import { parseIakXml } from '@billerkit/validators';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { iakValidators } from '@billerkit/validators/iak';
import { createIakClient, type IakClientOptions } from './index.js';
import { FAKE_API_KEY, FAKE_USERNAME, type FakeIak, PDF_BYTES, startFakeIak } from './test-support/fake-iak.js';

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
    validators: iakValidators,
    validate: 'strict',
    ...extra,
  });
}

async function caught(promise: Promise<unknown>): Promise<BillerkitError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(BillerkitError);
    return error as BillerkitError;
  }
  throw new Error('expected the call to fail');
}

/** Secrets must not appear anywhere an application could print. */
function expectNoSecrets(value: unknown, ...secrets: string[]) {
  const seen = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  const error = value instanceof Error ? `${value.message}\n${(value as BillerkitError).rawBody ?? ''}\n${value.stack ?? ''}` : '';
  for (const secret of secrets) {
    expect(seen).not.toContain(secret);
    expect(error).not.toContain(secret);
  }
}

describe.each(['json', 'xml'] as const)('%s format', (format) => {
  it('inquires: sends a signed inq-pasca and returns amounts in sen with the raw answer', async () => {
    const iak = client({ format });
    const result = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'ORDER1001' });

    const sent = fake.requests[0]!;
    expect(sent.command).toBe('inq-pasca');
    expect(sent.path).toBe('/api/v1/bill/check');
    expect(sent.headers['content-type']).toBe(format === 'xml' ? 'application/xml' : 'application/json');
    expect(sent.body).toEqual({
      commands: 'inq-pasca',
      username: FAKE_USERNAME,
      code: 'PLNPOSTPAID',
      hp: '530000000001',
      ref_id: 'ORDER1001',
      sign: iakSign(FAKE_USERNAME, FAKE_API_KEY, 'ORDER1001'),
    });
    if (format === 'xml') expect(sent.raw.startsWith('<?xml version="1.0" ?>\n<mp>\n  <commands>inq-pasca</commands>')).toBe(true);

    expect(result).toMatchObject({
      outcome: 'success',
      responseCode: '00',
      message: 'INQUIRY SUCCESS',
      httpStatus: 200,
      trId: '9732792',
      refId: 'ORDER1001',
      code: 'PLNPOSTPAID',
      hp: '530000000001',
      trName: 'SUBCRIBER NAME',
      period: '201608',
      nominal: 30000000n,
      admin: 250000n,
      price: 30250000n,
      sellingPrice: 30190000n,
    });
    expect(result.bills).toEqual([
      { period: '201608', amount: 30000000n, admin: 250000n, penalty: 0n, misc: undefined, total: 30250000n, raw: expect.any(Object) },
    ]);
    const raw = result.raw as { data: Record<string, unknown> };
    expect(raw.data['tr_id']).toBe(format === 'xml' ? '9732792' : 9732792);
  });

  it('pays, checks the status and reads the price list', async () => {
    const iak = client({ format });
    const inquiry = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'ORDER1002' });
    const before = await iak.checkStatus({ refId: 'ORDER1002' });
    expect(before).toMatchObject({ outcome: 'not_found', status: 0, responseCode: '42' });

    const paid = await iak.pay({ trId: inquiry.trId });
    expect(fake.requests.at(-1)!.body).toEqual({
      commands: 'pay-pasca',
      username: FAKE_USERNAME,
      tr_id: '9732792',
      sign: iakSign(FAKE_USERNAME, FAKE_API_KEY, '9732792'),
    });
    expect(paid).toMatchObject({
      outcome: 'success',
      responseCode: '00',
      balance: 99758610800n,
      noref: '004212C9245F1BA43A77CEBD5CD5DA39',
      datetime: '20180803171844',
    });

    const after = await iak.checkStatus({ refId: 'ORDER1002' });
    expect(fake.requests.at(-1)!.body['sign']).toBe(iakSign(FAKE_USERNAME, FAKE_API_KEY, 'cs'));
    expect(after).toMatchObject({ outcome: 'success', status: 1, responseCode: '00', trId: '9732792', price: 30250000n, noref: '1609626' });
    expect(after.error).toBeUndefined();

    const all = await iak.pricelist({ status: 'all' });
    expect(fake.requests.at(-1)!.body).toEqual({
      commands: 'pricelist-pasca',
      username: FAKE_USERNAME,
      status: 'all',
      sign: iakSign(FAKE_USERNAME, FAKE_API_KEY, 'pl'),
    });
    expect(all.products.map((p) => [p.code, p.fee, p.komisi, p.status])).toEqual([
      ['AETRA', 250000n, 70000n, 1],
      ['BPJS', 200000n, 10000n, 1],
      ['PLNPOSTPAID', 250000n, 60000n, 1],
    ]);
    const pdam = await iak.pricelist({ type: 'pdam' });
    expect(fake.requests.at(-1)!.path).toBe('/api/v1/bill/check/pdam');
    // One product: XML has a single <pasca>, still a one-element list.
    expect(pdam.products).toHaveLength(1);
    expect(pdam.products[0]).toMatchObject({ code: 'AETRA', province: 'Jakarta', fee: 250000n });
  });

  it('maps a failed status to outcome failed with the typed error attached', async () => {
    const iak = client({ format });
    await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'ORDER1003' });
    fake.inquiries.get('ORDER1003')!.state = 'failed';
    const status = await iak.checkStatus({ refId: 'ORDER1003' });
    expect(status).toMatchObject({ outcome: 'failed', status: 2, responseCode: '37', message: 'PEMBAYARAN GAGAL' });
    expect(status.error).toBeInstanceOf(ProviderError);
    expect(status.error?.code).toBe('37');
  });

  it('returns a pending payment as outcome pending', async () => {
    const iak = client({ format });
    const inquiry = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'ORDER1004' });
    fake.override('pay-pasca', () => ({
      data: { tr_id: Number(inquiry.trId), response_code: '39', message: 'PENDING / TRANSAKSI SEDANG DIPROSES' },
    }));
    const paid = await iak.pay({ trId: inquiry.trId });
    expect(paid.outcome).toBe('pending');
    expect(paid.responseCode).toBe('39');
    expect(paid.balance).toBeUndefined();
  });

  it('throws SignatureError for a wrong API key and never shows the key', async () => {
    const wrongKey = 'wrong-key-Zz81';
    const iak = client({ format, apiKey: wrongKey });
    const error = await caught(iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'ORDER1005' }));
    expect(error).toBeInstanceOf(SignatureError);
    expect(error).toMatchObject({ provider: 'iak', code: '100', providerMessage: 'INVALID SIGNATURE', httpStatus: 200, kind: 'signature' });
    expect(error.rawBody).toContain('INVALID SIGNATURE');
    expect(error.request).toMatchObject({ operation: 'inq-pasca', method: 'POST', references: { ref_id: 'ORDER1005' } });
    expectNoSecrets(error, wrongKey, FAKE_API_KEY);
  });

  it('maps IAK failure codes to core error classes', async () => {
    const iak = client({ format });
    const paidAlready = await caught(iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000004', refId: 'ORDER1006' }));
    expect(paidAlready).toBeInstanceOf(ProviderError);
    expect(paidAlready).toMatchObject({ code: '01', kind: 'already_paid', providerMessage: 'INVOICE HAS BEEN PAID' });

    const wrongNumber = await caught(iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000005', refId: 'ORDER1007' }));
    expect(wrongNumber).toMatchObject({ code: '14', kind: 'not_found' });

    const pending = await caught(iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000009', refId: 'ORDER1008' }));
    expect(pending).toBeInstanceOf(ProviderError);
    expect(pending.code).toBe('05');
    expect(pending.message).toContain('inquire again');

    const inquiry = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'ORDER1009' });
    fake.override('pay-pasca', () => ({ data: { response_code: '17', message: 'BALANCE NOT ENOUGH' } }));
    const broke = await caught(iak.pay({ trId: inquiry.trId }));
    expect(broke).toBeInstanceOf(InsufficientBalanceError);
    expect(broke.code).toBe('17');

    fake.override('checkstatus', () => ({ data: { response_code: '06', message: 'INQUIRY ID NOT FOUND' } }));
    const unknownRef = await caught(iak.checkStatus({ refId: 'NOPE' }));
    expect(unknownRef).toMatchObject({ code: '06', kind: 'not_found' });
  });

  it('reads an answer in the other format than the one it asked in', async () => {
    const iak = client({ format });
    fake.override('inq-pasca', () => ({
      format: format === 'xml' ? 'json' : 'xml',
      data: { response_code: '20', message: 'PRODUCT UNREGISTERED' },
    }));
    const error = await caught(iak.inquiry({ code: 'NOSUCH', hp: '1', refId: 'ORDER1010' }));
    expect(error).toMatchObject({ code: '20', kind: 'product' });
  });
});

describe('JSON and XML give the same typed results', () => {
  it('for inquiry, payment, status and price list', async () => {
    const run = async (format: 'json' | 'xml') => {
      fake.reset();
      const iak = client({ format });
      const inquiry = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'SAME1' });
      const paid = await iak.pay({ trId: inquiry.trId });
      const status = await iak.checkStatus({ refId: 'SAME1' });
      const prices = await iak.pricelist();
      // `raw` and `desc` keep the wire values (numbers in JSON, strings in XML); everything typed must match.
      const strip = (r: object) => {
        const { raw: _raw, desc: _desc, bills, ...rest } = r as { raw: unknown; desc?: unknown; bills?: { raw: unknown }[] };
        return { ...rest, bills: bills?.map(({ raw: _r, ...b }) => b) };
      };
      return {
        inquiry: strip(inquiry),
        paid: strip(paid),
        status: strip(status),
        prices: prices.products.map(({ raw: _raw, ...p }) => p),
        desc: inquiry.desc,
      };
    };
    const json = await run('json');
    const xml = await run('xml');
    expect(xml.inquiry).toEqual(json.inquiry);
    expect(xml.paid).toEqual(json.paid);
    expect(xml.status).toEqual(json.status);
    expect(xml.prices).toEqual(json.prices);
    // desc itself stays as sent: numbers in JSON, strings in XML.
    expect((json.desc as { daya: unknown }).daya).toBe(1300);
    expect((xml.desc as { daya: unknown }).daya).toBe('1300');
  });
});

describe('transport-level failures', () => {
  it('throws AuthenticationError for HTTP 401', async () => {
    fake.override('inq-pasca', () => ({ status: 401, raw: 'Unauthorized' }));
    const error = await caught(client().inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'A1' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.httpStatus).toBe(401);
  });

  it('throws MalformedResponseError for an HTML gateway page and for truncated JSON', async () => {
    fake.override('inq-pasca', () => ({ status: 502, raw: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' }));
    const html = await caught(client().inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'A2' }));
    expect(html).toBeInstanceOf(MalformedResponseError);
    expect(html.httpStatus).toBe(502);

    fake.override('inq-pasca', () => ({ raw: '{"data": {"tr_id": 97327', contentType: 'application/json' }));
    const truncated = await caught(client().inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'A3' }));
    expect(truncated).toBeInstanceOf(MalformedResponseError);
    expect(truncated.rawBody).toBe('{"data": {"tr_id": 97327');

    fake.override('inq-pasca', () => ({ raw: '<?xml version="1.0"?><mp><tr_id>97327</tr', contentType: 'application/xml' }));
    const truncatedXml = await caught(client({ format: 'xml' }).inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'A4' }));
    expect(truncatedXml).toBeInstanceOf(MalformedResponseError);
    expect(truncatedXml.message).toContain('<mp>');
  });

  it('throws ValidationError (request) for HTTP 400 with error_details', async () => {
    fake.override('inq-pasca', () => ({ status: 400, data: { error_details: { hp: ['The hp field is required.'] } } }));
    const error = await caught(client().inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'A5' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).direction).toBe('request');
    expect((error as ValidationError).issues).toEqual([{ path: '/hp', keyword: 'provider', message: 'The hp field is required.' }]);

    fake.override('inq-pasca', () => ({
      status: 400,
      data: { response_code: '107', message: 'XML FORMAT ERROR', error_details: { ref_id: ['too long', 'bad'] } },
    }));
    const coded = await caught(client().inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'A5B' }));
    expect(coded).toBeInstanceOf(ValidationError);
    expect(coded).toMatchObject({ code: '107', providerMessage: 'XML FORMAT ERROR', httpStatus: 400 });
    expect((coded as ValidationError).issues.map((i) => `${i.path} ${i.message}`)).toEqual(['/ref_id too long', '/ref_id bad']);
  });

  it('throws ProviderError for another HTTP status without a response code', async () => {
    fake.override('checkstatus', () => ({ status: 503, data: { note: 'maintenance' } }));
    const error = await caught(client({ retry: { maxRetries: 0 } }).checkStatus({ refId: 'A6' }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ httpStatus: 503, code: null });
  });

  it('throws ValidationError (response) when strict validation fails, and passes with validate off', async () => {
    fake.override('inq-pasca', () => ({
      data: { response_code: '00', message: 'INQUIRY SUCCESS', tr_id: 'not-a-number', nominal: 1, admin: 0, price: 1, selling_price: 1 },
    }));
    const error = await caught(client().inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'A7' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).direction).toBe('response');
    expect((error as ValidationError).component).toBe('InqPascaResponse');
    // Without validation the same answer still cannot become a typed result: tr_id must be digits, and a bad
    // one is the answer's fault (a typed error with the raw body), not the caller's TypeError.
    const unchecked = await caught(client({ validate: 'off' }).inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'A8' }));
    expect(unchecked).toBeInstanceOf(MalformedResponseError);
    expect(unchecked.message).toContain('trId must be digits');
    expect(unchecked.rawBody).toContain('not-a-number');
  });

  it('refuses amounts that are not exact whole rupiah instead of rounding them', async () => {
    fake.override('inq-pasca', (req) => ({
      data: {
        response_code: '00',
        message: 'INQUIRY SUCCESS',
        tr_id: 5,
        code: 'X',
        hp: '1',
        tr_name: 'N',
        period: '',
        ref_id: req.body['ref_id'],
        nominal: 1000.5,
        admin: 0,
        price: 1000.5,
        selling_price: 1000.5,
        desc: [],
      },
    }));
    const error = await caught(client({ validate: 'off' }).inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'A9' }));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error.message).toContain('nominal');
    expect(error.rawBody).toContain('1000.5');
  });

  it('times out with TimeoutError and does not retry a payment', async () => {
    const iak = client({ timeoutMs: 300 });
    // The inquiry only sets the scene: a timeout no busy machine will hit. The payment is never answered.
    const inquiry = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'A10' }, { timeoutMs: 30_000 });
    fake.override('pay-pasca', async (req, f) => ({ ...(await f.defaults['pay-pasca']!(req, f)), holdUntilClosed: true }));
    const error = await caught(iak.pay({ trId: inquiry.trId }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe('before-response');
    expect(fake.counts['pay-pasca']).toBe(1);
  });

  it('retries an idempotent status check after a dropped connection', async () => {
    let drops = 1;
    fake.override('checkstatus', (req, f) => (drops-- > 0 ? { hangUp: true } : f.defaults['checkstatus']!(req, f)));
    await client().inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'A11' });
    const status = await client({ retry: { maxRetries: 2, baseDelayMs: 10 } }).checkStatus({ refId: 'A11' });
    expect(status.outcome).toBe('not_found');
    expect(fake.counts['checkstatus']).toBe(2);
  });

  it('reports a refused connection as ConnectionError that certainly did not reach IAK', async () => {
    const closed: Server = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const iak = createIakClient({ baseUrl: `http://127.0.0.1:${port}`, username: FAKE_USERNAME, apiKey: FAKE_API_KEY });
    const error = await caught(iak.pay({ trId: '1' }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).requestMaybeReceived).toBe(false);
  });
});

describe('receipts', () => {
  it('downloads the PDF byte for byte, including bytes that are not UTF-8', async () => {
    const iak = client();
    const inquiry = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'R1' });
    await iak.pay({ trId: inquiry.trId });
    const receipt = await iak.receipt({ trId: inquiry.trId });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: `/api/v1/download/${inquiry.trId}` });
    expect(receipt.kind).toBe('pdf');
    if (receipt.kind !== 'pdf') throw new Error('unreachable');
    expect(Buffer.from(receipt.bytes).equals(Buffer.from(PDF_BYTES))).toBe(true);
    expect(receipt.contentType).toBe('application/pdf');
  });

  it('reads the receipt as data lines', async () => {
    const iak = client();
    const inquiry = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'R2' });
    await iak.pay({ trId: inquiry.trId });
    const receipt = await iak.receipt({ trId: inquiry.trId, format: 'data' });
    expect(fake.requests.at(-1)!.path).toBe(`/api/v1/download/${inquiry.trId}/1`);
    expect(receipt).toMatchObject({ kind: 'data', lines: { HEADER: 'STRUK PEMBAYARAN PLN', 'JUMLAH TAGIHAN': 'Rp 300.000' } });
  });

  it('turns the <mp> error body into a typed error', async () => {
    const iak = client();
    const inquiry = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'R3' });
    const error = await caught(iak.receipt({ trId: inquiry.trId }));
    expect(error).toMatchObject({ code: '06', kind: 'not_found', providerMessage: 'INQUIRY ID NOT FOUND' });
    const dataError = await caught(iak.receipt({ trId: inquiry.trId, format: 'data' }));
    expect(dataError.code).toBe('06');
  });
});

describe('logging and secrets', () => {
  it('logs through the redactor: no API key, no sign value, in JSON and XML', async () => {
    const lines: string[] = [];
    const logger = { debug: (message: string, meta?: Record<string, unknown>) => lines.push(`${message} ${JSON.stringify(meta)}`) };
    for (const format of ['json', 'xml'] as const) {
      const iak = client({ format, logger });
      const inquiry = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: `LOG${format}` });
      await iak.pay({ trId: inquiry.trId });
      await iak.checkStatus({ refId: `LOG${format}` });
    }
    expect(lines.length).toBeGreaterThanOrEqual(12);
    const all = lines.join('\n');
    expect(all).toContain('inq-pasca');
    for (const request of fake.requests) {
      const sign = request.body['sign'];
      expect(typeof sign).toBe('string');
      expect(all).not.toContain(sign as string);
    }
    expect(all).not.toContain(FAKE_API_KEY);
    expect(all).toContain('[REDACTED]');
  });

  it('does not put the API key in results', async () => {
    const iak = client({ format: 'xml' });
    const inquiry = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'S1' });
    expectNoSecrets(inquiry, FAKE_API_KEY);
    expectNoSecrets(iak, FAKE_API_KEY);
    expect(parseIakXml(fake.requests[0]!.raw)).toMatchObject({ commands: 'inq-pasca' });
  });
});
