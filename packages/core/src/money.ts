/**
 * Money as bigint minor units (sen, 1/100 rupiah). Nothing here passes through floating point:
 * wire values are parsed as digit strings, and JSON numbers are accepted only when they are safe
 * integers (a larger number has already lost digits in JSON.parse, so it is a malformed response).
 *
 * Wire forms:
 * - Espay top-level `amount`, `bill_amount`, `admin_fee`: digits with two implied decimals, `"12540000"` = Rp 125.400,00.
 * - Espay values inside `data`: whole rupiah, zero-padded to 12 digits, `"000000125400"` = Rp 125.400.
 * - IAK amounts: whole rupiah as JSON numbers or digit strings.
 */
import { MalformedResponseError, type Provider } from './errors.js';

/** A minor-unit amount: bigint sen. */
export type Minor = bigint;

const DIGITS = /^[0-9]+$/;

export interface ParseAmountOptions {
  /** Field name for the error message, e.g. `amount`, `data.bill_amount`. */
  field?: string;
}

function malformed(provider: Provider, field: string | undefined, value: unknown, why: string): MalformedResponseError {
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : String(value);
  return new MalformedResponseError({ provider, message: `${provider}: ${field ?? 'amount'} ${shown} is not a valid amount (${why})` });
}

/**
 * The digit string of a wire amount: a non-empty string of ASCII digits, or a non-negative safe integer.
 * Rejects decimals, signs, exponents, whitespace, separators, empty strings and unsafe numbers.
 */
function wireDigits(provider: Provider, value: unknown, field: string | undefined): string {
  if (typeof value === 'string') {
    if (value.length === 0) throw malformed(provider, field, value, 'empty');
    if (!DIGITS.test(value)) throw malformed(provider, field, value, 'digits only, no sign, decimals, separators or exponent');
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || !Number.isInteger(value)) throw malformed(provider, field, value, 'not a whole number');
    if (value < 0 || Object.is(value, -0)) throw malformed(provider, field, value, 'negative');
    if (!Number.isSafeInteger(value)) throw malformed(provider, field, value, 'number beyond 2^53, digits already lost in JSON');
    return String(value);
  }
  if (typeof value === 'bigint') {
    if (value < 0n) throw malformed(provider, field, value, 'negative');
    return value.toString();
  }
  throw malformed(provider, field, value, `expected a digit string or number, got ${value === null ? 'null' : typeof value}`);
}

function assertMinor(minor: unknown, caller: string): bigint {
  if (typeof minor !== 'bigint') {
    throw new TypeError(`${caller}: amount must be a bigint in minor units (sen), got ${minor === null ? 'null' : typeof minor}`);
  }
  if (minor < 0n) throw new RangeError(`${caller}: amount must not be negative, got ${minor}`);
  return minor;
}

/** Espay top-level wire amount (two implied decimals) → minor units: `"12540000"` → `12540000n`. */
export function parseEspayAmount(value: unknown, options: ParseAmountOptions = {}): Minor {
  return BigInt(wireDigits('espay', value, options.field));
}

/** Minor units → Espay top-level wire amount: `12540000n` → `"12540000"`. */
export function formatEspayAmount(minor: Minor): string {
  return assertMinor(minor, 'formatEspayAmount').toString();
}

/** Width of Espay `data` amounts. */
export const ESPAY_DATA_AMOUNT_WIDTH = 12;

/**
 * Espay `data` amount (whole rupiah, usually zero-padded to 12 digits; PDAM pads to 10) → minor:
 * `"000000125400"` → `12540000n`.
 */
export function parseEspayDataAmount(value: unknown, options: ParseAmountOptions = {}): Minor {
  return BigInt(wireDigits('espay', value, options.field)) * 100n;
}

/** Minor → Espay `data` amount, whole rupiah zero-padded to 12 digits: `12540000n` → `"000000125400"`. */
export function formatEspayDataAmount(minor: Minor): string {
  const rupiah = wholeRupiah(assertMinor(minor, 'formatEspayDataAmount'), 'formatEspayDataAmount');
  const text = rupiah.toString();
  if (text.length > ESPAY_DATA_AMOUNT_WIDTH) {
    throw new RangeError(`formatEspayDataAmount: Rp ${text} does not fit in ${ESPAY_DATA_AMOUNT_WIDTH} digits`);
  }
  return text.padStart(ESPAY_DATA_AMOUNT_WIDTH, '0');
}

/** IAK amount (whole rupiah, JSON number or digit string) → minor: `125400` → `12540000n`. */
export function parseIakAmount(value: unknown, options: ParseAmountOptions = {}): Minor {
  return BigInt(wireDigits('iak', value, options.field)) * 100n;
}

/** Minor → IAK whole-rupiah digit string: `12540000n` → `"125400"`. Throws if the amount has sen. */
export function formatIakAmount(minor: Minor): string {
  return wholeRupiah(assertMinor(minor, 'formatIakAmount'), 'formatIakAmount').toString();
}

function wholeRupiah(minor: bigint, caller: string): bigint {
  if (minor % 100n !== 0n) throw new RangeError(`${caller}: ${minor} sen is not a whole rupiah amount`);
  return minor / 100n;
}

/** Rupiah (whole) → minor units, for callers writing amounts by hand: `rupiah(125400)` → `12540000n`. */
export function rupiah(whole: number | bigint | string): Minor {
  if (typeof whole === 'bigint') return assertMinor(whole, 'rupiah') * 100n;
  if (typeof whole === 'number' && !Number.isSafeInteger(whole)) throw new RangeError(`rupiah: ${whole} is not a safe whole number`);
  if (typeof whole === 'string' && !DIGITS.test(whole)) throw new RangeError(`rupiah: ${JSON.stringify(whole)} is not a digit string`);
  return assertMinor(BigInt(whole), 'rupiah') * 100n;
}

/** Indonesian display format: `12540000n` → `"Rp 125.400,00"`, negatives as `"-Rp 1,50"`. */
export function formatIdr(minor: Minor): string {
  if (typeof minor !== 'bigint') throw new TypeError(`formatIdr: amount must be a bigint in minor units, got ${typeof minor}`);
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const sen = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}Rp ${whole},${sen}`;
}

const DECIMAL_RUPIAH = /^(-?)([0-9]+)(?:\.([0-9]{1,2}))?$/;

/**
 * A rupiah amount written with an optional decimal point and up to two decimals, as Espay's balance
 * answer does (`"16127451.00"`) → minor units (`1612745100n`). JSON numbers are read through their
 * shortest decimal text, so `16127451.5` → `1612745150n`; numbers beyond 2^53 are rejected.
 * Negative values only with `allowNegative` (a deposit can be overdrawn).
 */
export function parseRupiahDecimal(
  provider: Provider,
  value: unknown,
  options: ParseAmountOptions & { allowNegative?: boolean } = {},
): Minor {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER)
      throw malformed(provider, options.field, value, 'not a finite amount within 2^53');
    text = String(value);
  } else if (typeof value === 'string') {
    text = value;
  } else {
    throw malformed(provider, options.field, value, `expected a decimal string or number, got ${value === null ? 'null' : typeof value}`);
  }
  const m = DECIMAL_RUPIAH.exec(text);
  if (!m) throw malformed(provider, options.field, value, 'digits with at most two decimals');
  const negative = m[1] === '-';
  if (negative && !options.allowNegative) throw malformed(provider, options.field, value, 'negative');
  const minor = BigInt(m[2] as string) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  return negative ? -minor : minor;
}
