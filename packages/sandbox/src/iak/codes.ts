import { iakResponseCodes } from '@billerkit/specs';

/**
 * Response codes the sandbox answers with, by meaning. Each must exist in specs/iak/response-codes.json
 * (a test checks it); the choices the docs leave open are explained in the README.
 */
export const IAK_RC = {
  success: '00',
  alreadyPaid: '01',
  billUnpaid: '02',
  invalidRefId: '03',
  notFound: '06',
  duplicateRefId: '11',
  incorrectNumber: '14',
  balanceNotEnough: '17',
  productUnregistered: '20',
  paymentFailed: '37',
  pending: '39',
  paymentNotReceived: '42',
  invalidAmount: '93',
  invalidSignature: '100',
  invalidCommand: '101',
  timeout: '103',
  billerError: '105',
  formatError: '107',
  pageNotFound: '117',
} as const;

/** Messages of the documented samples where they differ from the response-code table's description. */
const SAMPLE_MESSAGES: Readonly<Record<string, string>> = {
  'inq-pasca:00': 'INQUIRY SUCCESS',
  'pay-pasca:00': 'PAYMENT SUCCESS',
  'checkstatus:00': 'PAYMENT SUCCESS',
  'checkstatus:42': 'REQUEST PEMBAYARAN BELUM DITERIMA',
  'checkstatus:39': 'PENDING / TRANSAKSI SEDANG DIPROSES',
  'pay-pasca:39': 'PENDING / TRANSAKSI SEDANG DIPROSES',
  'checkstatus:37': 'PEMBAYARAN GAGAL',
};

const BY_CODE = new Map(iakResponseCodes.map((entry) => [entry.code, entry]));

/** The message IAK sends with `code` for this command. */
export function messageOf(code: string, command?: string): string {
  const sample = command === undefined ? undefined : SAMPLE_MESSAGES[`${command}:${code}`];
  if (sample !== undefined) return sample;
  const entry = BY_CODE.get(code);
  if (!entry) throw new Error(`iak sandbox: response code ${code} is not in specs/iak/response-codes.json`);
  return entry.message;
}
