import { createHash, timingSafeEqual } from 'node:crypto';
import { type EspayService, espayRqDatetimeFreshness, espayRqUuidKey, verifyEspaySignature } from '@billerkit/signing';
import { espayOpenApi } from '@billerkit/specs';
import { parseFormBody, type ValidationIssue } from '@billerkit/validators';
import { checkRequest, type RequestProfile } from '../request-check.js';
import type { EspaySandboxCredentials } from '../credentials.js';
import { mediaType, parseBasicAuth } from '../http.js';
import { fieldsWithUnsafeCharacters, formShape } from '../limits.js';
import { type ProviderShapes, SandboxStateError, type StatefulProvider, type StateResult } from '../provider.js';
import type { ProviderContext, SandboxRequest, SandboxResponse } from '../types.js';
import { parseImpliedDecimals, toImpliedDecimals } from './amounts.js';
import { buildBill, findProduct } from './bills.js';
import { CODES } from './codes.js';
import { type Accepted, balance, inquiry, type OperationEnv, payment, registeredProductsAnswer, transactionInfo } from './operations.js';
import { EspayStore, type EspayStoreSnapshot, type EspayTransaction } from './store.js';
import type { EspayInquiryOutcome, EspayPaymentOutcome } from './test-orders.js';
import { errorAnswer, espayJson } from './wire.js';

export { CODES as ESPAY_ANSWER_CODES, type EspayAnswerCode } from './codes.js';
export { ESPAY_TEST_ORDERS, type EspayTestOrder, espayTestOrder } from './test-orders.js';

interface OperationDef {
  operationId: string;
  requestComponent: string;
  responseComponent: string;
  /** Signature recipe. getregisteredproducts has none documented; the balance recipe is our guess (as in the spec). */
  signature: EspayService;
  run(req: Accepted, env: OperationEnv): SandboxResponse;
}

/** The five endpoints, by exact path (no trailing slash, no case folding: Espay's paths are fixed). */
export const ESPAY_OPERATIONS: Readonly<Record<string, OperationDef>> = Object.freeze({
  '/rest/biller/inquirytransaction': {
    operationId: 'inquiryTransaction',
    requestComponent: 'InquiryTransactionRequest',
    responseComponent: 'InquiryTransactionResponse',
    signature: 'inquiry',
    run: inquiry,
  },
  '/rest/biller/paymentreport': {
    operationId: 'paymentReport',
    requestComponent: 'PaymentReportRequest',
    responseComponent: 'PaymentReportResponse',
    signature: 'payment',
    run: payment,
  },
  '/rest/billertools/gettransactioninfo': {
    operationId: 'getTransactionInfo',
    requestComponent: 'GetTransactionInfoRequest',
    responseComponent: 'GetTransactionInfoResponse',
    signature: 'status',
    run: transactionInfo,
  },
  '/rest/billertools/getbalance': {
    operationId: 'getBalance',
    requestComponent: 'GetBalanceRequest',
    responseComponent: 'GetBalanceResponse',
    signature: 'balance',
    run: balance,
  },
  '/rest/billertools/getregisteredproducts': {
    operationId: 'getRegisteredProducts',
    requestComponent: 'GetRegisteredProductsRequest',
    responseComponent: 'GetRegisteredProductsResponse',
    signature: 'balance',
    run: registeredProductsAnswer,
  },
});

export interface EspayProviderOptions {
  credentials: EspaySandboxCredentials;
  /** How request bodies are checked; `provider` (the documented contract plus what Espay is evidenced to accept) unless set. */
  requestProfile?: RequestProfile;
  /** How far `rq_datetime` may lie from the sandbox clock, either way; undefined turns the check off. */
  rqDatetimeWindowMs?: number;
}

/** Form fields that carry JSON text, where line breaks and tabs are fine. */
const JSON_TEXT_FIELDS: ReadonlySet<string> = new Set(['data', 'additional_data']);

export interface EspayProvider extends StatefulProvider, ProviderShapes {
  readonly provider: 'espay';
  setState(state: string, params: Record<string, unknown>): StateResult;
  /** The state a state file keeps (deposit, payments, used rq_uuids). */
  snapshot(): EspayStoreSnapshot;
  restore(snapshot: EspayStoreSnapshot): void;
}

/** Constant-time string comparison that does not leak the length either (both sides hashed first). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

const REALM = 'Basic realm="Espay Biller Sandbox", charset="UTF-8"';

/** Known property names of a request component, to name unknown fields in the error message. */
function knownFields(component: string): Set<string> {
  const schema = espayOpenApi.components.schemas[component] as { properties?: Record<string, unknown> } | undefined;
  return new Set(Object.keys(schema?.properties ?? {}));
}

/** One readable line about what is wrong with the form, naming fields but never echoing values. */
function describeIssues(component: string, fields: Record<string, string>, issues: readonly ValidationIssue[]): string {
  const known = knownFields(component);
  const unknown = Object.keys(fields).filter((name) => !known.has(name));
  const missing = issues.filter((i) => i.keyword === 'required').map((i) => i.path.replace(/^\//, ''));
  const invalid = issues
    .filter((i) => i.keyword !== 'required' && i.keyword !== 'additionalProperties' && i.path !== '/' && i.path !== '')
    .map((i) => i.path.replace(/^\//, ''));
  const parts: string[] = [];
  if (missing.length) parts.push(`missing ${[...new Set(missing)].join(', ')}`);
  if (invalid.length) parts.push(`invalid ${[...new Set(invalid)].join(', ')}`);
  if (unknown.length) parts.push(`unknown field ${unknown.map((n) => n.slice(0, 32)).join(', ')}`);
  if (!parts.length && fields['data'] !== undefined && fields['additional_data'] !== undefined)
    parts.push('send data or additional_data, not both');
  if (!parts.length) parts.push('fields do not match the contract');
  return `Invalid request: ${parts.join('; ')}`;
}

function signedFields(service: EspayService, fields: Record<string, string>): Record<string, string> {
  const pick = (name: string) => fields[name] ?? '';
  switch (service) {
    case 'inquiry':
      return { sender_id: pick('sender_id'), order_id: pick('order_id'), product_code: pick('product_code'), rq_uuid: pick('rq_uuid') };
    case 'payment':
      return {
        sender_id: pick('sender_id'),
        order_id: pick('order_id'),
        product_code: pick('product_code'),
        amount: pick('amount'),
        rq_uuid: pick('rq_uuid'),
      };
    case 'status':
      return { sender_id: pick('sender_id'), ref_id: pick('ref_id'), rq_uuid: pick('rq_uuid') };
    case 'balance':
      return { sender_id: pick('sender_id'), rq_uuid: pick('rq_uuid') };
  }
}

function stringParam(params: Record<string, unknown>, name: string, required = true): string | undefined {
  const value = params[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value === '') throw new SandboxStateError(`params.${name} must be a non-empty string`);
  return value;
}

function minorParam(params: Record<string, unknown>, name: string, required = true): bigint | undefined {
  const value = params[name];
  if (value === undefined && !required) return undefined;
  const parsed =
    typeof value === 'bigint'
      ? value
      : typeof value === 'number' && Number.isSafeInteger(value)
        ? BigInt(value)
        : parseImpliedDecimals(value);
  if (parsed === undefined || parsed < 0n)
    throw new SandboxStateError(`params.${name} must be a non-negative amount in sen (digit string)`);
  return parsed;
}

const INQUIRY_OUTCOMES: readonly EspayInquiryOutcome[] = ['bill', 'suspect', 'product-denied', 'not-found', 'already-paid'];
const PAYMENT_OUTCOMES: readonly EspayPaymentOutcome[] = [
  'success',
  'pending-then-success',
  'pending-then-failed',
  'failed',
  'suspect',
  'insufficient-balance',
];

/** Named provider states for contract tests (`POST /__sandbox/state`); see the README for the list. */
export const ESPAY_STATES = ['reset', 'balance', 'inquiry', 'transaction', 'force', 'rq-uuid-used'] as const;

export function createEspayProvider(ctx: ProviderContext, options: EspayProviderOptions): EspayProvider {
  const store = new EspayStore(ctx);
  const credentials = options.credentials;
  const profile: RequestProfile = options.requestProfile ?? 'provider';
  const rqDatetimeWindowMs = options.rqDatetimeWindowMs;
  const env: OperationEnv = { ctx, store };

  /** rs_datetime even when the clock itself is what failed. */
  const safeNow = () => {
    try {
      return ctx.clock.now();
    } catch {
      return new Date();
    }
  };

  const formFields = (request: Pick<SandboxRequest, 'body' | 'headers'>): Record<string, string> => {
    if (mediaType(request.headers['content-type']) !== 'application/x-www-form-urlencoded') return {};
    try {
      return parseFormBody(request.body.toString('utf8'));
    } catch {
      return {};
    }
  };

  const run = (op: OperationDef, request: SandboxRequest, now: Date): SandboxResponse => {
    if (request.method !== 'POST') {
      return errorAnswer({ rqUuid: undefined, at: now, code: CODES.invalidRequest, message: 'Method not allowed; use POST' }, 405, {
        allow: 'POST',
      });
    }
    const basic = parseBasicAuth(request.headers.authorization);
    const basicOk =
      basic !== undefined &&
      sameSecret(basic.username, credentials.basicAuth.username) &&
      sameSecret(basic.password, credentials.basicAuth.password);
    if (!basicOk) {
      return espayJson(401, { error_code: '401', error_desc: 'Unauthorized' }, { 'www-authenticate': REALM });
    }
    if (mediaType(request.headers['content-type']) !== 'application/x-www-form-urlencoded') {
      return errorAnswer({
        rqUuid: undefined,
        at: now,
        code: CODES.invalidRequest,
        message: 'Invalid request: Content-Type must be application/x-www-form-urlencoded',
      });
    }
    const shape = formShape(request.body);
    if (!shape.ok)
      return errorAnswer({ rqUuid: undefined, at: now, code: CODES.invalidRequest, message: `Invalid request: the form ${shape.reason}` });
    const fields = parseFormBody(request.body.toString('utf8'));
    // Checked before anything echoes a field back.
    const unsafe = fieldsWithUnsafeCharacters(fields, JSON_TEXT_FIELDS);
    if (unsafe.length > 0) {
      return errorAnswer({
        rqUuid: undefined,
        at: now,
        code: CODES.invalidRequest,
        message: `Invalid request: control or bidirectional characters in ${unsafe.join(', ')}`,
      });
    }
    const envelope = { rqUuid: fields['rq_uuid'], orderId: fields['order_id'], at: now };
    // Authentication before any schema work: only a caller holding the credentials gets the costlier checks.
    const absent = ['sender_id', 'password'].filter((name) => fields[name] === undefined);
    if (absent.length > 0)
      return errorAnswer({ ...envelope, code: CODES.invalidRequest, message: `Invalid request: missing ${absent.join(', ')}` });
    if (!sameSecret(fields['sender_id'] ?? '', credentials.senderId) || !sameSecret(fields['password'] ?? '', credentials.password)) {
      return errorAnswer({ ...envelope, code: CODES.invalidCredentials });
    }
    const checked = checkRequest('espay', op.requestComponent, profile, fields);
    if (!checked.valid) {
      return errorAnswer({ ...envelope, code: CODES.invalidRequest, message: describeIssues(op.requestComponent, fields, checked.issues) });
    }
    // The tolerant profile lets a balance call through without a signature (its table has no such row).
    const signature = fields['signature'];
    if (signature !== undefined || profile !== 'tolerant') {
      if (!verifyEspaySignature(op.signature, signedFields(op.signature, fields) as never, credentials.signatureKey, signature ?? '')) {
        return errorAnswer({ ...envelope, code: CODES.invalidSignature });
      }
    }
    if (rqDatetimeWindowMs !== undefined) {
      const freshness = espayRqDatetimeFreshness(fields['rq_datetime'], now.getTime(), rqDatetimeWindowMs);
      if (freshness !== 'fresh') {
        const minutes = rqDatetimeWindowMs / 60_000;
        return errorAnswer({
          ...envelope,
          code: CODES.invalidRequest,
          message: `Invalid request: rq_datetime is ${freshness === 'invalid' ? 'no valid date' : `more than ${minutes} minutes ${freshness === 'stale' ? 'old' : 'ahead'}`}`,
        });
      }
    }
    const rqUuid = fields['rq_uuid'] as string;
    // Compared as the signature sees it (upper-cased), so a case-changed copy of a request is a replay too.
    if (!store.claimUuid(espayRqUuidKey(rqUuid), now)) return errorAnswer({ ...envelope, code: CODES.duplicateUuid });
    return op.run({ fields, rqUuid, now }, env);
  };

  const setState = (state: string, params: Record<string, unknown>): StateResult => {
    const now = ctx.clock.now();
    store.settleDue(now);
    switch (state) {
      case 'reset':
        store.reset();
        return {};
      case 'balance': {
        store.balanceMinor = minorParam(params, 'balanceMinor') as bigint;
        return { balanceMinor: store.balanceMinor.toString() };
      }
      case 'inquiry': {
        const orderId = stringParam(params, 'order_id') as string;
        const productCode = stringParam(params, 'product_code') as string;
        const product = findProduct(productCode);
        if (!product) throw new SandboxStateError(`unknown product_code ${JSON.stringify(productCode)}`);
        if (!product.inquiry) throw new SandboxStateError(`product ${productCode} has no inquiry`);
        const topupMinor = product.transactionType === 'TOPUP' ? (minorParam(params, 'topupMinor', false) ?? 10_000_000n) : undefined;
        const bill = buildBill({ product, orderId, now, ...(topupMinor === undefined ? {} : { topupMinor }) });
        store.saveInquiry({ orderId, productCode, bill, createdAt: now });
        return { order_id: orderId, product_code: productCode, amount: toImpliedDecimals(bill.totalMinor), data: bill.data };
      }
      case 'transaction': {
        const orderId = stringParam(params, 'order_id') as string;
        const productCode = stringParam(params, 'product_code') as string;
        if (!findProduct(productCode)) throw new SandboxStateError(`unknown product_code ${JSON.stringify(productCode)}`);
        const amountMinor = minorParam(params, 'amount') as bigint;
        const status = params['status'] ?? 'success';
        if (status !== 'success' && status !== 'pending' && status !== 'failed')
          throw new SandboxStateError('params.status must be success, pending or failed');
        const settleTo = params['settleTo'] ?? 'success';
        if (settleTo !== 'success' && settleTo !== 'failed') throw new SandboxStateError('params.settleTo must be success or failed');
        const refId = stringParam(params, 'ref_id', false) ?? ctx.ids.next('TX');
        if (refId.length > 32) throw new SandboxStateError('params.ref_id is at most 32 characters');
        if (store.transaction(refId)) throw new SandboxStateError(`ref_id ${refId} already exists`);
        const transaction: EspayTransaction = {
          refId,
          rqUuid: stringParam(params, 'rq_uuid', false) ?? `STATE-${refId}`,
          orderId,
          productCode,
          amountMinor,
          status,
          settleTo: status === 'pending' ? settleTo : status,
          // A pre-created transaction does not touch the deposit; set it with the balance state.
          debited: false,
          checks: 0,
          data: { customer_id: orderId, amount: (amountMinor / 100n).toString().padStart(12, '0') },
          createdAt: now,
          updatedAt: now,
        };
        store.addTransaction(transaction);
        return { ref_id: refId, order_id: orderId, product_code: productCode, amount: amountMinor.toString(), status };
      }
      case 'force': {
        const orderId = stringParam(params, 'order_id') as string;
        const inquiryOutcome = params['inquiry'];
        const paymentOutcome = params['payment'];
        if (inquiryOutcome === undefined && paymentOutcome === undefined)
          throw new SandboxStateError('params needs inquiry and/or payment');
        if (inquiryOutcome !== undefined && !INQUIRY_OUTCOMES.includes(inquiryOutcome as EspayInquiryOutcome)) {
          throw new SandboxStateError(`params.inquiry must be one of ${INQUIRY_OUTCOMES.join(', ')}`);
        }
        if (paymentOutcome !== undefined && !PAYMENT_OUTCOMES.includes(paymentOutcome as EspayPaymentOutcome)) {
          throw new SandboxStateError(`params.payment must be one of ${PAYMENT_OUTCOMES.join(', ')}`);
        }
        store.force(orderId, {
          ...(inquiryOutcome === undefined ? {} : { inquiry: inquiryOutcome as EspayInquiryOutcome }),
          ...(paymentOutcome === undefined ? {} : { payment: paymentOutcome as EspayPaymentOutcome }),
        });
        return { order_id: orderId };
      }
      case 'rq-uuid-used': {
        const rqUuid = stringParam(params, 'rq_uuid') as string;
        store.claimUuid(espayRqUuidKey(rqUuid), now);
        return { rq_uuid: rqUuid };
      }
      default:
        throw new SandboxStateError(`unknown espay state ${JSON.stringify(state)}; known: ${ESPAY_STATES.join(', ')}`);
    }
  };

  return {
    provider: 'espay',
    async handle(request) {
      const op = ESPAY_OPERATIONS[request.path];
      if (!op || !Object.hasOwn(ESPAY_OPERATIONS, request.path)) return undefined;
      const now = ctx.clock.now();
      store.settleDue(now);
      return run(op, request, now);
    },
    transactions() {
      store.settleDue(ctx.clock.now());
      return store.list();
    },
    balanceMinor() {
      store.settleDue(ctx.clock.now());
      return store.balanceMinor;
    },
    reset() {
      store.reset();
    },
    snapshot: () => store.snapshot(),
    restore: (snapshot) => store.restore(snapshot),
    setState,
    bodyTooLarge(_request, maxBytes) {
      return errorAnswer(
        { rqUuid: undefined, at: safeNow(), code: CODES.invalidRequest, message: `Invalid request: body larger than ${maxBytes} bytes` },
        413,
      );
    },
    internalError(request) {
      // Unknown outcome: 9999 (suspect) is the one answer that tells a client to check before paying again.
      const fields = formFields(request);
      return errorAnswer({ rqUuid: fields['rq_uuid'], orderId: fields['order_id'], at: safeNow(), code: CODES.suspect });
    },
  };
}
