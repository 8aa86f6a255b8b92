// crypto.hash: one call, no Hash object (about 4× cheaper than createHash for a short input; Node ≥ 20.12).
import { hash } from 'node:crypto';
import { assertString, safeEqualHex } from './internal.js';

/** Literal `extra` values of the IAK commands whose sign does not use a request id. */
export const IAK_SIGN_EXTRA = {
  checkStatus: 'cs',
  pricelist: 'pl',
  balance: 'bl',
} as const;

export type IakSignExtraLiteral = (typeof IAK_SIGN_EXTRA)[keyof typeof IAK_SIGN_EXTRA];

/**
 * md5(username + apiKey + extra), lowercase hex. `extra` is the `ref_id` for inq-pasca,
 * the `tr_id` for pay-pasca, or one of {@link IAK_SIGN_EXTRA}.
 */
export function iakSign(username: string, apiKey: string, extra: string): string {
  const parts = [
    assertString(username, 'username', 'iakSign'),
    assertString(apiKey, 'apiKey', 'iakSign'),
    assertString(extra, 'extra', 'iakSign'),
  ];
  return hash('md5', parts.join(''), 'hex');
}

/** Constant-time check of an IAK `sign`; false for anything that is not 32 hex characters. */
export function verifyIakSign(username: string, apiKey: string, extra: string, sign: string): boolean {
  const parts = [
    assertString(username, 'username', 'verifyIakSign'),
    assertString(apiKey, 'apiKey', 'verifyIakSign'),
    assertString(extra, 'extra', 'verifyIakSign'),
  ];
  const expected = hash('md5', parts.join(''), 'hex');
  return safeEqualHex(expected, sign, 32);
}
