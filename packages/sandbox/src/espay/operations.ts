import type { EspayProduct } from '@billerkit/specs';
import type { ProviderContext, SandboxResponse } from '../types.js';
import { parseImpliedDecimals, parseRequestAmount, rupiah, toImpliedDecimals } from './amounts.js';
import { buildBill, findProduct, paidData, paymentOnlyData, registeredProducts, TOPUP_LIMITS_RUPIAH } from './bills.js';
import { CODES, type EspayAnswerCode } from './codes.js';
import type { EspayStore, EspayTransaction } from './store.js';
import { espayTestOrder } from './test-orders.js';
import { errorAnswer, successAnswer } from './wire.js';

/** A request that passed auth, schema, credentials, signature and the rq_uuid check. */
export interface Accepted {
  fields: Record<string, string>;
  rqUuid: string;
  now: Date;
}

export interface OperationEnv {
  ctx: ProviderContext;
  store: EspayStore;
}

function fail(req: Accepted, code: EspayAnswerCode, message?: string): SandboxResponse {
  return errorAnswer({
    rqUuid: req.rqUuid,
    orderId: req.fields['order_id'],
    at: req.now,
    code,
    ...(message === undefined ? {} : { message }),
  });
}

function inquiryOutcome(store: EspayStore, orderId: string) {
  return store.forcedFor(orderId)?.inquiry ?? espayTestOrder(orderId)?.inquiry ?? 'bill';
}

function paymentOutcome(store: EspayStore, orderId: string) {
  return store.forcedFor(orderId)?.payment ?? espayTestOrder(orderId)?.payment ?? 'success';
}

/** Answers of the failing inquiry outcomes; undefined for `bill`. */
function inquiryFailure(req: Accepted, outcome: ReturnType<typeof inquiryOutcome>): SandboxResponse | undefined {
  switch (outcome) {
    case 'suspect':
      return fail(req, CODES.suspect);
    case 'product-denied':
      return fail(req, CODES.productDenied);
    case 'not-found':
      return fail(req, CODES.notFound, 'Data tagihan tidak ditemukan');
    case 'already-paid':
      return fail(req, CODES.alreadyPaid);
    default:
      return undefined;
  }
}

/** The JSON object of `additional_data` (or `data`); the schema already checked it looks like an object. */
function jsonField(fields: Record<string, string>): Record<string, unknown> | undefined {
  const text = fields['additional_data'] ?? fields['data'];
  if (text === undefined || text.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function productOrDenied(req: Accepted): EspayProduct | SandboxResponse {
  const product = findProduct(req.fields['product_code'] ?? '');
  // An unknown code is a product this merchant cannot sell: the documented answer is 405.
  return product ?? fail(req, CODES.productDenied);
}

export function inquiry(req: Accepted, { store }: OperationEnv): SandboxResponse {
  const product = productOrDenied(req);
  if (!('code' in product)) return product;
  const orderId = req.fields['order_id'] as string;
  if (!product.inquiry) {
    return fail(req, CODES.invalidRequest, `Product ${product.code} has no inquiry; send the payment directly`);
  }
  const failure = inquiryFailure(req, inquiryOutcome(store, orderId));
  if (failure) return failure;
  if (product.transactionType === 'PAYMENT' && store.paidOrPaying(orderId, product.code)) return fail(req, CODES.alreadyPaid);

  let topupMinor: bigint | undefined;
  if (product.transactionType === 'TOPUP') {
    const amount = parseImpliedDecimals(jsonField(req.fields)?.['amount']);
    if (amount === undefined) {
      return fail(req, CODES.invalidRequest, 'A top-up inquiry needs additional_data {"amount": "<digits, two implied decimals>"}');
    }
    if (amount < rupiah(TOPUP_LIMITS_RUPIAH.min) || amount > rupiah(TOPUP_LIMITS_RUPIAH.max) || amount % 100n !== 0n) {
      return fail(req, CODES.amountOutOfRange, `Top-up must be whole rupiah from ${TOPUP_LIMITS_RUPIAH.min} to ${TOPUP_LIMITS_RUPIAH.max}`);
    }
    topupMinor = amount;
  }

  const bill = buildBill({ product, orderId, now: req.now, ...(topupMinor === undefined ? {} : { topupMinor }) });
  store.saveInquiry({ orderId, productCode: product.code, bill, createdAt: req.now });
  return successAnswer(req.rqUuid, req.now, CODES.success, {
    order_id: orderId,
    amount: toImpliedDecimals(bill.totalMinor),
    bill_amount: toImpliedDecimals(bill.billMinor),
    admin_fee: toImpliedDecimals(bill.adminMinor),
    data: bill.data,
    ...bill.extras,
  });
}

function traceNo(refId: string): string {
  let n = 0;
  for (const ch of refId) n = (n * 31 + ch.charCodeAt(0)) % 1_000_000;
  return String(n).padStart(6, '0');
}

export function payment(req: Accepted, { ctx, store }: OperationEnv): SandboxResponse {
  const product = productOrDenied(req);
  if (!('code' in product)) return product;
  const orderId = req.fields['order_id'] as string;
  const inquiryStage = inquiryOutcome(store, orderId);
  if (inquiryStage === 'product-denied') return fail(req, CODES.productDenied);
  // Payment-only products have no inquiry, so the customer-number checks happen here.
  if (!product.inquiry) {
    const failure = inquiryFailure(req, inquiryStage);
    if (failure) return failure;
  }

  const amount = parseRequestAmount(req.fields['amount']);
  if (amount === undefined || amount === 0n || amount % 100n !== 0n) {
    return fail(req, CODES.invalidAmount, 'Amount must be a positive whole-rupiah value with two implied decimals (e.g. 12540000)');
  }
  if (store.recentPayment(orderId, product.code, req.now)) return fail(req, CODES.sameTransaction);

  let data: Record<string, unknown>;
  if (product.inquiry) {
    const open = store.inquiry(orderId, product.code);
    if (!open) return fail(req, CODES.inquiryRequired);
    if (amount !== open.bill.totalMinor) {
      return fail(req, CODES.invalidAmount, `Amount must equal the inquiry amount ${toImpliedDecimals(open.bill.totalMinor)}`);
    }
    data = open.bill.data;
  } else {
    data = paymentOnlyData(product, orderId, amount);
  }

  const outcome = paymentOutcome(store, orderId);
  // A forced answer is for the next payment that gets this far, whatever it turns out to be.
  store.releaseForced(orderId);
  if (outcome === 'insufficient-balance' || store.balanceMinor < amount) return fail(req, CODES.insufficientBalance);

  const refId = store.freshRefId(() => ctx.ids.next('TX'));
  const transaction: EspayTransaction = {
    refId,
    rqUuid: req.rqUuid,
    orderId,
    productCode: product.code,
    amountMinor: amount,
    status: 'success',
    settleTo: 'success',
    debited: true,
    checks: 0,
    data: product.inquiry ? paidData(product, data, refId) : data,
    createdAt: req.now,
    updatedAt: req.now,
  };

  if (outcome === 'failed') {
    // The biller refused it: recorded, nothing taken, and the inquiry stays open for another try.
    store.addTransaction({ ...transaction, status: 'failed', settleTo: 'failed', debited: false });
    return fail(req, CODES.transactionFailed);
  }

  store.balanceMinor -= amount;
  store.consumeInquiry(orderId, product.code);
  if (outcome === 'pending-then-success' || outcome === 'pending-then-failed' || outcome === 'suspect') {
    transaction.status = 'pending';
    transaction.settleTo = outcome === 'pending-then-failed' ? 'failed' : 'success';
  }
  store.addTransaction(transaction);
  // Suspect: the money moved but the answer says nothing more than "unknown", and carries no ref_id.
  if (outcome === 'suspect') return fail(req, CODES.suspect);
  return successAnswer(req.rqUuid, req.now, transaction.status === 'pending' ? CODES.inProcess : CODES.success, {
    order_id: orderId,
    ref_id: refId,
    data: transaction.data,
    mwData: { ftbpTraceNo: traceNo(refId) },
    barcode_fee: '',
  });
}

export function transactionInfo(req: Accepted, { store }: OperationEnv): SandboxResponse {
  const refId = req.fields['ref_id'] as string;
  const transaction = store.transaction(refId);
  if (!transaction) return fail(req, CODES.notFound, 'Transaksi tidak ditemukan');
  if (transaction.status === 'pending') {
    transaction.checks += 1;
    store.settle(transaction, req.now);
  }
  if (transaction.status === 'failed') {
    return errorAnswer({ rqUuid: req.rqUuid, orderId: transaction.orderId, at: req.now, code: CODES.transactionFailed });
  }
  return successAnswer(req.rqUuid, req.now, transaction.status === 'pending' ? CODES.inProcess : CODES.success, {
    ref_id: transaction.refId,
    order_id: transaction.orderId,
    product_code: transaction.productCode,
    amount: toImpliedDecimals(transaction.amountMinor),
    data: transaction.data,
  });
}

/** The balance field is rupiah with a decimal point, as in the page's one sample ("16127451.00"). */
export function balanceText(minor: bigint): string {
  return `${minor / 100n}.${(minor % 100n).toString().padStart(2, '0')}`;
}

export function balance(req: Accepted, { store }: OperationEnv): SandboxResponse {
  return successAnswer(req.rqUuid, req.now, CODES.success, { balance: balanceText(store.balanceMinor) });
}

export function registeredProductsAnswer(req: Accepted): SandboxResponse {
  return successAnswer(req.rqUuid, req.now, CODES.success, {
    product: registeredProducts().map((p) => p.code),
  });
}
