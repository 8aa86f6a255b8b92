/**
 * The Espay operations, one function each, taking a connection from `createEspayConnection`. A bundler
 * keeps only the ones an application imports (an inquiry-only bundle carries no payment engine);
 * `createEspayClient` binds them all to one connection.
 *
 * The generated code (`src/generated`) is the typed contract: its request types shape every body, its
 * `url` types pin each operation's path (`connection.ts`), and a test proves that the request sent here is
 * byte for byte the one the generated SDK builds (URL, method, Basic auth, headers, body). The answer is
 * parsed, validated against the spec and classified in `sendEspay`, because the generated client throws
 * plain parsed bodies rather than Errors and knows nothing of Espay's result codes.
 */
import {
  type BillerkitError,
  confirmPayment,
  echoProblems,
  formatEspayAmount,
  type Minor,
  missingProblems,
  ProviderError,
  parseEspayAmount,
  parseRupiahDecimal,
  type StatusStep,
  sumProblems,
} from '@billerkit/core';
import { espaySignature } from '@billerkit/signing';
import {
  assertEspayFits,
  commonFields,
  type EspayAnswer,
  type EspayConnection,
  type EspayInternals,
  espayFailure,
  espayInternals,
  optionalText,
  sendEspay,
} from './connection.js';
import type {
  GetBalanceRequest,
  GetBalanceSuccess,
  GetRegisteredProductsRequest,
  GetRegisteredProductsSuccess,
  GetTransactionInfoRequest,
  GetTransactionInfoSuccess,
  InquiryTransactionRequest,
  InquiryTransactionSuccess,
  PaymentReportRequest,
  PaymentReportSuccess,
} from './generated/types.gen.js';
import type {
  EspayBalanceResult,
  EspayConfirmedPayment,
  EspayInquiryResult,
  EspayPaymentResult,
  EspayProductsResult,
  EspayReferences,
  EspayTransactionInfoResult,
  InquiryParams,
  PayAndConfirmParams,
  PayParams,
  ResultBase,
  ToolParams,
  TransactionInfoParams,
  Wire,
} from './results.js';

/** Status-check failures that concern the lookup itself, not the payment looked up. */
const REQUEST_LEVEL_KINDS = new Set(['auth', 'signature', 'validation', 'duplicate', 'throttled', 'timeout', 'not_found']);

function requireParam(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`espay: ${name} must be a non-empty string`);
  return value;
}

function jsonText(value: Record<string, unknown> | string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') throw new TypeError(`${name} must be an object or a JSON string`);
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

/** The fields every result carries, from the classified answer. */
function resultBase<W>(answer: EspayAnswer, rqUuid: string): ResultBase<W> {
  return { errorCode: answer.code, errorDesc: answer.desc, rqUuid, raw: answer.wire as Wire<W>, classification: answer.classification };
}

function optionalAmount(value: unknown, field: string): Minor | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return parseEspayAmount(value, { field });
}

/** `inquirytransaction`: the open bill. Retried when idempotent failures allow; throws unless Espay answers success. */
export async function inquiry(connection: EspayConnection, params: InquiryParams): Promise<EspayInquiryResult> {
  const c = espayInternals(connection);
  const productCode = requireParam(params?.productCode, 'productCode');
  const orderId = requireParam(params?.orderId, 'orderId');
  const rqUuid = params.rqUuid ?? c.nextRqUuid();
  const additionalData = jsonText(params.additionalData, 'additionalData');
  const body: InquiryTransactionRequest = {
    ...commonFields(c, rqUuid),
    order_id: orderId,
    product_code: productCode,
    signature: espaySignature(
      'inquiry',
      { sender_id: c.senderId, order_id: orderId, product_code: productCode, rq_uuid: rqUuid },
      c.signatureKey,
    ),
    ...(additionalData === undefined ? {} : { additional_data: additionalData }),
  };
  const answer = await sendEspay(c, 'inquiryTransaction', body, {
    idempotent: true,
    signal: params.signal,
    references: { rq_uuid: rqUuid, order_id: orderId, product_code: productCode },
  });
  const { wire, classification } = answer;
  if (classification.outcome !== 'success') throw espayFailure(c, answer);
  const dataValue = wire['data'];
  const data =
    dataValue !== null && typeof dataValue === 'object' && !Array.isArray(dataValue) ? (dataValue as Record<string, unknown>) : undefined;
  const amount = parseEspayAmount(wire['amount'], { field: 'amount' });
  const billAmount = optionalAmount(wire['bill_amount'], 'bill_amount');
  const adminFee = optionalAmount(wire['admin_fee'], 'admin_fee');
  // The total must be the bill plus the fee; the BPJS Kesehatan sample's total is the bill alone (fee included).
  assertEspayFits(c, answer, [
    ...echoProblems(wire, { rq_uuid: rqUuid, order_id: orderId }, ['rq_uuid']),
    ...sumProblems(
      ['amount', amount],
      [
        ['bill_amount', billAmount],
        ['admin_fee', adminFee],
      ],
      billAmount === undefined ? [] : [billAmount],
    ),
  ]);
  return {
    outcome: 'success',
    ...resultBase<InquiryTransactionSuccess>(answer, rqUuid),
    orderId,
    productCode,
    amount,
    billAmount,
    adminFee,
    bankFee: optionalAmount(wire['bankFee'], 'bankFee'),
    description: optionalText(wire['description']),
    data,
    dataJson: data === undefined ? undefined : JSON.stringify(data),
  };
}

interface PaymentRequest {
  productCode: string;
  orderId: string;
  amountMinor: Minor;
  amount: string;
  data: string | undefined;
}

function paymentRequest(params: PayParams): PaymentRequest {
  const productCode = requireParam(params?.productCode ?? params?.inquiry?.productCode, 'productCode');
  const orderId = requireParam(params.orderId ?? params.inquiry?.orderId, 'orderId');
  const amountMinor = params.amount ?? params.inquiry?.amount;
  if (typeof amountMinor !== 'bigint') throw new TypeError('pay: amount must be a bigint in minor units (sen), or pass the inquiry');
  const amount = formatEspayAmount(amountMinor);
  const data = params.data === undefined ? params.inquiry?.dataJson : jsonText(params.data, 'data');
  return { productCode, orderId, amountMinor, amount, data };
}

async function payOnce(
  c: EspayInternals,
  req: PaymentRequest,
  rqUuid: string,
  signal: AbortSignal | undefined,
): Promise<EspayPaymentResult> {
  const { productCode, orderId, amount, data, amountMinor } = req;
  const body: PaymentReportRequest = {
    ...commonFields(c, rqUuid),
    order_id: orderId,
    product_code: productCode,
    amount,
    signature: espaySignature(
      'payment',
      { sender_id: c.senderId, order_id: orderId, product_code: productCode, amount, rq_uuid: rqUuid },
      c.signatureKey,
    ),
    ...(data === undefined ? {} : { data }),
  };
  const answer = await sendEspay(c, 'paymentReport', body, {
    idempotent: false,
    signal,
    references: { rq_uuid: rqUuid, order_id: orderId, product_code: productCode, amount },
  });
  const { wire, classification } = answer;
  if (classification.outcome === 'failed') throw espayFailure(c, answer);
  // A 0000 answer (Success or Inproses) identifies the payment by ref_id; only 9999 (suspect) comes without one.
  assertEspayFits(c, answer, [
    ...echoProblems(wire, { rq_uuid: rqUuid, order_id: orderId }, ['rq_uuid']),
    ...(answer.code === '0000' ? missingProblems(wire, ['ref_id']) : []),
  ]);
  return {
    outcome: classification.outcome,
    ...resultBase<PaymentReportSuccess>(answer, rqUuid),
    orderId,
    productCode,
    amount: amountMinor,
    refId: optionalText(wire['ref_id']),
    bankFee: optionalAmount(wire['bankFee'], 'bankFee'),
    data: wire['data'],
  };
}

/** `paymentreport`: one payment POST, never retried. Throws typed errors for failures; `pending` must be confirmed. */
export async function pay(connection: EspayConnection, params: PayParams): Promise<EspayPaymentResult> {
  const c = espayInternals(connection);
  const req = paymentRequest(params);
  return payOnce(c, req, params.rqUuid ?? c.nextRqUuid(), params.signal);
}

async function transactionInfoOf(c: EspayInternals, params: TransactionInfoParams): Promise<EspayTransactionInfoResult> {
  const refId = requireParam(params?.refId, 'refId');
  const rqUuid = params.rqUuid ?? c.nextRqUuid();
  const body: GetTransactionInfoRequest = {
    ...commonFields(c, rqUuid),
    signature: espaySignature('status', { sender_id: c.senderId, ref_id: refId, rq_uuid: rqUuid }, c.signatureKey),
    ref_id: refId,
  };
  const answer = await sendEspay(c, 'getTransactionInfo', body, {
    idempotent: true,
    signal: params.signal,
    references: { rq_uuid: rqUuid, ref_id: refId },
  });
  const { wire, classification } = answer;
  let error: BillerkitError | undefined;
  if (classification.outcome === 'failed') {
    error = espayFailure(c, answer);
    // Problems with the lookup itself are thrown; a failed payment is a result.
    if (REQUEST_LEVEL_KINDS.has(classification.kind ?? '')) throw error;
  }
  // A status about another payment (or for another request) settles nothing.
  assertEspayFits(c, answer, echoProblems(wire, { rq_uuid: rqUuid, ref_id: refId }, ['rq_uuid']));
  return {
    outcome: classification.outcome,
    ...resultBase<GetTransactionInfoSuccess>(answer, rqUuid),
    refId,
    error,
    amount: optionalAmount(wire['amount'], 'amount'),
  };
}

/** `gettransactioninfo`: the status of a payment by Espay's ref_id; a failed payment is a result, a refused lookup throws. */
export async function transactionInfo(connection: EspayConnection, params: TransactionInfoParams): Promise<EspayTransactionInfoResult> {
  return transactionInfoOf(espayInternals(connection), params);
}

/** `getbalance`: the deposit balance. */
export async function balance(connection: EspayConnection, params: ToolParams = {}): Promise<EspayBalanceResult> {
  const c = espayInternals(connection);
  const rqUuid = params.rqUuid ?? c.nextRqUuid();
  const body: GetBalanceRequest = {
    ...commonFields(c, rqUuid),
    signature: espaySignature('balance', { sender_id: c.senderId, rq_uuid: rqUuid }, c.signatureKey),
  };
  const answer = await sendEspay(c, 'getBalance', body, { idempotent: true, signal: params.signal, references: { rq_uuid: rqUuid } });
  const { wire, classification } = answer;
  if (classification.outcome !== 'success') throw espayFailure(c, answer);
  assertEspayFits(c, answer, echoProblems(wire, { rq_uuid: rqUuid }));
  return {
    outcome: 'success',
    ...resultBase<GetBalanceSuccess>(answer, rqUuid),
    balance: parseRupiahDecimal('espay', wire['balance'], { field: 'balance', allowNegative: true }),
  };
}

/** `getregisteredproducts`: the products enabled for this merchant. */
export async function registeredProducts(connection: EspayConnection, params: ToolParams = {}): Promise<EspayProductsResult> {
  const c = espayInternals(connection);
  const rqUuid = params.rqUuid ?? c.nextRqUuid();
  // No recipe is documented for this call; the balance recipe is the spec's (unverified) assumption.
  const body: GetRegisteredProductsRequest = {
    ...commonFields(c, rqUuid),
    signature: espaySignature('balance', { sender_id: c.senderId, rq_uuid: rqUuid }, c.signatureKey),
  };
  const answer = await sendEspay(c, 'getRegisteredProducts', body, {
    idempotent: true,
    signal: params.signal,
    references: { rq_uuid: rqUuid },
  });
  const { wire, classification } = answer;
  if (classification.outcome !== 'success') throw espayFailure(c, answer);
  assertEspayFits(c, answer, echoProblems(wire, { rq_uuid: rqUuid }));
  const product = wire['product'];
  return {
    outcome: 'success',
    ...resultBase<GetRegisteredProductsSuccess>(answer, rqUuid),
    product,
    products: productCodes(product),
  };
}

/** Pays and confirms: never re-posts; checks status by ref_id; `unknown` when it cannot tell. */
export async function payAndConfirm(connection: EspayConnection, params: PayAndConfirmParams): Promise<EspayConfirmedPayment> {
  const c = espayInternals(connection);
  const req = paymentRequest(params);
  const rqUuid = params.rqUuid ?? c.nextRqUuid();
  let refId: string | undefined;
  return confirmPayment<EspayPaymentResult, EspayTransactionInfoResult, EspayReferences>({
    references: () => ({
      rq_uuid: rqUuid,
      order_id: req.orderId,
      product_code: req.productCode,
      amount: req.amount,
      ...(refId ? { ref_id: refId } : {}),
    }),
    ...(params.deadlineMs === undefined ? {} : { deadlineMs: params.deadlineMs }),
    ...(params.poll ? { poll: params.poll } : {}),
    ...(params.signal ? { signal: params.signal } : {}),
    ...(c.logger ? { logger: c.logger, redactor: c.redactor } : {}),
    // Espay hands out ref_id only in the payment answer, so a status lookup can never show that a
    // payment we sent was not recorded: a re-post is never justified.
    allowRePost: false,
    async pay({ signal }) {
      const result = await payOnce(c, req, rqUuid, signal);
      refId = result.refId;
      return { outcome: result.outcome, value: result };
    },
    async checkStatus({ signal }): Promise<StatusStep<EspayTransactionInfoResult>> {
      if (!refId) {
        return {
          outcome: 'unavailable',
          reason:
            'the payment answer carried no ref_id (lost, timed out or pending without one) and Espay documents no lookup by rq_uuid/order_id: reconcile by hand with the references',
        };
      }
      try {
        const info = await transactionInfoOf(c, { refId, signal });
        if (info.outcome === 'failed') return { outcome: 'failed', value: info, ...(info.error ? { error: info.error } : {}) };
        return { outcome: info.outcome, value: info };
      } catch (error) {
        if (error instanceof ProviderError && error.kind === 'not_found') return { outcome: 'not_found' };
        throw error;
      }
    },
  });
}

function productCodes(product: unknown): string[] {
  if (typeof product === 'string') return product.length > 0 ? [product] : [];
  if (Array.isArray(product)) {
    return product.flatMap((item) => {
      if (typeof item === 'string') return [item];
      if (item && typeof item === 'object') {
        const code = (item as Record<string, unknown>)['product_code'] ?? (item as Record<string, unknown>)['code'];
        return typeof code === 'string' ? [code] : [];
      }
      return [];
    });
  }
  return [];
}
