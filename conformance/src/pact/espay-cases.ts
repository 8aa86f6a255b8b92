import type { EspayClient } from '@billerkit/espay';
import { MatchersV3, type V3Request, type V3Response } from '@pact-foundation/pact';
import { CONSUMER_CREDENTIALS, DIGITS_PATTERN, FROZEN_RQ_DATETIME, type PactCase, type PactState, PLACEHOLDERS, RQ_DATETIME_PATTERN } from './common.js';
import { expectEqual, expectFailedOrRejected, expectRejection } from './expect.js';

const { like, regex, eachLike } = MatchersV3;

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
/** Smartfren postpaid: a bill-type product with an inquiry, as in Espay's legacy samples. */
export const ESPAY_PACT_PRODUCT = 'SPBFRE';
/** Bill of every sandbox test order (Rp 125,400) plus SPBFRE's admin fee (Rp 2,500), two implied decimals. */
const AMOUNT = '12790000';

export const ESPAY_PATHS = {
  inquiryTransaction: '/rest/biller/inquirytransaction',
  paymentReport: '/rest/biller/paymentreport',
  getTransactionInfo: '/rest/billertools/gettransactioninfo',
  getBalance: '/rest/billertools/getbalance',
  getRegisteredProducts: '/rest/billertools/getregisteredproducts',
} as const;

type Operation = keyof typeof ESPAY_PATHS;

/** Any Espay result code but `0000`: for failures whose code Espay does not document (the sandbox defines its own). */
const FAILURE_CODE = '^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{2,3})$';

// ---------------------------------------------------------------- provider states

/** The sandbox's test orders (packages/sandbox README): the order id alone decides the answers. */
function testOrder(orderId: string, title: string): PactState {
  return { name: `test order ${orderId} (${title})`, params: { order_id: orderId }, setup: [], requiresControl: false };
}

function openInquiry(orderId: string, title: string): PactState {
  return {
    name: `test order ${orderId} (${title}) has an open ${ESPAY_PACT_PRODUCT} inquiry`,
    params: { order_id: orderId, product_code: ESPAY_PACT_PRODUCT },
    setup: [{ provider: 'espay', state: 'inquiry', params: { order_id: orderId, product_code: ESPAY_PACT_PRODUCT } }],
    requiresControl: true,
  };
}

function existingTransaction(refId: string, orderId: string, status: 'success' | 'pending' | 'failed'): PactState {
  return {
    name: `transaction ${refId} of test order ${orderId} is ${status}`,
    params: { ref_id: refId, order_id: orderId, status },
    setup: [
      {
        provider: 'espay',
        state: 'transaction',
        params: { ref_id: refId, order_id: orderId, product_code: ESPAY_PACT_PRODUCT, amount: AMOUNT, status, settleTo: status === 'failed' ? 'failed' : 'success' },
      },
    ],
    requiresControl: true,
  };
}

// ---------------------------------------------------------------- request and response shapes

function request(operation: Operation, rqUuid: string, fields: Record<string, unknown>, wrong: { signature?: boolean; basic?: boolean } = {}): V3Request {
  return {
    method: 'POST',
    path: ESPAY_PATHS[operation],
    headers: {
      'Content-Type': FORM,
      Authorization: regex('^Basic [A-Za-z0-9+/=]+$', wrong.basic ? PLACEHOLDERS.wrongEspayBasic : PLACEHOLDERS.espayBasic),
    },
    contentType: FORM,
    // Matched field by field: generated and secret-derived values by pattern, the business fields exactly.
    body: {
      rq_uuid: regex('^[A-Za-z0-9._-]{1,255}$', rqUuid),
      rq_datetime: regex(RQ_DATETIME_PATTERN, FROZEN_RQ_DATETIME),
      sender_id: like(CONSUMER_CREDENTIALS.espay.senderId),
      password: like(PLACEHOLDERS.espayPassword),
      ...fields,
      signature: regex('^[0-9a-f]{64}$', wrong.signature ? PLACEHOLDERS.wrongEspaySignature : PLACEHOLDERS.espaySignature),
    },
  };
}

function envelope(rqUuid: string, code: string | ReturnType<typeof regex>, desc: unknown): Record<string, unknown> {
  return { rq_uuid: like(rqUuid), rs_datetime: regex(RQ_DATETIME_PATTERN, FROZEN_RQ_DATETIME), error_code: code, error_desc: desc };
}

function response(body: Record<string, unknown>, status = 200): V3Response {
  return { status, headers: { 'Content-Type': JSON_TYPE }, contentType: JSON_TYPE, body };
}

function billData(orderId: string, customerName: string): unknown {
  return like({
    phone_no: orderId,
    bill_total: '1',
    bill_ref: '445A412198',
    bill_amount: '000000125400',
    customer_name: customerName,
    region_code: '00',
  });
}

/** What a failed inquiry or payment looks like: the envelope and the order id, nothing else. */
function failure(rqUuid: string, orderId: string, code: string, desc: string, exactCode = true): V3Response {
  return response({ ...envelope(rqUuid, exactCode ? code : regex(FAILURE_CODE, code), like(desc)), order_id: orderId });
}

// ---------------------------------------------------------------- the cases

const success = (orderId: string, rqUuid: string, customerName: string): V3Response =>
  response({
    ...envelope(rqUuid, '0000', 'Success'),
    order_id: orderId,
    amount: regex(DIGITS_PATTERN, AMOUNT),
    bill_amount: regex(DIGITS_PATTERN, '12540000'),
    admin_fee: regex(DIGITS_PATTERN, '250000'),
    data: billData(orderId, customerName),
  });

function inquiryCase(
  outcome: string,
  orderId: string,
  title: string,
  rqUuid: string,
  answer: V3Response,
  exercise: (client: EspayClient) => Promise<void>,
  wrong: { signature?: boolean; basic?: boolean } = {},
): PactCase<EspayClient> {
  const clientOptions = wrong.signature
    ? { signatureKey: 'wrong-signature-key' }
    : wrong.basic
      ? { basicAuth: { username: 'espay-test', password: 'wrong-basic-password' } }
      : undefined;
  return {
    ...(clientOptions ? { clientOptions } : {}),
    provider: 'espay',
    operation: 'inquiryTransaction',
    outcome,
    description: `an inquiry for test order ${orderId} (${outcome})`,
    state: testOrder(orderId, title),
    request: request('inquiryTransaction', rqUuid, { order_id: orderId, product_code: ESPAY_PACT_PRODUCT }, wrong),
    response: answer,
    exercise,
  };
}

const inquire = (client: EspayClient, orderId: string, rqUuid: string) => client.inquiry({ productCode: ESPAY_PACT_PRODUCT, orderId, rqUuid });

function paymentCase(outcome: string, orderId: string, title: string, rqUuid: string, answer: V3Response, exercise: (client: EspayClient) => Promise<void>, state?: PactState): PactCase<EspayClient> {
  return {
    provider: 'espay',
    operation: 'paymentReport',
    outcome,
    description: `a payment for test order ${orderId} (${outcome})`,
    state: state ?? openInquiry(orderId, title),
    request: request('paymentReport', rqUuid, {
      order_id: orderId,
      product_code: ESPAY_PACT_PRODUCT,
      amount: AMOUNT,
      // The inquiry's data echoed back as a JSON string; only its presence and type are the contract.
      data: like('{"phone_no":"880000000000","bill_total":"1"}'),
    }),
    response: answer,
    exercise,
  };
}

const pay = (client: EspayClient, orderId: string, rqUuid: string) =>
  client.pay({
    productCode: ESPAY_PACT_PRODUCT,
    orderId,
    amount: BigInt(AMOUNT),
    data: { phone_no: orderId, bill_total: '1' },
    rqUuid,
  });

function statusCase(outcome: string, state: PactState, refId: string, rqUuid: string, answer: V3Response, exercise: (client: EspayClient) => Promise<void>): PactCase<EspayClient> {
  return {
    provider: 'espay',
    operation: 'getTransactionInfo',
    outcome,
    description: `a status inquiry for ${refId} (${outcome})`,
    state,
    request: request('getTransactionInfo', rqUuid, { ref_id: refId }),
    response: answer,
    exercise,
  };
}

const statusAnswer = (rqUuid: string, refId: string, orderId: string, desc: string) =>
  response({
    ...envelope(rqUuid, '0000', desc),
    ref_id: refId,
    order_id: orderId,
    product_code: ESPAY_PACT_PRODUCT,
    amount: regex(DIGITS_PATTERN, AMOUNT),
    data: like({ customer_id: orderId, amount: '000000127900' }),
  });

/** One interaction per operation and per outcome the sandbox's test orders document. */
export function espayCases(): PactCase<EspayClient>[] {
  return [
    // inquiryTransaction
    inquiryCase('success', '880000000000', 'Success', 'PACTINQ0001', success('880000000000', 'PACTINQ0001', 'BILLERKIT SUCCESS'), async (client) => {
      const result = await inquire(client, '880000000000', 'PACTINQ0001');
      expectEqual(result.outcome, 'success', 'inquiry outcome');
      expectEqual(result.amount, 12_790_000n, 'inquiry amount (sen)');
      expectEqual(result.adminFee, 250_000n, 'inquiry admin fee (sen)');
    }),
    inquiryCase('suspect', '880000009999', 'Inquiry suspect', 'PACTINQ0002', failure('PACTINQ0002', '880000009999', '9999', 'Suspect'), (client) =>
      expectRejection(inquire(client, '880000009999', 'PACTINQ0002'), { code: '9999' }, 'suspect inquiry'),
    ),
    inquiryCase('product denied', '880000000405', 'Product denied', 'PACTINQ0003', failure('PACTINQ0003', '880000000405', '405', 'product denied'), (client) =>
      expectRejection(inquire(client, '880000000405', 'PACTINQ0003'), { code: '405', kind: 'product' }, 'denied inquiry'),
    ),
    inquiryCase('bill not found', '880000000014', 'Bill not found', 'PACTINQ0004', failure('PACTINQ0004', '880000000014', '0014', 'Data tagihan tidak ditemukan', false), (client) =>
      expectRejection(inquire(client, '880000000014', 'PACTINQ0004'), { code: '0014' }, 'unknown customer inquiry'),
    ),
    inquiryCase('already paid', '880000000088', 'Already paid', 'PACTINQ0005', failure('PACTINQ0005', '880000000088', '0088', 'Tagihan sudah terbayar', false), (client) =>
      expectRejection(inquire(client, '880000000088', 'PACTINQ0005'), { code: '0088' }, 'paid bill inquiry'),
    ),
    inquiryCase(
      'wrong signature',
      '880000000000',
      'Success',
      'PACTINQ0006',
      failure('PACTINQ0006', '880000000000', '0011', 'Invalid signature', false),
      (client) => expectRejection(inquire(client, '880000000000', 'PACTINQ0006'), {}, 'inquiry with a wrong signature'),
      { signature: true },
    ),
    inquiryCase(
      'wrong Basic credentials',
      '880000000000',
      'Success',
      'PACTINQ0007',
      { status: 401, headers: { 'Content-Type': JSON_TYPE }, contentType: JSON_TYPE, body: { error_code: like('401'), error_desc: like('Unauthorized') } },
      (client) => expectRejection(inquire(client, '880000000000', 'PACTINQ0007'), { kind: 'auth', httpStatus: 401 }, 'inquiry with wrong Basic credentials'),
      { basic: true },
    ),

    // paymentReport
    paymentCase(
      'success',
      '880000000000',
      'Success',
      'PACTPAY0001',
      response({
        ...envelope('PACTPAY0001', '0000', 'Success'),
        order_id: '880000000000',
        ref_id: regex('^[A-Za-z0-9]{1,32}$', 'TX119590800001'),
        data: billData('880000000000', 'BILLERKIT SUCCESS'),
        mwData: like({ ftbpTraceNo: '215312' }),
        barcode_fee: like(''),
      }),
      async (client) => {
        const result = await pay(client, '880000000000', 'PACTPAY0001');
        expectEqual(result.outcome, 'success', 'payment outcome');
        expectEqual(result.refId, 'TX119590800001', 'payment ref_id');
      },
    ),
    paymentCase(
      'pending',
      '880000000010',
      'Pending, then success',
      'PACTPAY0002',
      response({
        ...envelope('PACTPAY0002', '0000', 'Inproses'),
        order_id: '880000000010',
        ref_id: regex('^[A-Za-z0-9]{1,32}$', 'TX119590800002'),
        data: billData('880000000010', 'BILLERKIT PENDING OK'),
        mwData: like({ ftbpTraceNo: '215313' }),
        barcode_fee: like(''),
      }),
      async (client) => {
        const result = await pay(client, '880000000010', 'PACTPAY0002');
        expectEqual(result.outcome, 'pending', 'payment outcome of 0000 + Inproses');
        expectEqual(result.refId, 'TX119590800002', 'payment ref_id');
      },
    ),
    paymentCase('failed', '880000000099', 'Payment failed', 'PACTPAY0003', failure('PACTPAY0003', '880000000099', '0099', 'Transaksi gagal', false), (client) =>
      expectRejection(pay(client, '880000000099', 'PACTPAY0003'), { code: '0099' }, 'failed payment'),
    ),
    paymentCase('suspect', '880000019999', 'Payment suspect', 'PACTPAY0004', failure('PACTPAY0004', '880000019999', '9999', 'Suspect'), async (client) => {
      // Suspect means "money may have moved": a pending result to confirm, never a failure to retry.
      const result = await pay(client, '880000019999', 'PACTPAY0004');
      expectEqual(result.outcome, 'pending', 'payment outcome of 9999');
      expectEqual(result.refId, undefined, 'suspect payment ref_id');
    }),
    paymentCase(
      'insufficient balance',
      '880000000800',
      'Insufficient balance',
      'PACTPAY0005',
      failure('PACTPAY0005', '880000000800', '800', 'Saldo deposit tidak mencukupi'),
      (client) => expectRejection(pay(client, '880000000800', 'PACTPAY0005'), { code: '800', kind: 'insufficient_balance' }, 'payment without deposit'),
    ),
    paymentCase(
      'duplicate rq_uuid',
      '880000000000',
      'Success',
      'PACTDUP0001',
      failure('PACTDUP0001', '880000000000', '210', 'UUID already exist'),
      (client) => expectRejection(pay(client, '880000000000', 'PACTDUP0001'), { code: '210', kind: 'duplicate' }, 'payment with a used rq_uuid'),
      {
        name: 'test order 880000000000 (Success) has an open SPBFRE inquiry and rq_uuid PACTDUP0001 was already used',
        params: { order_id: '880000000000', product_code: ESPAY_PACT_PRODUCT, rq_uuid: 'PACTDUP0001' },
        setup: [
          { provider: 'espay', state: 'inquiry', params: { order_id: '880000000000', product_code: ESPAY_PACT_PRODUCT } },
          { provider: 'espay', state: 'rq-uuid-used', params: { rq_uuid: 'PACTDUP0001' } },
        ],
        requiresControl: true,
      },
    ),
    paymentCase(
      'same transaction within 5 minutes',
      '880000000000',
      'Success',
      'PACTPAY0006',
      failure('PACTPAY0006', '880000000000', '610', 'Anda bisa melakukan transaksi yang sama setelah 5 menit'),
      (client) => expectRejection(pay(client, '880000000000', 'PACTPAY0006'), { code: '610', kind: 'throttled' }, 'repeated payment'),
      {
        name: 'test order 880000000000 (Success) was paid a moment ago',
        params: { order_id: '880000000000', product_code: ESPAY_PACT_PRODUCT },
        setup: [
          { provider: 'espay', state: 'inquiry', params: { order_id: '880000000000', product_code: ESPAY_PACT_PRODUCT } },
          {
            provider: 'espay',
            state: 'transaction',
            params: { ref_id: 'TXPACTRECENT', order_id: '880000000000', product_code: ESPAY_PACT_PRODUCT, amount: AMOUNT, status: 'success' },
          },
        ],
        requiresControl: true,
      },
    ),

    // getTransactionInfo
    statusCase(
      'success',
      existingTransaction('TXPACT0001', '880000000000', 'success'),
      'TXPACT0001',
      'PACTSTS0001',
      statusAnswer('PACTSTS0001', 'TXPACT0001', '880000000000', 'Success'),
      async (client) => {
        const result = await client.transactionInfo({ refId: 'TXPACT0001', rqUuid: 'PACTSTS0001' });
        expectEqual(result.outcome, 'success', 'status outcome');
        expectEqual(result.amount, 12_790_000n, 'status amount (sen)');
      },
    ),
    statusCase(
      'pending',
      existingTransaction('TXPACT0002', '880000000010', 'pending'),
      'TXPACT0002',
      'PACTSTS0002',
      statusAnswer('PACTSTS0002', 'TXPACT0002', '880000000010', 'Inproses'),
      async (client) => {
        const result = await client.transactionInfo({ refId: 'TXPACT0002', rqUuid: 'PACTSTS0002' });
        expectEqual(result.outcome, 'pending', 'status outcome of 0000 + Inproses');
      },
    ),
    statusCase(
      'failed',
      existingTransaction('TXPACT0003', '880000000011', 'failed'),
      'TXPACT0003',
      'PACTSTS0003',
      failure('PACTSTS0003', '880000000011', '0099', 'Transaksi gagal', false),
      async (client) => {
        // A failed payment is an answer about the payment, not a failed lookup.
        const result = await client.transactionInfo({ refId: 'TXPACT0003', rqUuid: 'PACTSTS0003' });
        expectEqual(result.outcome, 'failed', 'status outcome of a failed payment');
      },
    ),
    statusCase(
      'not found',
      { name: 'no transaction TXPACT0404', params: { ref_id: 'TXPACT0404' }, setup: [], requiresControl: false },
      'TXPACT0404',
      'PACTSTS0004',
      response({ ...envelope('PACTSTS0004', regex(FAILURE_CODE, '0014'), like('Transaksi tidak ditemukan')) }),
      (client) => expectFailedOrRejected(client.transactionInfo({ refId: 'TXPACT0404', rqUuid: 'PACTSTS0004' }), '0014', 'status of an unknown ref_id'),
    ),

    // getBalance
    {
      provider: 'espay',
      operation: 'getBalance',
      outcome: 'success',
      description: 'a deposit balance inquiry',
      state: {
        name: 'the merchant has a deposit',
        params: {},
        setup: [{ provider: 'espay', state: 'balance', params: { balanceMinor: '1000000000' } }],
        requiresControl: false,
      },
      request: request('getBalance', 'PACTBAL0001', {}),
      response: response({ ...envelope('PACTBAL0001', '0000', 'Success'), balance: regex('^-?[0-9]+\\.[0-9]{2}$', '10000000.00') }),
      async exercise(client) {
        const result = await client.balance({ rqUuid: 'PACTBAL0001' });
        expectEqual(result.balance, 1_000_000_000n, 'balance (sen)');
      },
    },

    // getRegisteredProducts
    {
      provider: 'espay',
      operation: 'getRegisteredProducts',
      outcome: 'success',
      description: 'a registered products inquiry',
      state: { name: `product ${ESPAY_PACT_PRODUCT} is registered`, params: { product_code: ESPAY_PACT_PRODUCT }, setup: [], requiresControl: false },
      request: request('getRegisteredProducts', 'PACTPRD0001', {}),
      response: response({ ...envelope('PACTPRD0001', '0000', 'Success'), product: eachLike(ESPAY_PACT_PRODUCT) }),
      async exercise(client) {
        const result = await client.registeredProducts({ rqUuid: 'PACTPRD0001' });
        expectEqual(result.products.includes(ESPAY_PACT_PRODUCT), true, `registered products include ${ESPAY_PACT_PRODUCT}`);
      },
    },
  ];
}
