import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IakClient } from '@billerkit/iak';
import { MatchersV3, type V3Request, type V3Response, XmlBuilder } from '@pact-foundation/pact';
import { CONSUMER_CREDENTIALS, type PactCase, type PactState, PLACEHOLDERS, type SandboxStep } from './common.js';
import { expectEqual, expectRejection } from './expect.js';

const { like, regex, integer, number, eachLike } = MatchersV3;

const JSON_TYPE = 'application/json';
const XML_TYPE = 'application/xml';
const BILL_CHECK = '/api/v1/bill/check';
const PRODUCT = 'PLNPOSTPAID';
/**
 * The pacts use the seed generation of IAK's published test numbers (the sandbox's default); a state
 * switches the sandbox to it, so a sandbox started with the newer generation verifies the same pact.
 */
const GENERATION = 'seed';
const generationStep: SandboxStep = { provider: 'iak', state: 'generation', params: { generation: GENERATION } };

// ---------------------------------------------------------------- provider states

/** A published test number: a real IAK development host answers it the same way, no set-up needed. */
function testNumber(hp: string, description: string): PactState {
  return { name: `test number ${PRODUCT} ${hp} (${description}, ${GENERATION} generation)`, params: { code: PRODUCT, hp }, setup: [generationStep], requiresControl: false };
}

function unpaidInquiry(hp: string, description: string, refId: string, trId: string, extra: SandboxStep[] = []): PactState {
  return {
    name: `test number ${PRODUCT} ${hp} (${description}) has an unpaid inquiry ${refId} with tr_id ${trId}`,
    params: { code: PRODUCT, hp, ref_id: refId, tr_id: trId },
    setup: [generationStep, { provider: 'iak', state: 'inquiry exists', params: { ref_id: refId, hp, code: PRODUCT, tr_id: trId } }, ...extra],
    requiresControl: true,
  };
}

function paidInquiry(hp: string, refId: string, trId: string, status: 'success' | 'pending' | 'failed'): PactState {
  return {
    name: `test number ${PRODUCT} ${hp} has a ${status} payment of inquiry ${refId} with tr_id ${trId}`,
    params: { code: PRODUCT, hp, ref_id: refId, tr_id: trId, status },
    setup: [generationStep, { provider: 'iak', state: 'payment exists', params: { ref_id: refId, hp, code: PRODUCT, tr_id: trId, status } }],
    requiresControl: true,
  };
}

// ---------------------------------------------------------------- request and response shapes

function request(command: string, fields: Record<string, unknown>, options: { path?: string; wrongSign?: boolean } = {}): V3Request {
  return {
    method: 'POST',
    path: options.path ?? BILL_CHECK,
    headers: { 'Content-Type': JSON_TYPE },
    contentType: JSON_TYPE,
    body: {
      commands: command,
      username: like(CONSUMER_CREDENTIALS.iak.username),
      ...fields,
      sign: regex('^[0-9a-f]{32}$', options.wrongSign ? PLACEHOLDERS.wrongIakSign : PLACEHOLDERS.iakSign),
    },
  };
}

function response(data: unknown, status = 200): V3Response {
  return { status, headers: { 'Content-Type': JSON_TYPE }, contentType: JSON_TYPE, body: { data, meta: [] } };
}

/** The bill of a 1-bill PLN test number, as every inquiry, payment and status answer describes it. */
function bill(hp: string): Record<string, unknown> {
  return {
    code: PRODUCT,
    hp,
    tr_name: like('SUBCRIBER NAME'),
    period: like('201608'),
    nominal: number(300000),
    admin: number(2500),
    price: number(302500),
    selling_price: number(301900),
    desc: like({
      tarif: 'R1',
      daya: 1300,
      lembar_tagihan: '1',
      tagihan: { detail: eachLike({ periode: '201608', nilai_tagihan: '300000', admin: '2500', denda: '0', total: 302500 }) },
    }),
  };
}

const DATETIME = regex('^[0-9]{14}$', '20250101100000');

// ---------------------------------------------------------------- XML (IAK's <mp> form)

/** Pact's XmlBuilder with matchers on the leaves; `children` keeps element order as the client writes it. */
function xml(build: (mp: ReturnType<typeof mpRoot>) => void): string {
  return new XmlBuilder('1.0', 'UTF-8', 'mp').build((root) => build(mpRoot(root)));
}

type XmlElementLike = Parameters<Parameters<XmlBuilder['build']>[0]>[0];
function mpRoot(root: XmlElementLike) {
  const none = new Map<string, string>();
  return {
    el(name: string, value: string | ReturnType<typeof regex> | ReturnType<typeof like<string>>) {
      root.appendElement(name, none, value as string);
      return this;
    },
    nested(name: string, build: (element: XmlElementLike) => void) {
      root.appendElement(name, none, (element: XmlElementLike) => build(element));
      return this;
    },
  };
}

const digits = (example: string) => regex('^[0-9]+$', example);

function xmlDesc(element: XmlElementLike, paid: boolean): void {
  const none = new Map<string, string>();
  element.appendElement('tarif', none, like('R1'));
  element.appendElement('daya', none, digits('1300'));
  element.appendElement('lembar_tagihan', none, digits('1'));
  if (paid) element.appendElement('lembar_tagihan_sisa', none, digits('0'));
  element.appendElement('tagihan', none, (tagihan) => {
    tagihan.appendElement('detail', none, (detail) => {
      if (paid) {
        detail.appendElement('meter_awal', none, like('00080000'));
        detail.appendElement('meter_akhir', none, like('00080000'));
      }
      detail.appendElement('periode', none, like('201608'));
      detail.appendElement('nilai_tagihan', none, digits('300000'));
      detail.appendElement('admin', none, digits('2500'));
      detail.appendElement('denda', none, digits('0'));
      detail.appendElement('total', none, digits('302500'));
    });
  });
}

/** A tiny, valid-looking PDF: Pact stores it in the pact and matches the provider's receipt by content type. */
function examplePdf(): string {
  const dir = mkdtempSync(join(tmpdir(), 'billerkit-pact-pdf-'));
  const file = join(dir, 'receipt.pdf');
  writeFileSync(file, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  return file;
}

// ---------------------------------------------------------------- the cases

export type IakPactCase = PactCase<IakClient>;

function inquiryCase(hp: string, description: string, outcome: string, refId: string, answer: V3Response, exercise: (client: IakClient) => Promise<void>, state?: PactState, wrongSign = false): IakPactCase {
  return {
    provider: 'iak',
    operation: 'inq-pasca',
    outcome,
    description: `an inq-pasca for test number ${hp} (${outcome})`,
    state: state ?? testNumber(hp, description),
    request: request('inq-pasca', { code: PRODUCT, hp, ref_id: refId }, { wrongSign }),
    response: answer,
    ...(wrongSign ? { clientOptions: { apiKey: 'wrong-iak-api-key' } } : {}),
    exercise,
  };
}

const inquire = (client: IakClient, hp: string, refId: string) => client.inquiry({ code: PRODUCT, hp, refId });

function payCase(hp: string, description: string, outcome: string, refId: string, trId: string, answer: V3Response, exercise: (client: IakClient) => Promise<void>, extra: SandboxStep[] = []): IakPactCase {
  return {
    provider: 'iak',
    operation: 'pay-pasca',
    outcome,
    description: `a pay-pasca of tr_id ${trId} (${outcome})`,
    state: unpaidInquiry(hp, description, refId, trId, extra),
    request: request('pay-pasca', { tr_id: trId }),
    response: answer,
    exercise,
  };
}

function payAnswer(hp: string, refId: string, trId: string, code: string, message: string, paid: boolean): V3Response {
  return response({
    tr_id: integer(Number(trId)),
    datetime: DATETIME,
    ...bill(hp),
    ref_id: refId,
    response_code: code,
    message: like(message),
    balance: number(9697500),
    ...(paid ? { noref: like('478CAB5AC80106906C372CFCE1F4584C') } : {}),
  });
}

function statusCase(outcome: string, state: PactState, refId: string, answer: V3Response, exercise: (client: IakClient) => Promise<void>): IakPactCase {
  return {
    provider: 'iak',
    operation: 'checkstatus',
    outcome,
    description: `a checkstatus of ref_id ${refId} (${outcome})`,
    state,
    request: request('checkstatus', { ref_id: refId }),
    response: answer,
    exercise,
  };
}

function statusAnswer(hp: string, refId: string, trId: string, status: number, code: string, message: string): V3Response {
  return response({
    tr_id: integer(Number(trId)),
    ...(status === 1 ? { datetime: DATETIME, noref: like('478CAB5AC80106906C372CFCE1F4584C') } : {}),
    ...bill(hp),
    ref_id: refId,
    status,
    response_code: code,
    message: like(message),
    balance: number(10000000),
  });
}

/** One interaction per IAK command and per outcome its published test numbers (and response codes) document. */
export function iakCases(): IakPactCase[] {
  const inquirySuccess = (hp: string, refId: string) =>
    response({ tr_id: integer(119590800001), ...bill(hp), ref_id: like(refId), response_code: '00', message: like('INQUIRY SUCCESS') });
  const inquiryFailure = (hp: string, refId: string, code: string, text: string) => response({ code: PRODUCT, hp, ref_id: like(refId), response_code: code, message: like(text) });

  const cases: IakPactCase[] = [
    // inq-pasca. The answer's ref_id is matched by type only: against a host without provider states the
    // verifier sends a fresh ref_id (IAK refuses a repeated one), and the answer echoes that.
    inquiryCase('530000000001', 'success, 1 bill', 'success', 'PACTINQ1', inquirySuccess('530000000001', 'PACTINQ1'), async (client) => {
      const result = await inquire(client, '530000000001', 'PACTINQ1');
      expectEqual(result.outcome, 'success', 'inquiry outcome');
      expectEqual(result.trId, '119590800001', 'inquiry tr_id');
      expectEqual(result.price, 30_250_000n, 'inquiry price (sen)');
    }),
    inquiryCase('530000000003', 'inquiry time out', 'timeout', 'PACTINQ3', inquiryFailure('530000000003', 'PACTINQ3', '103', 'TIMEOUT'), (client) =>
      expectRejection(inquire(client, '530000000003', 'PACTINQ3'), { code: '103', kind: 'timeout' }, 'inquiry timing out'),
    ),
    inquiryCase('530000000004', 'invoice already paid', 'already paid', 'PACTINQ4', inquiryFailure('530000000004', 'PACTINQ4', '01', 'INVOICE HAS BEEN PAID'), (client) =>
      expectRejection(inquire(client, '530000000004', 'PACTINQ4'), { code: '01', kind: 'already_paid' }, 'inquiry of a paid bill'),
    ),
    inquiryCase(
      '530000000005',
      'incorrect destination number',
      'incorrect number',
      'PACTINQ5',
      inquiryFailure('530000000005', 'PACTINQ5', '14', 'INCORRECT DESTINATION NUMBER'),
      (client) => expectRejection(inquire(client, '530000000005', 'PACTINQ5'), { code: '14', kind: 'not_found' }, 'inquiry of a wrong number'),
    ),
    inquiryCase(
      '530000000001',
      'success, 1 bill',
      'duplicate ref_id',
      'PACTDUP1',
      inquiryFailure('530000000001', 'PACTDUP1', '11', 'DUPLICATE REF ID'),
      (client) => expectRejection(inquire(client, '530000000001', 'PACTDUP1'), { code: '11', kind: 'duplicate' }, 'inquiry reusing a ref_id'),
      {
        name: `test number ${PRODUCT} 530000000001 (success, 1 bill) already has an inquiry PACTDUP1`,
        params: { code: PRODUCT, hp: '530000000001', ref_id: 'PACTDUP1' },
        setup: [generationStep, { provider: 'iak', state: 'inquiry exists', params: { ref_id: 'PACTDUP1', hp: '530000000001', code: PRODUCT } }],
        requiresControl: true,
      },
    ),
    inquiryCase(
      '530000000001',
      'success, 1 bill',
      'wrong sign',
      'PACTINQ6',
      response({ response_code: '100', message: like('INVALID SIGNATURE') }),
      (client) => expectRejection(inquire(client, '530000000001', 'PACTINQ6'), { code: '100', kind: 'signature' }, 'inquiry with a wrong sign'),
      undefined,
      true,
    ),

    // pay-pasca
    payCase('530000000001', 'success, 1 bill', 'success', 'PACTPAY1', '900000101', payAnswer('530000000001', 'PACTPAY1', '900000101', '00', 'PAYMENT SUCCESS', true), async (client) => {
      const result = await client.pay({ trId: '900000101' });
      expectEqual(result.outcome, 'success', 'payment outcome');
      expectEqual(result.price, 30_250_000n, 'payment price (sen)');
    }),
    payCase('530000000007', 'payment pending', 'pending', 'PACTPAY7', '900000107', payAnswer('530000000007', 'PACTPAY7', '900000107', '39', 'PENDING / TRANSAKSI SEDANG DIPROSES', false), async (client) => {
      const result = await client.pay({ trId: '900000107' });
      expectEqual(result.outcome, 'pending', 'payment outcome of rc 39');
    }),
    payCase('530000000006', 'payment failed', 'failed', 'PACTPAY6', '900000106', payAnswer('530000000006', 'PACTPAY6', '900000106', '37', 'PAYMENT FAILED', false), (client) =>
      expectRejection(client.pay({ trId: '900000106' }), { code: '37' }, 'failed payment'),
    ),
    payCase(
      '530000000008',
      'payment misc error',
      'biller error',
      'PACTPAY8',
      '900000108',
      payAnswer('530000000008', 'PACTPAY8', '900000108', '105', 'MISC ERROR / BILLER SYSTEM ERROR', false),
      (client) => expectRejection(client.pay({ trId: '900000108' }), { code: '105' }, 'payment with a biller error'),
    ),
    payCase(
      '530000000001',
      'success, 1 bill',
      'insufficient balance',
      'PACTPAY9',
      '900000109',
      response({ tr_id: integer(900000109), ref_id: 'PACTPAY9', response_code: '17', message: like('BALANCE NOT ENOUGH') }),
      (client) => expectRejection(client.pay({ trId: '900000109' }), { code: '17', kind: 'insufficient_balance' }, 'payment without deposit'),
      [{ provider: 'iak', state: 'insufficient balance', params: {} }],
    ),

    // checkstatus
    statusCase(
      'success',
      paidInquiry('530000000001', 'PACTCS1', '900000201', 'success'),
      'PACTCS1',
      statusAnswer('530000000001', 'PACTCS1', '900000201', 1, '00', 'PAYMENT SUCCESS'),
      async (client) => {
        const result = await client.checkStatus({ refId: 'PACTCS1' });
        expectEqual(result.outcome, 'success', 'status outcome of status 1');
      },
    ),
    statusCase(
      'pending',
      paidInquiry('530000000007', 'PACTCS3', '900000203', 'pending'),
      'PACTCS3',
      statusAnswer('530000000007', 'PACTCS3', '900000203', 3, '39', 'PENDING / TRANSAKSI SEDANG DIPROSES'),
      async (client) => {
        const result = await client.checkStatus({ refId: 'PACTCS3' });
        expectEqual(result.outcome, 'pending', 'status outcome of status 3');
      },
    ),
    statusCase(
      'failed',
      paidInquiry('530000000006', 'PACTCS2', '900000202', 'failed'),
      'PACTCS2',
      statusAnswer('530000000006', 'PACTCS2', '900000202', 2, '37', 'PEMBAYARAN GAGAL'),
      async (client) => {
        const result = await client.checkStatus({ refId: 'PACTCS2' });
        expectEqual(result.outcome, 'failed', 'status outcome of status 2');
      },
    ),
    statusCase(
      'payment not received',
      unpaidInquiry('530000000001', 'success, 1 bill', 'PACTCS0', '900000200'),
      'PACTCS0',
      response({ tr_id: integer(900000200), ref_id: 'PACTCS0', status: 0, response_code: '42', message: like('REQUEST PEMBAYARAN BELUM DITERIMA') }),
      async (client) => {
        const result = await client.checkStatus({ refId: 'PACTCS0' });
        expectEqual(result.outcome, 'not_found', 'status outcome of rc 42');
      },
    ),
    statusCase(
      'unknown ref_id',
      { name: 'no inquiry PACTCS404', params: { ref_id: 'PACTCS404' }, setup: [{ provider: 'iak', state: 'no transaction', params: { ref_id: 'PACTCS404' } }], requiresControl: false },
      'PACTCS404',
      response({ ref_id: 'PACTCS404', response_code: '06', message: like('INQUIRY ID NOT FOUND') }),
      (client) => expectRejection(client.checkStatus({ refId: 'PACTCS404' }), { code: '06' }, 'status of an unknown ref_id'),
    ),

    // pricelist-pasca, all types and one type
    ...(['all', 'pln'] as const).map(
      (type): IakPactCase => ({
        provider: 'iak',
        operation: type === 'all' ? 'pricelist-pasca' : 'pricelistByType',
        outcome: 'success',
        description: type === 'all' ? 'a pricelist-pasca of every type' : 'a pricelist-pasca of type pln',
        state: { name: `product ${PRODUCT} is on the price list`, params: { code: PRODUCT }, setup: [], requiresControl: false },
        request: request('pricelist-pasca', {}, type === 'all' ? {} : { path: `${BILL_CHECK}/pln` }),
        response: response({
          pasca: eachLike({ code: PRODUCT, name: 'PLN Pascabayar', status: 1, fee: 2500, komisi: 600, type: 'pln', category: 'postpaid' }),
        }),
        async exercise(client) {
          const result = await client.pricelist(type === 'all' ? {} : { type });
          expectEqual(result.products.some((p) => p.code === PRODUCT), true, `price list includes ${PRODUCT}`);
          expectEqual(result.products[0]?.fee, 250_000n, 'first product fee (sen)');
        },
      }),
    ),

    // receipts: the JSON lines IAK's SDKs read, and the PDF the docs describe
    {
      provider: 'iak',
      operation: 'downloadReceiptJson',
      outcome: 'success',
      description: 'a receipt of tr_id 900000301 as data',
      state: paidInquiry('530000000001', 'PACTRC1', '900000301', 'success'),
      request: { method: 'GET', path: '/api/v1/download/900000301/1' },
      response: response(
        like({
          HEADER: 'STRUK PEMBAYARAN PLN Pascabayar',
          'NO. RESI': '478CAB5AC80106906C372CFCE1F4584C',
          'ID PELANGGAN': '530000000001',
          'TOTAL BAYAR': 'Rp 302.500',
        }),
      ),
      async exercise(client) {
        const result = await client.receipt({ trId: '900000301', format: 'data' });
        expectEqual(result.kind, 'data', 'receipt kind');
        if (result.kind === 'data') expectEqual(result.lines['ID PELANGGAN'], '530000000001', 'receipt customer number');
      },
    },
    {
      provider: 'iak',
      operation: 'downloadReceipt',
      outcome: 'success',
      description: 'a receipt of tr_id 900000302 as PDF',
      state: paidInquiry('530000000001', 'PACTRC2', '900000302', 'success'),
      request: { method: 'GET', path: '/api/v1/download/900000302' },
      response: { status: 200, headers: { 'Content-Type': 'application/pdf' } },
      responseBinaryFile: { contentType: 'application/pdf', file: examplePdf() },
      async exercise(client) {
        const result = await client.receipt({ trId: '900000302' });
        expectEqual(result.kind, 'pdf', 'receipt kind');
      },
    },

    // The same inquiry and payment in IAK's <mp> XML form.
    {
      provider: 'iak',
      operation: 'inq-pasca',
      outcome: 'success (XML)',
      description: 'an inq-pasca in XML for test number 530000000001 (success)',
      state: testNumber('530000000001', 'success, 1 bill'),
      clientOptions: { format: 'xml' },
      request: {
        method: 'POST',
        path: BILL_CHECK,
        headers: { 'Content-Type': XML_TYPE },
        contentType: XML_TYPE,
        body: xml((mp) =>
          mp
            .el('commands', 'inq-pasca')
            .el('username', like(CONSUMER_CREDENTIALS.iak.username))
            .el('code', PRODUCT)
            .el('hp', '530000000001')
            .el('ref_id', 'PACTXML1')
            .el('sign', regex('^[0-9a-f]{32}$', PLACEHOLDERS.iakSign)),
        ),
      },
      response: {
        status: 200,
        headers: { 'Content-Type': XML_TYPE },
        contentType: XML_TYPE,
        body: xml((mp) =>
          mp
            .el('tr_id', digits('119590800001'))
            .el('code', PRODUCT)
            .el('hp', '530000000001')
            .el('tr_name', like('SUBCRIBER NAME'))
            .el('period', like('201608'))
            .el('nominal', digits('300000'))
            .el('admin', digits('2500'))
            .el('ref_id', like('PACTXML1'))
            .el('response_code', '00')
            .el('message', like('INQUIRY SUCCESS'))
            .el('price', digits('302500'))
            .el('selling_price', digits('301900'))
            .nested('desc', (desc) => xmlDesc(desc, false)),
        ),
      },
      async exercise(client) {
        const result = await inquire(client, '530000000001', 'PACTXML1');
        expectEqual(result.outcome, 'success', 'XML inquiry outcome');
        expectEqual(result.price, 30_250_000n, 'XML inquiry price (sen)');
      },
    },
    {
      provider: 'iak',
      operation: 'pay-pasca',
      outcome: 'success (XML)',
      description: 'a pay-pasca in XML of tr_id 900000111 (success)',
      state: unpaidInquiry('530000000001', 'success, 1 bill', 'PACTXML2', '900000111'),
      clientOptions: { format: 'xml' },
      request: {
        method: 'POST',
        path: BILL_CHECK,
        headers: { 'Content-Type': XML_TYPE },
        contentType: XML_TYPE,
        body: xml((mp) =>
          mp
            .el('commands', 'pay-pasca')
            .el('username', like(CONSUMER_CREDENTIALS.iak.username))
            .el('tr_id', '900000111')
            .el('sign', regex('^[0-9a-f]{32}$', PLACEHOLDERS.iakSign)),
        ),
      },
      response: {
        status: 200,
        headers: { 'Content-Type': XML_TYPE },
        contentType: XML_TYPE,
        body: xml((mp) =>
          mp
            .el('tr_id', '900000111')
            .el('code', PRODUCT)
            .el('datetime', DATETIME)
            .el('hp', '530000000001')
            .el('tr_name', like('SUBCRIBER NAME'))
            .el('period', like('201608'))
            .el('nominal', digits('300000'))
            .el('admin', digits('2500'))
            .el('response_code', '00')
            .el('message', like('PAYMENT SUCCESS'))
            .el('price', digits('302500'))
            .el('selling_price', digits('301900'))
            .el('balance', digits('9697500'))
            .el('noref', like('478CAB5AC80106906C372CFCE1F4584C'))
            .el('ref_id', 'PACTXML2')
            .nested('desc', (desc) => xmlDesc(desc, true)),
        ),
      },
      async exercise(client) {
        const result = await client.pay({ trId: '900000111' });
        expectEqual(result.outcome, 'success', 'XML payment outcome');
      },
    },
  ];
  return cases;
}
