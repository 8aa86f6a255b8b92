import { iakSign } from '@billerkit/signing';
import { iakTestNumbers } from '@billerkit/specs';
import { parseIakXml, validate } from '@billerkit/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxIds } from '../clock.js';
import { SandboxStateError } from '../provider.js';
import { iakTestNumberTable } from './handler.js';
import { IAK_PROVIDER_STATES } from './states.js';
import {
  API_KEY,
  call,
  checkStatus,
  inquiry,
  newProvider,
  payment,
  post,
  priceList,
  serve,
  strictIssues,
  type TestServer,
  USERNAME,
} from './iak.test.helpers.js';
import type { IakProvider } from './index.js';

const INITIAL = 1_000_000_000n; // Rp 10.000.000,00

/** Rupiah number of a JSON answer → sen, exactly (the answers carry whole rupiah or up to two decimals). */
function sen(value: unknown): bigint {
  const text = String(value);
  expect(text).toMatch(/^[0-9]+(\.[0-9]{1,2})?$/);
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'));
}

function expectStrict(component: string, value: unknown): void {
  expect(strictIssues(component, value)).toEqual([]);
}

function expectTolerant(component: string, value: unknown): void {
  expect(validate('iak', component, 'tolerant', value).issues).toEqual([]);
}

describe('IAK provider over HTTP: inquiry → payment → checkstatus (JSON)', () => {
  let provider: IakProvider;
  let server: TestServer;
  beforeAll(async () => {
    ({ provider } = newProvider());
    server = await serve(provider);
  });
  afterAll(async () => {
    await server.close();
    expect(server.thrown).toEqual([]);
  });

  let trId: number;
  let selling: bigint;

  it('answers the PLN 1-bill inquiry like the documented sample, strictly valid', async () => {
    const { answer, data, envelope } = await post(server.url, inquiry('PLNPOSTPAID', '530000000001', 'order001'));
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json');
    expectStrict('InqPascaResponse', envelope);
    expect(envelope['meta']).toEqual([]);
    expect(data).toMatchObject({
      code: 'PLNPOSTPAID',
      hp: '530000000001',
      tr_name: 'SUBCRIBER NAME',
      period: '201608',
      nominal: 300000,
      admin: 2500,
      ref_id: 'order001',
      response_code: '00',
      message: 'INQUIRY SUCCESS',
      price: 302500,
      selling_price: 301900,
      desc: { tarif: 'R1', daya: 1300, lembar_tagihan: '1' },
    });
    expect(Number.isSafeInteger(data['tr_id'])).toBe(true);
    expect((data['desc'] as { tagihan: { detail: unknown[] } }).tagihan.detail).toEqual([
      { periode: '201608', nilai_tagihan: '300000', admin: '2500', denda: '0', total: 302500 },
    ]);
    trId = data['tr_id'] as number;
    selling = sen(data['selling_price']);
    expect(provider.transactions()).toEqual([]); // an inquiry is no payment
  });

  it('checkstatus before payment answers status 0 / rc 42 (a payment may still be sent)', async () => {
    const { data, envelope } = await post(server.url, checkStatus('order001'));
    expectStrict('CheckStatusResponse', envelope);
    expect(data).toMatchObject({
      tr_id: trId,
      status: 0,
      response_code: '42',
      message: 'REQUEST PEMBAYARAN BELUM DITERIMA',
      balance: 10000000,
    });
    expect(data).not.toHaveProperty('noref');
  });

  it('pays once: deducts selling_price from the bigint deposit and reports the remaining balance', async () => {
    const { data, envelope } = await post(server.url, payment(trId));
    expectStrict('PayPascaResponse', envelope);
    expect(data).toMatchObject({
      tr_id: trId,
      response_code: '00',
      message: 'PAYMENT SUCCESS',
      datetime: '20250101100000',
      ref_id: 'order001',
    });
    expect(data['noref']).toMatch(/^[0-9A-F]{32}$/);
    expect(provider.balanceMinor()).toBe(INITIAL - selling);
    expect(sen(data['balance'])).toBe(INITIAL - selling);
    expect((data['desc'] as Record<string, unknown>)['lembar_tagihan_sisa']).toBe(0);
    const [tx, ...rest] = provider.transactions();
    expect(rest).toEqual([]);
    expect(tx).toEqual({
      provider: 'iak',
      ref: String(trId),
      merchantRef: 'order001',
      customer: '530000000001',
      productCode: 'PLNPOSTPAID',
      amountMinor: '30250000',
      status: 'success',
      createdAt: '2025-01-01T03:00:00.000Z',
      updatedAt: '2025-01-01T03:00:00.000Z',
    });
  });

  it('paying the same tr_id again answers rc 01 INVOICE HAS BEEN PAID and takes nothing', async () => {
    for (let i = 0; i < 3; i++) {
      const { data, envelope } = await post(server.url, payment(trId));
      expectStrict('PayPascaResponse', envelope);
      expect(data).toMatchObject({ tr_id: trId, response_code: '01', message: 'INVOICE HAS BEEN PAID' });
    }
    expect(provider.balanceMinor()).toBe(INITIAL - selling);
    expect(provider.transactions()).toHaveLength(1);
  });

  it('checkstatus after payment returns the recorded transaction (status 1, same noref)', async () => {
    const paid = provider.transactions()[0]!;
    const { data, envelope } = await post(server.url, checkStatus('order001'));
    expectStrict('CheckStatusResponse', envelope);
    expect(data).toMatchObject({ tr_id: Number(paid.ref), status: 1, response_code: '00', message: 'PAYMENT SUCCESS' });
    expect(data['noref']).toMatch(/^[0-9A-F]{32}$/);
  });

  it('checkstatus of a ref_id it never saw answers rc 06 (so a re-post is safe)', async () => {
    const { data, envelope } = await post(server.url, checkStatus('neverSeen42'));
    expectStrict('CheckStatusResponse', envelope);
    expect(data).toEqual({ ref_id: 'neverSeen42', response_code: '06', message: 'INQUIRY ID NOT FOUND' });
  });

  it('pay-pasca of an unknown tr_id answers rc 06', async () => {
    const { data, envelope } = await post(server.url, payment(987654321));
    expectStrict('PayPascaResponse', envelope);
    expect(data).toMatchObject({ response_code: '06', message: 'INQUIRY ID NOT FOUND' });
  });

  it('refuses a second inquiry with a used ref_id (rc 11) and keeps the first', async () => {
    const { data, envelope } = await post(server.url, inquiry('PLNPOSTPAID', '530000000002', 'order001'));
    expectStrict('InqPascaResponse', envelope);
    expect(data).toMatchObject({ response_code: '11', message: 'DUPLICATE REF ID' });
    expect(data).not.toHaveProperty('tr_id');
  });

  it('answers the same on the trailing-slash path the official SDKs use', async () => {
    const { answer, data } = await post(server.url, checkStatus('order001'), { path: '/api/v1/bill/check/' });
    expect(answer.status).toBe(200);
    expect(data).toMatchObject({ status: 1, response_code: '00' });
    const inq = await post(server.url, inquiry('BPJS', '8801234560001', 'slash01', { month: 2 }), { path: '/api/v1/bill/check/' });
    expectStrict('InqPascaResponse', inq.envelope);
    expect(inq.data).toMatchObject({ response_code: '00', period: '02', nominal: 50000, admin: 2500, tr_name: 'VERGIE' });
  });

  it('rejects unknown product codes (rc 20) and numbers that are no test number of that product (rc 14)', async () => {
    const unknown = await post(server.url, inquiry('NOSUCHPRODUCT', '530000000001', 'prod01'));
    expectStrict('InqPascaResponse', unknown.envelope);
    expect(unknown.data).toMatchObject({ response_code: '20', message: 'PRODUCT UNREGISTERED' });
    const stranger = await post(server.url, inquiry('PLNPOSTPAID', '999999999999', 'prod02'));
    expect(stranger.data).toMatchObject({ response_code: '14', message: 'INCORRECT DESTINATION NUMBER' });
    // A BPJS test number is not a PLN customer.
    const wrongProduct = await post(server.url, inquiry('PLNPOSTPAID', '8801234560001', 'prod03'));
    expect(wrongProduct.data).toMatchObject({ response_code: '14' });
  });
});

describe('IAK provider: pending, failed and refused payments', () => {
  it('a pending payment holds the money and settles to success after settleAfterChecks status checks', async () => {
    const { provider } = newProvider({ settleAfterChecks: 2 });
    const server = await serve(provider);
    try {
      const inq = await post(server.url, inquiry('PLNPOSTPAID', '530000000007', 'pend01'));
      const trId = inq.data['tr_id'] as number;
      const selling = sen(inq.data['selling_price']);
      const pay = await post(server.url, payment(trId));
      expectStrict('PayPascaResponse', pay.envelope);
      expect(pay.data).toMatchObject({ response_code: '39', message: 'PENDING / TRANSAKSI SEDANG DIPROSES' });
      expect(pay.data).not.toHaveProperty('noref');
      expect(provider.balanceMinor()).toBe(INITIAL - selling);
      expect(provider.transactions()[0]?.status).toBe('pending');

      // A repeated pay-pasca while pending neither charges again nor settles it.
      const again = await post(server.url, payment(trId));
      expect(again.data).toMatchObject({ response_code: '39' });
      expect(provider.balanceMinor()).toBe(INITIAL - selling);

      const first = await post(server.url, checkStatus('pend01'));
      expectStrict('CheckStatusResponse', first.envelope);
      expect(first.data).toMatchObject({ status: 3, response_code: '39' });
      expect(first.data).not.toHaveProperty('datetime');
      expect(first.data).not.toHaveProperty('noref');

      const second = await post(server.url, checkStatus('pend01'));
      expectStrict('CheckStatusResponse', second.envelope);
      expect(second.data).toMatchObject({ status: 1, response_code: '00' });
      expect(provider.transactions()[0]?.status).toBe('success');
      expect(provider.balanceMinor()).toBe(INITIAL - selling);

      const third = await post(server.url, payment(trId));
      expect(third.data).toMatchObject({ response_code: '01' });
    } finally {
      await server.close();
    }
  });

  it('a pending payment settles after settleAfterMs even without status checks', async () => {
    const { provider, ctx } = newProvider({ settleAfterChecks: 1000, settleAfterMs: 30_000 });
    const server = await serve(provider);
    try {
      const inq = await post(server.url, inquiry('TELKOMPSTN', '6391601207', 'pend02'));
      await post(server.url, payment(inq.data['tr_id'] as number));
      expect((await post(server.url, checkStatus('pend02'))).data).toMatchObject({ status: 3 });
      ctx.clock.advance(29_999);
      expect((await post(server.url, checkStatus('pend02'))).data).toMatchObject({ status: 3 });
      ctx.clock.advance(1);
      expect(provider.transactions()[0]?.status).toBe('success');
      const settled = await post(server.url, checkStatus('pend02'));
      expect(settled.data).toMatchObject({ status: 1, response_code: '00', datetime: '20250101100030' });
    } finally {
      await server.close();
    }
  });

  it('payment failed (rc 37) takes nothing, is recorded once and is reported as status 2', async () => {
    const { provider } = newProvider();
    const server = await serve(provider);
    try {
      const inq = await post(server.url, inquiry('PLNPOSTPAID', '530000000006', 'fail01'));
      const trId = inq.data['tr_id'] as number;
      const pay = await post(server.url, payment(trId));
      expectStrict('PayPascaResponse', pay.envelope);
      expect(pay.data).toMatchObject({ response_code: '37', message: 'PAYMENT FAILED' });
      expect(provider.balanceMinor()).toBe(INITIAL);
      const again = await post(server.url, payment(trId));
      expect(again.data).toMatchObject({ response_code: '37' });
      expect(provider.transactions().map((t) => t.status)).toEqual(['failed']);
      const status = await post(server.url, checkStatus('fail01'));
      expectStrict('CheckStatusResponse', status.envelope);
      expect(status.data).toMatchObject({ status: 2, response_code: '37', message: 'PEMBAYARAN GAGAL', noref: '' });
      const receipt = await call(server.url, `/api/v1/download/${trId}`, { method: 'GET', contentType: null });
      expect(receipt.contentType).toBe('application/xml');
      expect(parseIakXml(receipt.text, { form: 'response' })).toEqual({ data: { response_code: '37', message: 'PAYMENT FAILED' } });
    } finally {
      await server.close();
    }
  });

  it('answers rc 17 when the deposit cannot cover selling_price, and pays once the balance is topped up', async () => {
    const { provider } = newProvider({ initialBalanceMinor: 30_189_999n }); // 1 sen short of Rp 301.900
    const server = await serve(provider);
    try {
      const inq = await post(server.url, inquiry('PLNPOSTPAID', '530000000001', 'poor01'));
      const trId = inq.data['tr_id'] as number;
      const pay = await post(server.url, payment(trId));
      expectStrict('PayPascaResponse', pay.envelope);
      expect(pay.data).toMatchObject({ response_code: '17', message: 'BALANCE NOT ENOUGH', balance: 301899.99 });
      expect(provider.balanceMinor()).toBe(30_189_999n);
      expect(provider.transactions()).toEqual([]);
      expect((await post(server.url, checkStatus('poor01'))).data).toMatchObject({ status: 0, response_code: '42' });
      provider.setState('balance', { balanceMinor: '30190000' });
      const retry = await post(server.url, payment(trId));
      expect(retry.data).toMatchObject({ response_code: '00', balance: 0 });
      expect(provider.balanceMinor()).toBe(0n);
    } finally {
      await server.close();
    }
  });

  it('refuses to pay an inquiry from an earlier day (rc 04 BILLING ID EXPIRED)', async () => {
    const { provider, ctx } = newProvider();
    const server = await serve(provider);
    try {
      const inq = await post(server.url, inquiry('PLNPOSTPAID', '530000000001', 'late01'));
      ctx.clock.advance(14 * 3600_000); // 10:00 WIB → 00:00 WIB the next day
      const pay = await post(server.url, payment(inq.data['tr_id'] as number));
      expectStrict('PayPascaResponse', pay.envelope);
      expect(pay.data).toMatchObject({ response_code: '04', message: 'BILLING ID EXPIRED' });
      expect(provider.balanceMinor()).toBe(INITIAL);
    } finally {
      await server.close();
    }
  });

  it('uses desc.amount as the nominal of custom-denomination products; amount 0 is rc 93 (tolerant profile)', async () => {
    const { provider } = newProvider({}, { requestProfile: 'tolerant' });
    const server = await serve(provider);
    try {
      const inq = await post(server.url, inquiry('SHOPEEPAY', '082100000001', 'pasca-01', { desc: { amount: 123456 } }));
      expectStrict('InqPascaResponse', { ...inq.envelope, data: { ...inq.data, ref_id: 'pasca01' } });
      expect(inq.data).toMatchObject({
        response_code: '00',
        nominal: 123456,
        admin: 800,
        price: 124256,
        ref_id: 'pasca-01',
        desc: { footer: '' },
      });
      const zero = await post(server.url, inquiry('SHOPEEPAY', '082100000001', 'pasca-02', { desc: { amount: '0' } }));
      expect(zero.data).toMatchObject({ response_code: '93', message: 'INVALID AMOUNT' });
      const church = await post(
        server.url,
        inquiry('MEMBER.Shiftsoft_MMS-Perpuluhan_2022', '1001', 'church01', { desc: { amount: '10000' } }),
      );
      expectStrict('InqPascaResponse', church.envelope);
      expect(church.data).toMatchObject({ response_code: '00', nominal: 10000, desc: [] });
    } finally {
      await server.close();
    }
  });
});

describe('IAK provider: XML', () => {
  let provider: IakProvider;
  let server: TestServer;
  beforeAll(async () => {
    ({ provider } = newProvider());
    server = await serve(provider);
  });
  afterAll(async () => {
    await server.close();
    expect(server.thrown).toEqual([]);
  });

  it('answers an XML inquiry in <mp> XML with the data fields directly under the root', async () => {
    const { answer, data } = await post(server.url, inquiry('TELKOMPSTN', '6391601202', 'xml001'), { format: 'xml' });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/xml');
    expect(answer.text.startsWith('<?xml version="1.0" ?>\n<mp>\n  <tr_id>')).toBe(true);
    expect(answer.text).not.toContain('<data>');
    expect(answer.text).not.toContain('<meta');
    // XML carries text only: the tolerant profile is the contract for decoded XML (strict types numbers).
    expectTolerant('InqPascaResult', data);
    expect(data).toMatchObject({
      code: 'TELKOMPSTN',
      response_code: '00',
      nominal: '129610',
      admin: '7500',
      price: '137110',
      period: '201405,201407',
    });
    const detail = (data['desc'] as { tagihan: { detail: Array<Record<string, string>> } }).tagihan.detail;
    expect(detail.map((d) => [d['periode'], d['nilai_tagihan'], d['total']])).toEqual([
      ['MEI 2014', '49870', '52370'],
      ['JUN 2014', '44870', '47370'],
      ['JUL 2014', '34870', '37370'],
    ]);
  });

  it('pays and checks status in XML, echoing text/xml when the request used it', async () => {
    const inq = await post(server.url, inquiry('PDAMKOTA.SURABAYA', '10202001', 'xml002'), { format: 'xml' });
    const trId = String(inq.data['tr_id']);
    const body = `<?xml version="1.0" ?>\n<mp>\n  <commands>pay-pasca</commands>\n  <username>${USERNAME}</username>\n  <tr_id>${trId}</tr_id>\n  <sign>${iakSign(USERNAME, API_KEY, trId)}</sign>\n</mp>`;
    const pay = await call(server.url, '/api/v1/bill/check', { body, contentType: 'text/xml; charset=UTF-8' });
    expect(pay.contentType).toBe('text/xml');
    const paid = parseIakXml(pay.text, { form: 'response' }) as { data: Record<string, unknown> };
    expectTolerant('PayPascaResult', paid.data);
    expect(paid.data).toMatchObject({ tr_id: trId, response_code: '00', message: 'PAYMENT SUCCESS' });
    const status = await post(server.url, checkStatus('xml002'), { format: 'xml' });
    expectTolerant('CheckStatusResult', status.data);
    expect(status.data).toMatchObject({ tr_id: trId, status: '1', response_code: '00' });
  });

  it('reads month and desc.amount from XML text like their JSON twins', async () => {
    const bpjs = await post(server.url, inquiry('BPJS', '8801234560001', 'xml003', { month: '3' }), { format: 'xml' });
    expect(bpjs.data).toMatchObject({ response_code: '00', period: '03', nominal: '75000' });
    const shopee = await post(server.url, inquiry('SHOPEEPAY', '082100000002', 'xml004', { desc: { amount: '50000' } }), { format: 'xml' });
    expect(shopee.data).toMatchObject({ response_code: '00', nominal: '50000' });
    // The church offering has no desc: XML simply leaves it out.
    const church = await post(
      server.url,
      inquiry('NONMEMBER.Shiftsoft_MMS-Perpuluhan_2022', '1921', 'xml005', { desc: { amount: '25000' } }),
      { format: 'xml' },
    );
    expect(church.answer.text).not.toContain('<desc');
    expectTolerant('InqPascaResult', church.data);
  });

  it('answers XML errors in XML', async () => {
    const bad = await post(server.url, { ...checkStatus('xml006'), sign: 'f'.repeat(32) }, { format: 'xml' });
    expect(bad.answer.contentType).toBe('application/xml');
    expect(bad.data).toEqual({ response_code: '100', message: 'INVALID SIGNATURE' });
  });
});

describe('IAK provider: price lists', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serve(newProvider().provider);
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists every postpaid product with fee, komisi and type', async () => {
    const { data, envelope } = await post(server.url, priceList({ status: 'all' }));
    expectStrict('PricelistPascaResponse', envelope);
    const pasca = data['pasca'] as Array<Record<string, unknown>>;
    const codes = pasca.map((p) => p['code']);
    expect(codes).toContain('PLNPOSTPAID');
    expect(codes).toContain('AETRA');
    expect(new Set(codes).size).toBe(codes.length);
    expect(pasca.find((p) => p['code'] === 'PLNPOSTPAID')).toEqual({
      code: 'PLNPOSTPAID',
      name: 'PLN Pascabayar',
      status: 1,
      fee: 2500,
      komisi: 600,
      type: 'pln',
      category: 'postpaid',
    });
    // Every product a documented test number names can be found in the price list (church offerings excepted: IAK documents no type for them).
    const products = new Set(iakTestNumbers.map((t) => t.product).filter((p) => !/MEMBER\./.test(p)));
    for (const product of products) expect(codes).toContain(product);
  });

  it('filters by status and by PDAM province', async () => {
    const active = await post(server.url, priceList({ status: 'active' }));
    expect((active.data['pasca'] as unknown[]).length).toBeGreaterThan(10);
    const inactive = await post(server.url, priceList({ status: 'non active' }));
    expectStrict('PricelistPascaResponse', inactive.envelope);
    expect(inactive.data).toEqual({ pasca: [] });
    const jakarta = await post(server.url, priceList({ province: 'Jakarta' }), { path: '/api/v1/bill/check/pdam' });
    expectStrict('PricelistTypeResponse', jakarta.envelope);
    expect((jakarta.data['pasca'] as Array<Record<string, unknown>>).map((p) => [p['code'], p['province']])).toEqual([
      ['AETRA', 'Jakarta'],
      ['PALYJA', 'Jakarta'],
    ]);
  });

  it('serves the typed price list /api/v1/bill/check/{type} (with or without trailing slash)', async () => {
    for (const path of ['/api/v1/bill/check/pln', '/api/v1/bill/check/pln/']) {
      const { data, envelope } = await post(server.url, priceList(), { path });
      expectStrict('PricelistTypeResponse', envelope);
      expect((data['pasca'] as Array<Record<string, unknown>>).map((p) => p['code'])).toEqual(['PLNPOSTPAID', 'PLNNONH', 'PLNNONTAG']);
    }
    const empty = await post(server.url, priceList(), { path: '/api/v1/bill/check/kereta' });
    expect(empty.data).toEqual({ pasca: [] });
    const unknown = await post(server.url, priceList(), { path: '/api/v1/bill/check/nonsense' });
    expect(unknown.answer.status).toBe(404);
    expect(unknown.data).toEqual({ response_code: '117', message: 'PAGE NOT FOUND' });
    const wrongCommand = await post(server.url, checkStatus('x1'), { path: '/api/v1/bill/check/pln' });
    expect(wrongCommand.data).toEqual({ response_code: '101', message: 'INVALID COMMAND' });
  });

  it('keeps <mp><data><pasca> in the XML price list', async () => {
    const { answer, envelope } = await post(server.url, priceList(), { format: 'xml', path: '/api/v1/bill/check/bpjs' });
    expect(answer.text).toContain('<mp>\n  <data>\n    <pasca>');
    expectTolerant('PricelistPascaXmlResponse', envelope);
    expect(((envelope['data'] as Record<string, unknown>)['pasca'] as unknown[]).length).toBe(3);
  });
});

describe('IAK provider: receipts', () => {
  let provider: IakProvider;
  let server: TestServer;
  let paidTrId: number;
  let unpaidTrId: number;
  beforeAll(async () => {
    ({ provider } = newProvider());
    server = await serve(provider);
    const inq = await post(server.url, inquiry('BPJS', '8801234560001', 'rcpt01', { month: 2 }));
    paidTrId = inq.data['tr_id'] as number;
    await post(server.url, payment(paidTrId));
    unpaidTrId = (await post(server.url, inquiry('PGAS', '0110014601', 'rcpt02'))).data['tr_id'] as number;
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves the PDF receipt of a paid bill', async () => {
    for (const path of [`/api/v1/download/${paidTrId}`, `/api/v1/download/${paidTrId}/`]) {
      const answer = await call(server.url, path, { method: 'GET', contentType: null });
      expect(answer.status).toBe(200);
      expect(answer.contentType).toBe('application/pdf');
      const text = answer.bytes.toString('latin1');
      expect(text.startsWith('%PDF-1.4')).toBe(true);
      expect(text).toContain('(STRUK PEMBAYARAN BPJS Kesehatan) Tj');
      expect(text).toContain('8801234560001');
      expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    }
  });

  it('serves the JSON receipt on /{tr_id}/1 like the official SDKs read it', async () => {
    const answer = await call(server.url, `/api/v1/download/${paidTrId}/1`, { method: 'GET', headers: { accept: 'application/json' } });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json');
    const body = JSON.parse(answer.text) as { data: Record<string, string> };
    expectStrict('ReceiptResponse', body);
    expect(body.data).toMatchObject({
      HEADER: 'STRUK PEMBAYARAN BPJS Kesehatan',
      TANGGAL: '2025-01-01 10:00:00',
      'NAMA PRODUK': 'BPJS Kesehatan',
      'ID PELANGGAN': '8801234560001',
      NAMA: 'VERGIE',
      'JUMLAH PESERTA': '2 ORANG',
      'JUMLAH TAGIHAN': 'Rp 50.000',
      ADMIN: 'Rp 2.500',
      'TOTAL BAYAR': 'Rp 52.500',
    });
    expect(body.data['NO. RESI']).toMatch(/^[0-9A-F]{32}$/);
  });

  it('answers receipts of unpaid, pending and unknown transactions with an <mp> error', async () => {
    const cases: Array<[string, string]> = [
      [`/api/v1/download/${unpaidTrId}`, '02'],
      [`/api/v1/download/${unpaidTrId}/1`, '02'],
      ['/api/v1/download/123', '06'],
      ['/api/v1/download/abc/1', '06'],
    ];
    for (const [path, code] of cases) {
      const answer = await call(server.url, path, { method: 'GET', contentType: null });
      expect(answer.status).toBe(200);
      expect(answer.contentType).toBe('application/xml');
      const decoded = parseIakXml(answer.text, { form: 'response' }) as { data: Record<string, unknown> };
      expectStrict('ReceiptErrorResult', decoded.data);
      expect(decoded.data['response_code']).toBe(code);
    }
    const inq = await post(server.url, inquiry('PGAS', '0110014607', 'rcpt03'));
    await post(server.url, payment(inq.data['tr_id'] as number));
    const pending = await call(server.url, `/api/v1/download/${inq.data['tr_id']}/1`, { method: 'GET', contentType: null });
    expect(parseIakXml(pending.text, { form: 'response' })).toEqual({
      data: { response_code: '39', message: 'PENDING / TRANSACTION IN PROCESS' },
    });
  });

  it('only answers GET on receipts', async () => {
    const answer = await call(server.url, `/api/v1/download/${paidTrId}`, { method: 'POST', body: '{}' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET');
  });
});

describe('IAK provider: determinism, reset, provider states', () => {
  async function script(seed: string): Promise<string[]> {
    const { provider } = newProvider({ ids: new SandboxIds(seed) });
    const server = await serve(provider);
    const out: string[] = [];
    try {
      for (const [code, hp, ref] of [
        ['PLNPOSTPAID', '530000000002', 'd1'],
        ['PDAMKOTA.MEDAN', '10202007', 'd2'],
        ['HPTHREE', '08991234506', 'd3'],
      ] as const) {
        const inq = await post(server.url, inquiry(code, hp, ref));
        out.push(inq.answer.text);
        const pay = await post(server.url, payment(inq.data['tr_id'] as number), { format: 'xml' });
        out.push(pay.answer.text);
        out.push((await post(server.url, checkStatus(ref))).answer.text);
        out.push((await call(server.url, `/api/v1/download/${inq.data['tr_id']}/1`, { method: 'GET', contentType: null })).text);
      }
      out.push(JSON.stringify(provider.transactions()));
    } finally {
      await server.close();
    }
    return out;
  }

  it('produces byte-identical answers for the same seed and clock, different ids for another seed', async () => {
    const a = await script('seed-a');
    const b = await script('seed-a');
    expect(b).toEqual(a);
    const c = await script('seed-c');
    expect(c).not.toEqual(a);
    expect(c[0]?.replace(/"tr_id":\d+/, '')).toBe(a[0]?.replace(/"tr_id":\d+/, ''));
  });

  it('reset forgets payments, balance and a switched generation', async () => {
    const { provider } = newProvider();
    const server = await serve(provider);
    try {
      provider.setState('generation', { generation: 'newer' });
      expect(provider.generation()).toBe('newer');
      const inq = await post(server.url, inquiry('PLNPOSTPAID', '530000000000', 'r1'));
      await post(server.url, payment(inq.data['tr_id'] as number));
      expect(provider.transactions()).toHaveLength(1);
      provider.reset();
      expect(provider.transactions()).toEqual([]);
      expect(provider.balanceMinor()).toBe(INITIAL);
      expect(provider.generation()).toBe('seed');
      expect((await post(server.url, checkStatus('r1'))).data).toMatchObject({ response_code: '06' });
      // The ref_id is free again after a reset.
      expect((await post(server.url, inquiry('PLNPOSTPAID', '530000000001', 'r1'))).data).toMatchObject({ response_code: '00' });
    } finally {
      await server.close();
    }
  });

  it('sets up Pact provider states: existing inquiry, existing payment, no transaction, balance', async () => {
    const { provider } = newProvider();
    const server = await serve(provider);
    try {
      expect(provider.setState('inquiry exists', { ref_id: 'pact01', tr_id: '9732792' })).toEqual({
        tr_id: 9732792,
        ref_id: 'pact01',
        code: 'PLNPOSTPAID',
        hp: '530000000001',
      });
      expect((await post(server.url, checkStatus('pact01'))).data).toMatchObject({ tr_id: 9732792, status: 0, response_code: '42' });
      const pay = await post(server.url, payment('9732792'));
      expectStrict('PayPascaResponse', pay.envelope);
      expect(pay.data).toMatchObject({ tr_id: 9732792, response_code: '00' });

      const made = provider.setState('payment exists', { ref_id: 'pact02', code: 'TELKOMPSTN', hp: '6391601202', status: 'pending' });
      expect(made).toMatchObject({ ref_id: 'pact02', code: 'TELKOMPSTN' });
      const pending = await post(server.url, checkStatus('pact02'));
      expectStrict('CheckStatusResponse', pending.envelope);
      expect(pending.data).toMatchObject({ status: 3, response_code: '39', code: 'TELKOMPSTN' });
      expect((pending.data['desc'] as Record<string, unknown>)['jumlah_tagihan']).toBe(3);

      provider.setState('payment exists', { ref_id: 'pact03', status: 'failed' });
      expect((await post(server.url, checkStatus('pact03'))).data).toMatchObject({ status: 2, response_code: '37' });

      provider.setState('no transaction', { ref_id: 'pact02' });
      expect((await post(server.url, checkStatus('pact02'))).data).toMatchObject({ response_code: '06' });

      provider.setState('insufficient balance');
      expect(provider.balanceMinor()).toBe(0n);
      provider.setState('balance', { balanceMinor: '12345' });
      expect(provider.balanceMinor()).toBe(12345n);
      expect(provider.applyState('reset')).toEqual({});
      expect(provider.balanceMinor()).toBe(INITIAL);
    } finally {
      await server.close();
    }
  });

  it('refuses unknown states and bad parameters with SandboxStateError', () => {
    const { provider } = newProvider();
    expect(() => provider.setState('no such state')).toThrow(SandboxStateError);
    expect(() => provider.setState('balance', { balanceMinor: '-1' })).toThrow(SandboxStateError);
    expect(() => provider.setState('balance', { balanceMinor: 12.5 })).toThrow(SandboxStateError);
    expect(() => provider.setState('inquiry exists', {})).toThrow(/ref_id is required/);
    expect(() => provider.setState('inquiry exists', { ref_id: 'x', hp: '530000000003' })).toThrow(/no test number whose inquiry succeeds/);
    expect(() => provider.setState('payment exists', { ref_id: 'x', status: 'maybe' })).toThrow(SandboxStateError);
    expect(() => provider.setState('generation', { generation: 'old' })).toThrow(SandboxStateError);
    expect(IAK_PROVIDER_STATES.map((s) => s.name)).toContain('payment exists');
  });

  it('exports the test-number table the CLI prints', () => {
    const all = iakTestNumberTable();
    expect(all).toHaveLength(iakTestNumbers.length);
    const seed = iakTestNumberTable('seed');
    expect(seed.every((row) => row.generation === 'seed')).toBe(true);
    expect(seed.find((row) => row.hp === '530000000002')).toMatchObject({
      product: 'PLNPOSTPAID',
      bills: 8,
      failsAt: null,
      responseCode: '00',
    });
    expect(seed.find((row) => row.hp === '530000000007')).toMatchObject({ failsAt: 'payment', responseCode: '39', outcome: 'pending' });
    expect(seed.find((row) => row.hp === '530000000003')).toMatchObject({ failsAt: 'inquiry', responseCode: '103' });
  });
});
