import type { ErrorKind } from '@billerkit/specs';

/**
 * Every answer code the Espay simulator sends. Codes marked `catalogue` are Espay's own; all, the `defined` ones too, are listed in
 * specs/espay/error-codes.json (a test keeps the two in step). Espay publishes no code for a wrong
 * password, a bad signature, a missing field, an unknown reference and so on, so the sandbox defines
 * those (`defined`); they are four-digit strings like the documented `String(4)`, chosen apart from
 * every catalogue code, and documented in the sandbox README.
 */
export interface EspayAnswerCode {
  code: string;
  desc: string;
  origin: 'catalogue' | 'defined';
  /** For defined codes: how a client should treat them (catalogue codes carry this in error-codes.json). */
  outcome: 'success' | 'pending' | 'failed' | 'retry-after';
  kind: ErrorKind | null;
}

function code(
  code: string,
  desc: string,
  origin: EspayAnswerCode['origin'],
  outcome: EspayAnswerCode['outcome'],
  kind: ErrorKind | null,
): EspayAnswerCode {
  return Object.freeze({ code, desc, origin, outcome, kind });
}

export const CODES = Object.freeze({
  success: code('0000', 'Success', 'catalogue', 'success', null),
  /** `0000` + "Inproses": accepted, not final (the legacy Smartfren payment sample). */
  inProcess: code('0000', 'Inproses', 'catalogue', 'pending', null),
  duplicateUuid: code('210', 'UUID already exist', 'catalogue', 'failed', 'duplicate'),
  productDenied: code('405', 'product denied', 'catalogue', 'failed', 'product'),
  sameTransaction: code('610', 'Anda bisa melakukan transaksi yang sama setelah 5 menit', 'catalogue', 'retry-after', 'throttled'),
  insufficientBalance: code('800', 'Saldo deposit tidak mencukupi', 'catalogue', 'failed', 'insufficient_balance'),
  amountOutOfRange: code('802', 'Max/min payment amount exceeded', 'catalogue', 'failed', 'validation'),
  suspect: code('9999', 'Suspect', 'catalogue', 'pending', 'timeout'),

  invalidRequest: code('0001', 'Invalid request', 'defined', 'failed', 'validation'),
  invalidSignature: code('0011', 'Invalid signature', 'defined', 'failed', 'signature'),
  invalidCredentials: code('0012', 'Invalid sender_id or password', 'defined', 'failed', 'auth'),
  invalidAmount: code('0013', 'Invalid amount', 'defined', 'failed', 'validation'),
  notFound: code('0014', 'Data not found', 'defined', 'failed', 'not_found'),
  inquiryRequired: code('0016', 'Inquiry not found or already used; send an inquiry first', 'defined', 'failed', 'validation'),
  alreadyPaid: code('0088', 'Tagihan sudah terbayar', 'defined', 'failed', 'already_paid'),
  transactionFailed: code('0099', 'Transaksi gagal', 'defined', 'failed', 'provider'),
} satisfies Record<string, EspayAnswerCode>);

export type CodeName = keyof typeof CODES;
