import type { EspayClient } from '@billerkit/espay';
import { type EspayRequestOptions, espayAnswers, espayInteraction, espayStates } from '@billerkit/pact';
import type { EspayOperationId } from '@billerkit/signing';
import type { V3Response } from '@pact-foundation/pact';
import type { PactCase } from './common.js';
import { expectEqual, expectFailedOrRejected, expectRejection } from './expect.js';

/** Smartfren postpaid: a bill-type product with an inquiry, as in Espay's legacy samples. */
export const ESPAY_PACT_PRODUCT = 'SPBFRE';
/** Bill of every sandbox test order (Rp 125,400) plus SPBFRE's admin fee (Rp 2,500), two implied decimals. */
const AMOUNT = '12790000';

type EspayCase = PactCase<EspayClient>;
type Exercise = (client: EspayClient) => Promise<void>;

const billData = (orderId: string, customerName: string) => ({
  phone_no: orderId,
  bill_total: '1',
  bill_ref: '445A412198',
  bill_amount: '000000125400',
  customer_name: customerName,
  region_code: '00',
});

function espayCase(
  operation: EspayOperationId,
  description: string,
  outcome: string,
  state: ReturnType<(typeof espayStates)[keyof typeof espayStates]>,
  rqUuid: string,
  fields: Record<string, string>,
  response: V3Response,
  exercise: Exercise,
  request: EspayRequestOptions = {},
): EspayCase {
  const clientOptions = request.wrongSignature
    ? { signatureKey: 'wrong-signature-key' }
    : request.wrongBasic
      ? { basicAuth: { username: 'espay-test', password: 'wrong-basic-password' } }
      : undefined;
  return {
    interaction: espayInteraction({ operation, description, state, rqUuid, fields, request, response }),
    outcome,
    ...(clientOptions ? { clientOptions } : {}),
    exercise,
  };
}

const inquiryFields = (orderId: string) => ({ order_id: orderId, product_code: ESPAY_PACT_PRODUCT });
// The inquiry's data echoed back as a JSON string; only its presence and type are the contract.
const paymentFields = (orderId: string) => ({
  ...inquiryFields(orderId),
  amount: AMOUNT,
  data: '{"phone_no":"880000000000","bill_total":"1"}',
});
const PAYMENT_REQUEST: EspayRequestOptions = { loose: ['data'] };

function inquiryCase(
  outcome: string,
  orderId: string,
  rqUuid: string,
  answer: V3Response,
  exercise: Exercise,
  request: EspayRequestOptions = {},
): EspayCase {
  const description = `an inquiry for test order ${orderId} (${outcome})`;
  return espayCase(
    'inquiryTransaction',
    description,
    outcome,
    espayStates.testOrder({ orderId }),
    rqUuid,
    inquiryFields(orderId),
    answer,
    exercise,
    request,
  );
}

function paymentCase(
  outcome: string,
  orderId: string,
  rqUuid: string,
  answer: V3Response,
  exercise: Exercise,
  state = espayStates.openInquiry({ orderId, productCode: ESPAY_PACT_PRODUCT }),
): EspayCase {
  return espayCase(
    'paymentReport',
    `a payment for test order ${orderId} (${outcome})`,
    outcome,
    state,
    rqUuid,
    paymentFields(orderId),
    answer,
    exercise,
    PAYMENT_REQUEST,
  );
}

function statusCase(
  outcome: string,
  state: EspayCase['interaction']['state'],
  refId: string,
  rqUuid: string,
  answer: V3Response,
  exercise: Exercise,
): EspayCase {
  return espayCase(
    'getTransactionInfo',
    `a status inquiry for ${refId} (${outcome})`,
    outcome,
    state,
    rqUuid,
    { ref_id: refId },
    answer,
    exercise,
  );
}

const inquire = (client: EspayClient, orderId: string, rqUuid: string) =>
  client.inquiry({ productCode: ESPAY_PACT_PRODUCT, orderId, rqUuid });
const pay = (client: EspayClient, orderId: string, rqUuid: string) =>
  client.pay({ productCode: ESPAY_PACT_PRODUCT, orderId, amount: BigInt(AMOUNT), data: { phone_no: orderId, bill_total: '1' }, rqUuid });

const failure = (operation: EspayOperationId, rqUuid: string, orderId: string | undefined, code: string, desc: string, exactCode = true) =>
  espayAnswers.failure(operation, { rqUuid, code, desc, ...(orderId !== undefined ? { orderId } : {}), exactCode });
const transaction = (refId: string, orderId: string, status: 'success' | 'pending' | 'failed') =>
  espayStates.transaction({ refId, orderId, productCode: ESPAY_PACT_PRODUCT, amount: AMOUNT, status });
const paid = (rqUuid: string, orderId: string, refId: string, name: string, trace: string, pending = false) =>
  espayAnswers.paymentSuccess({
    rqUuid,
    orderId,
    refId,
    data: billData(orderId, name),
    pending,
    extra: { mwData: { ftbpTraceNo: trace }, barcode_fee: '' },
  });
const statusAnswer = (rqUuid: string, refId: string, orderId: string, pending: boolean) =>
  espayAnswers.transactionInfo({
    rqUuid,
    refId,
    orderId,
    productCode: ESPAY_PACT_PRODUCT,
    amount: AMOUNT,
    pending,
    data: { customer_id: orderId, amount: '000000127900' },
  });

function inquiryCases(): EspayCase[] {
  const success = espayAnswers.inquirySuccess({
    rqUuid: 'PACTINQ0001',
    orderId: '880000000000',
    amount: AMOUNT,
    billAmount: '12540000',
    adminFee: '250000',
    data: billData('880000000000', 'BILLERKIT SUCCESS'),
  });
  const fail = (rqUuid: string, orderId: string, code: string, desc: string, exactCode = true) =>
    failure('inquiryTransaction', rqUuid, orderId, code, desc, exactCode);
  return [
    inquiryCase('success', '880000000000', 'PACTINQ0001', success, async (client) => {
      const result = await inquire(client, '880000000000', 'PACTINQ0001');
      expectEqual(result.outcome, 'success', 'inquiry outcome');
      expectEqual(result.amount, 12_790_000n, 'inquiry amount (sen)');
      expectEqual(result.adminFee, 250_000n, 'inquiry admin fee (sen)');
    }),
    inquiryCase('suspect', '880000009999', 'PACTINQ0002', fail('PACTINQ0002', '880000009999', '9999', 'Suspect'), (client) =>
      expectRejection(inquire(client, '880000009999', 'PACTINQ0002'), { code: '9999' }, 'suspect inquiry'),
    ),
    inquiryCase('product denied', '880000000405', 'PACTINQ0003', fail('PACTINQ0003', '880000000405', '405', 'product denied'), (client) =>
      expectRejection(inquire(client, '880000000405', 'PACTINQ0003'), { code: '405', kind: 'product' }, 'denied inquiry'),
    ),
    inquiryCase(
      'bill not found',
      '880000000014',
      'PACTINQ0004',
      fail('PACTINQ0004', '880000000014', '0014', 'Data tagihan tidak ditemukan', false),
      (client) => expectRejection(inquire(client, '880000000014', 'PACTINQ0004'), { code: '0014' }, 'unknown customer inquiry'),
    ),
    inquiryCase(
      'already paid',
      '880000000088',
      'PACTINQ0005',
      fail('PACTINQ0005', '880000000088', '0088', 'Tagihan sudah terbayar', false),
      (client) => expectRejection(inquire(client, '880000000088', 'PACTINQ0005'), { code: '0088' }, 'paid bill inquiry'),
    ),
    inquiryCase(
      'wrong signature',
      '880000000000',
      'PACTINQ0006',
      fail('PACTINQ0006', '880000000000', '0011', 'Invalid signature', false),
      (client) => expectRejection(inquire(client, '880000000000', 'PACTINQ0006'), { kind: 'signature' }, 'inquiry with a wrong signature'),
      { wrongSignature: true },
    ),
    inquiryCase(
      'wrong Basic credentials',
      '880000000000',
      'PACTINQ0007',
      espayAnswers.unauthorized(),
      (client) =>
        expectRejection(
          inquire(client, '880000000000', 'PACTINQ0007'),
          { kind: 'auth', httpStatus: 401 },
          'inquiry with wrong Basic credentials',
        ),
      { wrongBasic: true },
    ),
  ];
}

function paymentCases(): EspayCase[] {
  const fail = (rqUuid: string, orderId: string, code: string, desc: string, exactCode = true) =>
    failure('paymentReport', rqUuid, orderId, code, desc, exactCode);
  return [
    paymentCase(
      'success',
      '880000000000',
      'PACTPAY0001',
      paid('PACTPAY0001', '880000000000', 'TX119590800001', 'BILLERKIT SUCCESS', '215312'),
      async (client) => {
        const result = await pay(client, '880000000000', 'PACTPAY0001');
        expectEqual(result.outcome, 'success', 'payment outcome');
        expectEqual(result.refId, 'TX119590800001', 'payment ref_id');
      },
    ),
    paymentCase(
      'pending',
      '880000000010',
      'PACTPAY0002',
      paid('PACTPAY0002', '880000000010', 'TX119590800002', 'BILLERKIT PENDING OK', '215313', true),
      async (client) => {
        const result = await pay(client, '880000000010', 'PACTPAY0002');
        expectEqual(result.outcome, 'pending', 'payment outcome of 0000 + Inproses');
        expectEqual(result.refId, 'TX119590800002', 'payment ref_id');
      },
    ),
    paymentCase('failed', '880000000099', 'PACTPAY0003', fail('PACTPAY0003', '880000000099', '0099', 'Transaksi gagal', false), (client) =>
      expectRejection(pay(client, '880000000099', 'PACTPAY0003'), { code: '0099' }, 'failed payment'),
    ),
    paymentCase('suspect', '880000019999', 'PACTPAY0004', fail('PACTPAY0004', '880000019999', '9999', 'Suspect'), async (client) => {
      // Suspect means "money may have moved": a pending result to confirm, never a failure to retry.
      const result = await pay(client, '880000019999', 'PACTPAY0004');
      expectEqual(result.outcome, 'pending', 'payment outcome of 9999');
      expectEqual(result.refId, undefined, 'suspect payment ref_id');
    }),
    paymentCase(
      'insufficient balance',
      '880000000800',
      'PACTPAY0005',
      fail('PACTPAY0005', '880000000800', '800', 'Saldo deposit tidak mencukupi'),
      (client) =>
        expectRejection(
          pay(client, '880000000800', 'PACTPAY0005'),
          { code: '800', kind: 'insufficient_balance' },
          'payment without deposit',
        ),
    ),
    paymentCase(
      'duplicate rq_uuid',
      '880000000000',
      'PACTDUP0001',
      fail('PACTDUP0001', '880000000000', '210', 'UUID already exist'),
      (client) =>
        expectRejection(pay(client, '880000000000', 'PACTDUP0001'), { code: '210', kind: 'duplicate' }, 'payment with a used rq_uuid'),
      espayStates.usedRqUuid({ orderId: '880000000000', productCode: ESPAY_PACT_PRODUCT, rqUuid: 'PACTDUP0001' }),
    ),
    paymentCase(
      'same transaction within 5 minutes',
      '880000000000',
      'PACTPAY0006',
      fail('PACTPAY0006', '880000000000', '610', 'Anda bisa melakukan transaksi yang sama setelah 5 menit'),
      (client) => expectRejection(pay(client, '880000000000', 'PACTPAY0006'), { code: '610', kind: 'throttled' }, 'repeated payment'),
      espayStates.recentlyPaid({ orderId: '880000000000', productCode: ESPAY_PACT_PRODUCT, amount: AMOUNT }),
    ),
  ];
}

function statusCases(): EspayCase[] {
  return [
    statusCase(
      'success',
      transaction('TXPACT0001', '880000000000', 'success'),
      'TXPACT0001',
      'PACTSTS0001',
      statusAnswer('PACTSTS0001', 'TXPACT0001', '880000000000', false),
      async (client) => {
        const result = await client.transactionInfo({ refId: 'TXPACT0001', rqUuid: 'PACTSTS0001' });
        expectEqual(result.outcome, 'success', 'status outcome');
        expectEqual(result.amount, 12_790_000n, 'status amount (sen)');
      },
    ),
    statusCase(
      'pending',
      transaction('TXPACT0002', '880000000010', 'pending'),
      'TXPACT0002',
      'PACTSTS0002',
      statusAnswer('PACTSTS0002', 'TXPACT0002', '880000000010', true),
      async (client) => {
        const result = await client.transactionInfo({ refId: 'TXPACT0002', rqUuid: 'PACTSTS0002' });
        expectEqual(result.outcome, 'pending', 'status outcome of 0000 + Inproses');
      },
    ),
    statusCase(
      'failed',
      transaction('TXPACT0003', '880000000011', 'failed'),
      'TXPACT0003',
      'PACTSTS0003',
      failure('getTransactionInfo', 'PACTSTS0003', '880000000011', '0099', 'Transaksi gagal', false),
      async (client) => {
        // A failed payment is an answer about the payment, not a failed lookup.
        const result = await client.transactionInfo({ refId: 'TXPACT0003', rqUuid: 'PACTSTS0003' });
        expectEqual(result.outcome, 'failed', 'status outcome of a failed payment');
      },
    ),
    statusCase(
      'not found',
      espayStates.noTransaction({ refId: 'TXPACT0404' }),
      'TXPACT0404',
      'PACTSTS0004',
      failure('getTransactionInfo', 'PACTSTS0004', undefined, '0014', 'Transaksi tidak ditemukan', false),
      (client) =>
        expectFailedOrRejected(
          client.transactionInfo({ refId: 'TXPACT0404', rqUuid: 'PACTSTS0004' }),
          '0014',
          'status of an unknown ref_id',
        ),
    ),
  ];
}

/** One interaction per operation and per outcome the sandbox's test orders document. */
export function espayCases(): EspayCase[] {
  return [
    ...inquiryCases(),
    ...paymentCases(),
    ...statusCases(),
    espayCase(
      'getBalance',
      'a deposit balance inquiry',
      'success',
      espayStates.deposit({ balanceMinor: '1000000000' }),
      'PACTBAL0001',
      {},
      espayAnswers.balance({ rqUuid: 'PACTBAL0001', balance: '10000000.00' }),
      async (client) => {
        const result = await client.balance({ rqUuid: 'PACTBAL0001' });
        expectEqual(result.balance, 1_000_000_000n, 'balance (sen)');
      },
    ),
    espayCase(
      'getRegisteredProducts',
      'a registered products inquiry',
      'success',
      espayStates.registeredProduct({ productCode: ESPAY_PACT_PRODUCT }),
      'PACTPRD0001',
      {},
      espayAnswers.registeredProducts({ rqUuid: 'PACTPRD0001', products: [ESPAY_PACT_PRODUCT] }),
      async (client) => {
        const result = await client.registeredProducts({ rqUuid: 'PACTPRD0001' });
        expectEqual(result.products.includes(ESPAY_PACT_PRODUCT), true, `registered products include ${ESPAY_PACT_PRODUCT}`);
      },
    ),
  ];
}
