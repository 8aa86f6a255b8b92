import type { EspayService } from './espay.js';
import { IAK_SIGN_EXTRA, type IakSignExtraLiteral } from './iak.js';

/**
 * One table per provider: what goes over the wire for each operation and how it is signed. Anything that
 * builds, answers, checks or re-signs a request (clients, sandbox, test fakes, `@billerkit/pact`) reads these
 * rows instead of restating paths, components or signature recipes. The spec holds the same paths and
 * component names; `@billerkit/pact`'s tests hold the two equal.
 */
export interface EspayOperationRow {
  operationId: string;
  method: 'POST';
  path: string;
  /** Spec component of the form body (after URLSearchParams parsing) and of every documented answer. */
  requestComponent: string;
  responseComponent: string;
  /** Signature recipe: the fields are `ESPAY_SIGNATURE_FIELDS[signature]`, in that order, then the key. */
  signature: EspayService;
}

export const espayOperationTable = {
  inquiryTransaction: {
    operationId: 'inquiryTransaction',
    method: 'POST',
    path: '/rest/biller/inquirytransaction',
    requestComponent: 'InquiryTransactionRequest',
    responseComponent: 'InquiryTransactionResponse',
    signature: 'inquiry',
  },
  paymentReport: {
    operationId: 'paymentReport',
    method: 'POST',
    path: '/rest/biller/paymentreport',
    requestComponent: 'PaymentReportRequest',
    responseComponent: 'PaymentReportResponse',
    signature: 'payment',
  },
  getTransactionInfo: {
    operationId: 'getTransactionInfo',
    method: 'POST',
    path: '/rest/billertools/gettransactioninfo',
    requestComponent: 'GetTransactionInfoRequest',
    responseComponent: 'GetTransactionInfoResponse',
    signature: 'status',
  },
  getBalance: {
    operationId: 'getBalance',
    method: 'POST',
    path: '/rest/billertools/getbalance',
    requestComponent: 'GetBalanceRequest',
    responseComponent: 'GetBalanceResponse',
    signature: 'balance',
  },
  // No recipe is documented for the product list; the spec (and the sandbox) use the balance recipe.
  getRegisteredProducts: {
    operationId: 'getRegisteredProducts',
    method: 'POST',
    path: '/rest/billertools/getregisteredproducts',
    requestComponent: 'GetRegisteredProductsRequest',
    responseComponent: 'GetRegisteredProductsResponse',
    signature: 'balance',
  },
} as const satisfies Record<string, EspayOperationRow>;

export type EspayOperationId = keyof typeof espayOperationTable;

/** The row of an exact request path (Espay's paths are fixed: no trailing slash, no case folding). */
export function espayOperationOfPath(path: string): EspayOperationRow | undefined {
  return Object.values(espayOperationTable).find((row) => row.path === path);
}

/** Where an IAK command's `sign` input comes from: a body field (`md5(username + key + field)`) or a fixed literal. */
export type IakSignInput = { field: 'ref_id' | 'tr_id' } | { literal: IakSignExtraLiteral };

export interface IakCommandRow {
  command: string;
  method: 'POST';
  path: string;
  /** The path that takes the product type (`pricelist-pasca` of one type), when there is one. */
  typedPath?: string;
  requestComponent: string;
  responseComponent: string;
  signInput: IakSignInput;
}

const BILL_CHECK = '/api/v1/bill/check';

export const iakCommandTable = {
  'inq-pasca': {
    command: 'inq-pasca',
    method: 'POST',
    path: BILL_CHECK,
    requestComponent: 'InqPascaRequest',
    responseComponent: 'InqPascaResponse',
    signInput: { field: 'ref_id' },
  },
  'pay-pasca': {
    command: 'pay-pasca',
    method: 'POST',
    path: BILL_CHECK,
    requestComponent: 'PayPascaRequest',
    responseComponent: 'PayPascaResponse',
    signInput: { field: 'tr_id' },
  },
  checkstatus: {
    command: 'checkstatus',
    method: 'POST',
    path: BILL_CHECK,
    requestComponent: 'CheckStatusRequest',
    responseComponent: 'CheckStatusResponse',
    signInput: { literal: IAK_SIGN_EXTRA.checkStatus },
  },
  'pricelist-pasca': {
    command: 'pricelist-pasca',
    method: 'POST',
    path: BILL_CHECK,
    typedPath: `${BILL_CHECK}/{type}`,
    requestComponent: 'PricelistPascaRequest',
    responseComponent: 'PricelistPascaResponse',
    signInput: { literal: IAK_SIGN_EXTRA.pricelist },
  },
} as const satisfies Record<string, IakCommandRow>;

export type IakCommand = keyof typeof iakCommandTable;

/** IAK's receipt download (no body, no sign): `/api/v1/download/{tr_id}` for the PDF, `/1` appended for data. */
export const IAK_RECEIPT_PATH = '/api/v1/download/{tr_id}';

/**
 * The `extra` an IAK command's sign covers, read from a request body (JSON or decoded XML), or undefined
 * for an unknown command or a missing field.
 */
export function iakSignInputOf(body: Readonly<Record<string, unknown>>): string | undefined {
  const command = body['commands'];
  if (typeof command !== 'string' || !Object.hasOwn(iakCommandTable, command)) return undefined;
  const input: IakSignInput = iakCommandTable[command as IakCommand].signInput;
  if ('literal' in input) return input.literal;
  const value = body[input.field];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
