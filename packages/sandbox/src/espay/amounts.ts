/**
 * Espay writes money two ways, and the sandbox keeps both exact by holding bigint sen:
 * - top-level `amount` / `bill_amount` / `admin_fee` and the payment request's `amount`: digits with two
 *   implied decimals, i.e. sen (`12540000` = Rp 125,400.00);
 * - values inside `data`: whole rupiah, zero-padded (`"000000125400"` = Rp 125,400).
 */

const SEN_PER_RUPIAH = 100n;
const DIGITS = /^[0-9]{1,17}$/;

/** Sen → the wire's implied-decimal digit string. */
export function toImpliedDecimals(sen: bigint): string {
  if (sen < 0n) throw new RangeError('espay amounts: negative amount');
  return sen.toString();
}

/** The wire's implied-decimal digit string → sen, or undefined if it is not a plain digit string of at most 17 digits (String(17)). */
export function parseImpliedDecimals(text: unknown): bigint | undefined {
  if (typeof text !== 'string' || !DIGITS.test(text)) return undefined;
  return BigInt(text);
}

/**
 * The display form Espay's Bill Payment table documents for the payment's `amount` ("Desimal (,00)",
 * `150.000,00`): thousands dots, a decimal comma and two decimals. Its digits without the separators are
 * the implied-decimal form, so it converts exactly (the spec's `FormAmount` tolerant pattern, accepted
 * by the sandbox because Espay documents it).
 */
const DISPLAY = /^[0-9]{1,3}(\.[0-9]{3}){0,4},[0-9]{2}$/;

/** A request `amount` in either documented form → sen: `12540000` or `125.400,00` → `12540000n`; else undefined. */
export function parseRequestAmount(text: unknown): bigint | undefined {
  if (typeof text === 'string' && DISPLAY.test(text)) return BigInt(text.replace(/[.,]/g, ''));
  return parseImpliedDecimals(text);
}

export function rupiah(whole: number | bigint): bigint {
  if (typeof whole === 'number' && !Number.isSafeInteger(whole))
    throw new TypeError(`espay amounts: ${whole} is not a whole number of rupiah`);
  return BigInt(whole) * SEN_PER_RUPIAH;
}

/** Sen → whole rupiah zero-padded to `width` digits, as `data.bill_amount` carries it. Bills are whole rupiah. */
export function toPaddedRupiah(sen: bigint, width = 12): string {
  if (sen < 0n || sen % SEN_PER_RUPIAH !== 0n) throw new RangeError('espay amounts: data amounts must be whole, non-negative rupiah');
  return (sen / SEN_PER_RUPIAH).toString().padStart(width, '0');
}

/** Whole rupiah as plain digits (`"2500"`), for `data` fields that are not zero-padded in the samples. */
export function toRupiahDigits(sen: bigint): string {
  if (sen < 0n || sen % SEN_PER_RUPIAH !== 0n) throw new RangeError('espay amounts: data amounts must be whole, non-negative rupiah');
  return (sen / SEN_PER_RUPIAH).toString();
}

/** `Rp 125.400,00`, for messages and the README. */
export function formatRupiah(sen: bigint): string {
  const whole = (sen / SEN_PER_RUPIAH).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `Rp ${whole},${(sen % SEN_PER_RUPIAH).toString().padStart(2, '0')}`;
}
