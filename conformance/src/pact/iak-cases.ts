import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IakClient } from '@billerkit/iak';
import { type IakFormat, iakAnswer, iakInteraction, iakReceiptInteraction, iakStates, type ProviderState } from '@billerkit/pact';
import type { IakCommand } from '@billerkit/signing';
import type { V3Response } from '@pact-foundation/pact';
import type { PactCase } from './common.js';
import { expectEqual, expectRejection } from './expect.js';

const PRODUCT = 'PLNPOSTPAID';
const INQUIRY_TR_ID = 119590800001;

export type IakPactCase = PactCase<IakClient>;
type Exercise = (client: IakClient) => Promise<void>;

/** The bill of a 1-bill PLN test number, as every inquiry, payment and status answer describes it. */
function bill(hp: string, paid = false): Record<string, unknown> {
  const detail = {
    ...(paid ? { meter_awal: '00080000', meter_akhir: '00080000' } : {}),
    periode: '201608',
    nilai_tagihan: '300000',
    admin: '2500',
    denda: '0',
    total: 302500,
  };
  return {
    code: PRODUCT,
    hp,
    tr_name: 'SUBCRIBER NAME',
    period: '201608',
    nominal: 300000,
    admin: 2500,
    price: 302500,
    selling_price: 301900,
    desc: { tarif: 'R1', daya: 1300, lembar_tagihan: '1', ...(paid ? { lembar_tagihan_sisa: '0' } : {}), tagihan: { detail: [detail] } },
  };
}

const testNumber = (hp: string) => iakStates.testNumber({ code: PRODUCT, hp });
const unpaid = (hp: string, refId: string, trId: string) => iakStates.unpaidInquiry({ code: PRODUCT, hp, refId, trId });
const paidState = (hp: string, refId: string, trId: string, status: 'success' | 'pending' | 'failed') =>
  iakStates.payment({ code: PRODUCT, hp, refId, trId, status });

function iakCase(
  command: IakCommand,
  description: string,
  outcome: string,
  state: ProviderState,
  fields: Record<string, string>,
  response: V3Response,
  exercise: Exercise,
  format: IakFormat = 'json',
): IakPactCase {
  return {
    interaction: iakInteraction({ command, description, state, fields, response, request: { format } }),
    outcome,
    ...(format === 'xml' ? { clientOptions: { format: 'xml' } } : {}),
    exercise,
  };
}

const inquire = (client: IakClient, hp: string, refId: string) => client.inquiry({ code: PRODUCT, hp, refId });
const inquiryFields = (hp: string, refId: string) => ({ code: PRODUCT, hp, ref_id: refId });
// The answer echoes ref_id, code and hp exactly. Against a host without provider states the verifier sends
// a fresh ref_id (IAK refuses a repeated one); there the stage matches ref_id by type and compares the
// echo with the request actually sent.
const inquirySuccess = (hp: string, refId: string, format: IakFormat = 'json') =>
  iakAnswer(
    'inq-pasca',
    { tr_id: INQUIRY_TR_ID, ...bill(hp), ref_id: refId, response_code: '00', message: 'INQUIRY SUCCESS' },
    { format, exact: ['code', 'hp', 'ref_id'] },
  );
const inquiryFailure = (hp: string, refId: string, code: string, text: string) =>
  iakAnswer('inq-pasca', { code: PRODUCT, hp, ref_id: refId, response_code: code, message: text }, { exact: ['code', 'hp', 'ref_id'] });

function inquiryCases(): IakPactCase[] {
  const inquiryCase = (
    hp: string,
    outcome: string,
    refId: string,
    answer: V3Response,
    exercise: Exercise,
    state: ProviderState = testNumber(hp),
  ) => iakCase('inq-pasca', `an inq-pasca for test number ${hp} (${outcome})`, outcome, state, inquiryFields(hp, refId), answer, exercise);
  const wrongSign: IakPactCase = {
    interaction: iakInteraction({
      command: 'inq-pasca',
      description: 'an inq-pasca for test number 530000000001 (wrong sign)',
      state: testNumber('530000000001'),
      fields: inquiryFields('530000000001', 'PACTINQ6'),
      request: { wrongSign: true },
      response: iakAnswer('inq-pasca', { response_code: '100', message: 'INVALID SIGNATURE' }),
    }),
    outcome: 'wrong sign',
    clientOptions: { apiKey: 'wrong-iak-api-key' },
    exercise: (client) =>
      expectRejection(inquire(client, '530000000001', 'PACTINQ6'), { code: '100', kind: 'signature' }, 'inquiry with a wrong sign'),
  };
  return [
    inquiryCase('530000000001', 'success', 'PACTINQ1', inquirySuccess('530000000001', 'PACTINQ1'), async (client) => {
      const result = await inquire(client, '530000000001', 'PACTINQ1');
      expectEqual(result.outcome, 'success', 'inquiry outcome');
      expectEqual(result.trId, '119590800001', 'inquiry tr_id');
      expectEqual(result.price, 30_250_000n, 'inquiry price (sen)');
    }),
    inquiryCase('530000000003', 'timeout', 'PACTINQ3', inquiryFailure('530000000003', 'PACTINQ3', '103', 'TIMEOUT'), (client) =>
      expectRejection(inquire(client, '530000000003', 'PACTINQ3'), { code: '103', kind: 'timeout' }, 'inquiry timing out'),
    ),
    inquiryCase(
      '530000000004',
      'already paid',
      'PACTINQ4',
      inquiryFailure('530000000004', 'PACTINQ4', '01', 'INVOICE HAS BEEN PAID'),
      (client) =>
        expectRejection(inquire(client, '530000000004', 'PACTINQ4'), { code: '01', kind: 'already_paid' }, 'inquiry of a paid bill'),
    ),
    inquiryCase(
      '530000000005',
      'incorrect number',
      'PACTINQ5',
      inquiryFailure('530000000005', 'PACTINQ5', '14', 'INCORRECT DESTINATION NUMBER'),
      (client) =>
        expectRejection(inquire(client, '530000000005', 'PACTINQ5'), { code: '14', kind: 'not_found' }, 'inquiry of a wrong number'),
    ),
    inquiryCase(
      '530000000001',
      'duplicate ref_id',
      'PACTDUP1',
      inquiryFailure('530000000001', 'PACTDUP1', '11', 'DUPLICATE REF ID'),
      (client) =>
        expectRejection(inquire(client, '530000000001', 'PACTDUP1'), { code: '11', kind: 'duplicate' }, 'inquiry reusing a ref_id'),
      iakStates.existingInquiry({ code: PRODUCT, hp: '530000000001', refId: 'PACTDUP1' }),
    ),
    wrongSign,
  ];
}

function payAnswer(
  hp: string,
  refId: string,
  trId: string,
  code: string,
  message: string,
  paid: boolean,
  format: IakFormat = 'json',
): V3Response {
  return iakAnswer(
    'pay-pasca',
    {
      tr_id: Number(trId),
      datetime: '20250101100000',
      ...bill(hp, paid && format === 'xml'),
      ref_id: refId,
      response_code: code,
      message,
      balance: 9697500,
      ...(paid ? { noref: '478CAB5AC80106906C372CFCE1F4584C' } : {}),
    },
    { format, exact: ['code', 'hp', 'ref_id', 'tr_id'] },
  );
}

function paymentCases(): IakPactCase[] {
  const payCase = (
    hp: string,
    outcome: string,
    refId: string,
    trId: string,
    answer: V3Response,
    exercise: Exercise,
    state: ProviderState = unpaid(hp, refId, trId),
  ) => iakCase('pay-pasca', `a pay-pasca of tr_id ${trId} (${outcome})`, outcome, state, { tr_id: trId }, answer, exercise);
  return [
    payCase(
      '530000000001',
      'success',
      'PACTPAY1',
      '900000101',
      payAnswer('530000000001', 'PACTPAY1', '900000101', '00', 'PAYMENT SUCCESS', true),
      async (client) => {
        const result = await client.pay({ trId: '900000101' });
        expectEqual(result.outcome, 'success', 'payment outcome');
        expectEqual(result.price, 30_250_000n, 'payment price (sen)');
      },
    ),
    payCase(
      '530000000007',
      'pending',
      'PACTPAY7',
      '900000107',
      payAnswer('530000000007', 'PACTPAY7', '900000107', '39', 'PENDING / TRANSAKSI SEDANG DIPROSES', false),
      async (client) => {
        const result = await client.pay({ trId: '900000107' });
        expectEqual(result.outcome, 'pending', 'payment outcome of rc 39');
      },
    ),
    payCase(
      '530000000006',
      'failed',
      'PACTPAY6',
      '900000106',
      payAnswer('530000000006', 'PACTPAY6', '900000106', '37', 'PAYMENT FAILED', false),
      (client) => expectRejection(client.pay({ trId: '900000106' }), { code: '37' }, 'failed payment'),
    ),
    payCase(
      '530000000008',
      'biller error',
      'PACTPAY8',
      '900000108',
      payAnswer('530000000008', 'PACTPAY8', '900000108', '105', 'MISC ERROR / BILLER SYSTEM ERROR', false),
      (client) => expectRejection(client.pay({ trId: '900000108' }), { code: '105' }, 'payment with a biller error'),
    ),
    payCase(
      '530000000001',
      'insufficient balance',
      'PACTPAY9',
      '900000109',
      iakAnswer(
        'pay-pasca',
        { tr_id: 900000109, ref_id: 'PACTPAY9', response_code: '17', message: 'BALANCE NOT ENOUGH' },
        { exact: ['ref_id'] },
      ),
      (client) =>
        expectRejection(client.pay({ trId: '900000109' }), { code: '17', kind: 'insufficient_balance' }, 'payment without deposit'),
      iakStates.unpaidInquiryLowBalance({ code: PRODUCT, hp: '530000000001', refId: 'PACTPAY9', trId: '900000109' }),
    ),
  ];
}

function statusAnswer(hp: string, refId: string, trId: string, status: number, code: string, message: string): V3Response {
  return iakAnswer(
    'checkstatus',
    {
      tr_id: Number(trId),
      ...(status === 1 ? { datetime: '20250101100000', noref: '478CAB5AC80106906C372CFCE1F4584C' } : {}),
      ...bill(hp),
      ref_id: refId,
      status,
      response_code: code,
      message,
      balance: 10000000,
    },
    { exact: ['code', 'hp', 'ref_id'] },
  );
}

function statusCases(): IakPactCase[] {
  const statusCase = (outcome: string, state: ProviderState, refId: string, answer: V3Response, exercise: Exercise) =>
    iakCase('checkstatus', `a checkstatus of ref_id ${refId} (${outcome})`, outcome, state, { ref_id: refId }, answer, exercise);
  const expectOutcome = (refId: string, outcome: string, what: string) => async (client: IakClient) => {
    const result = await client.checkStatus({ refId });
    expectEqual(result.outcome, outcome, what);
  };
  return [
    statusCase(
      'success',
      paidState('530000000001', 'PACTCS1', '900000201', 'success'),
      'PACTCS1',
      statusAnswer('530000000001', 'PACTCS1', '900000201', 1, '00', 'PAYMENT SUCCESS'),
      expectOutcome('PACTCS1', 'success', 'status outcome of status 1'),
    ),
    statusCase(
      'pending',
      paidState('530000000007', 'PACTCS3', '900000203', 'pending'),
      'PACTCS3',
      statusAnswer('530000000007', 'PACTCS3', '900000203', 3, '39', 'PENDING / TRANSAKSI SEDANG DIPROSES'),
      expectOutcome('PACTCS3', 'pending', 'status outcome of status 3'),
    ),
    statusCase(
      'failed',
      paidState('530000000006', 'PACTCS2', '900000202', 'failed'),
      'PACTCS2',
      statusAnswer('530000000006', 'PACTCS2', '900000202', 2, '37', 'PEMBAYARAN GAGAL'),
      expectOutcome('PACTCS2', 'failed', 'status outcome of status 2'),
    ),
    statusCase(
      'payment not received',
      unpaid('530000000001', 'PACTCS0', '900000200'),
      'PACTCS0',
      iakAnswer(
        'checkstatus',
        { tr_id: 900000200, ref_id: 'PACTCS0', status: 0, response_code: '42', message: 'REQUEST PEMBAYARAN BELUM DITERIMA' },
        { exact: ['ref_id'] },
      ),
      expectOutcome('PACTCS0', 'not_found', 'status outcome of rc 42'),
    ),
    statusCase(
      'unknown ref_id',
      iakStates.noInquiry({ refId: 'PACTCS404' }),
      'PACTCS404',
      iakAnswer('checkstatus', { ref_id: 'PACTCS404', response_code: '06', message: 'INQUIRY ID NOT FOUND' }, { exact: ['ref_id'] }),
      (client) => expectRejection(client.checkStatus({ refId: 'PACTCS404' }), { code: '06' }, 'status of an unknown ref_id'),
    ),
  ];
}

function pricelistCase(type: 'all' | 'pln'): IakPactCase {
  const item = { code: PRODUCT, name: 'PLN Pascabayar', status: 1, fee: 2500, komisi: 600, type: 'pln', category: 'postpaid' };
  return {
    interaction: iakInteraction({
      command: 'pricelist-pasca',
      operation: type === 'all' ? 'pricelist-pasca' : 'pricelistByType',
      description: type === 'all' ? 'a pricelist-pasca of every type' : 'a pricelist-pasca of type pln',
      state: iakStates.pricelistProduct({ code: PRODUCT }),
      request: type === 'all' ? {} : { type },
      response: iakAnswer('pricelist-pasca', { pasca: [item] }),
    }),
    outcome: 'success',
    async exercise(client) {
      const result = await client.pricelist(type === 'all' ? {} : { type });
      expectEqual(
        result.products.some((p) => p.code === PRODUCT),
        true,
        `price list includes ${PRODUCT}`,
      );
      expectEqual(result.products[0]?.fee, 250_000n, 'first product fee (sen)');
    },
  };
}

/** A tiny, valid-looking PDF: Pact stores it in the pact and matches the provider's receipt by content type. */
function examplePdf(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'billerkit-pact-pdf-')), 'receipt.pdf');
  writeFileSync(file, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  return file;
}

function receiptCases(): IakPactCase[] {
  const lines = {
    HEADER: 'STRUK PEMBAYARAN PLN Pascabayar',
    'NO. RESI': '478CAB5AC80106906C372CFCE1F4584C',
    'ID PELANGGAN': '530000000001',
    'TOTAL BAYAR': 'Rp 302.500',
  };
  return [
    {
      interaction: iakReceiptInteraction({
        description: 'a receipt of tr_id 900000301 as data',
        state: paidState('530000000001', 'PACTRC1', '900000301', 'success'),
        trId: '900000301',
        format: 'data',
        lines,
      }),
      outcome: 'success',
      async exercise(client) {
        const result = await client.receipt({ trId: '900000301', format: 'data' });
        expectEqual(result.kind, 'data', 'receipt kind');
        if (result.kind === 'data') expectEqual(result.lines['ID PELANGGAN'], '530000000001', 'receipt customer number');
      },
    },
    {
      interaction: iakReceiptInteraction({
        description: 'a receipt of tr_id 900000302 as PDF',
        state: paidState('530000000001', 'PACTRC2', '900000302', 'success'),
        trId: '900000302',
        format: 'pdf',
        pdfFile: examplePdf(),
      }),
      outcome: 'success',
      async exercise(client) {
        const result = await client.receipt({ trId: '900000302' });
        expectEqual(result.kind, 'pdf', 'receipt kind');
      },
    },
  ];
}

/** The same inquiry and payment in IAK's `<mp>` XML form. */
function xmlCases(): IakPactCase[] {
  return [
    iakCase(
      'inq-pasca',
      'an inq-pasca in XML for test number 530000000001 (success)',
      'success (XML)',
      testNumber('530000000001'),
      inquiryFields('530000000001', 'PACTXML1'),
      inquirySuccess('530000000001', 'PACTXML1', 'xml'),
      async (client) => {
        const result = await inquire(client, '530000000001', 'PACTXML1');
        expectEqual(result.outcome, 'success', 'XML inquiry outcome');
        expectEqual(result.price, 30_250_000n, 'XML inquiry price (sen)');
      },
      'xml',
    ),
    iakCase(
      'pay-pasca',
      'a pay-pasca in XML of tr_id 900000111 (success)',
      'success (XML)',
      unpaid('530000000001', 'PACTXML2', '900000111'),
      { tr_id: '900000111' },
      payAnswer('530000000001', 'PACTXML2', '900000111', '00', 'PAYMENT SUCCESS', true, 'xml'),
      async (client) => {
        const result = await client.pay({ trId: '900000111' });
        expectEqual(result.outcome, 'success', 'XML payment outcome');
      },
      'xml',
    ),
  ];
}

/** One interaction per IAK command and per outcome its published test numbers (and response codes) document. */
export function iakCases(): IakPactCase[] {
  return [
    ...inquiryCases(),
    ...paymentCases(),
    ...statusCases(),
    pricelistCase('all'),
    pricelistCase('pln'),
    ...receiptCases(),
    ...xmlCases(),
  ];
}
