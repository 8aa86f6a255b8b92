// crypto.hash: one call, no Hash object (about 4× cheaper than createHash for a short input; Node ≥ 20.12).
import { hash } from 'node:crypto';
import { assertString, safeEqualHex } from './internal.js';

/** Espay biller services whose signature recipe is documented. */
export type EspayService = 'inquiry' | 'payment' | 'status' | 'balance';

/** Wire field order of each documented recipe; the signature key is always appended last. */
export const ESPAY_SIGNATURE_FIELDS = {
  inquiry: ['sender_id', 'order_id', 'product_code', 'rq_uuid'],
  payment: ['sender_id', 'order_id', 'product_code', 'amount', 'rq_uuid'],
  status: ['sender_id', 'ref_id', 'rq_uuid'],
  balance: ['sender_id', 'rq_uuid'],
} as const satisfies Record<EspayService, readonly string[]>;

/** The wire fields each service signs, by their form-field names. */
export type EspaySignatureFields<S extends EspayService = EspayService> = { [K in (typeof ESPAY_SIGNATURE_FIELDS)[S][number]]: string };

/**
 * `##` + parts joined by `##` + `##`, uppercased as a whole, SHA-256, lowercase hex.
 * Other Espay products (Tagih, Espay 360 …) use the same join with their own part lists.
 */
export function espayJoinHash(parts: readonly string[]): string {
  if (!Array.isArray(parts)) throw new TypeError('espayJoinHash: parts must be an array of strings');
  parts.forEach((part, index) => {
    assertString(part, `parts[${index}]`, 'espayJoinHash');
  });
  const joined = `##${parts.join('##')}##`.toUpperCase();
  return hash('sha256', joined, 'hex');
}

function orderedParts(service: EspayService, fields: Record<string, unknown>, signatureKey: unknown, caller: string): string[] {
  const recipe = ESPAY_SIGNATURE_FIELDS[service];
  if (!recipe) {
    throw new TypeError(
      `${caller}: unknown service ${JSON.stringify(service)}; expected one of ${Object.keys(ESPAY_SIGNATURE_FIELDS).join(', ')}`,
    );
  }
  if (fields === null || typeof fields !== 'object') throw new TypeError(`${caller}: fields must be an object`);
  const parts = recipe.map((name) => assertString(fields[name], name, caller));
  parts.push(assertString(signatureKey, 'signatureKey', caller));
  return parts;
}

/** Signature of an Espay biller request: 64 lowercase hex characters. */
export function espaySignature<S extends EspayService>(service: S, fields: EspaySignatureFields<S>, signatureKey: string): string {
  return espayJoinHash(orderedParts(service, fields as Record<string, unknown>, signatureKey, 'espaySignature'));
}

/**
 * Checks a received signature in constant time. Malformed signatures (wrong length, not hex)
 * give false; missing fields or key still throw, since that is a programming error on our side.
 */
export function verifyEspaySignature<S extends EspayService>(
  service: S,
  fields: EspaySignatureFields<S>,
  signatureKey: string,
  signature: string,
): boolean {
  const expected = espayJoinHash(orderedParts(service, fields as Record<string, unknown>, signatureKey, 'verifyEspaySignature'));
  return safeEqualHex(expected, signature, 64);
}

/**
 * The rq_uuid as the signature sees it: the signed text is upper-cased as a whole, so `abc-1` and `ABC-1`
 * carry the same signature. A receiver's "rq_uuid already used" check must compare this form, or a captured
 * request replays with its rq_uuid's case changed.
 */
export function espayRqUuidKey(rqUuid: string): string {
  return assertString(rqUuid, 'rqUuid', 'espayRqUuidKey').toUpperCase();
}

/**
 * How far a request's `rq_datetime` may lie from the receiver's clock, either way (5 minutes, Espay's own
 * "same transaction" window). Older requests are stale (a replay or a very late retry); later ones come from
 * a clock that is off. Senders should build `rq_datetime` from the clock at the moment of sending.
 */
export const ESPAY_RQ_DATETIME_WINDOW_MS = 5 * 60_000;

const RQ_DATETIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})$/;
const WIB_OFFSET_MS = 7 * 3_600_000;

/** An Espay `rq_datetime` (`YYYY-MM-DD HH:MM:SS`, Jakarta time) as epoch milliseconds; undefined when it is no real date. */
export function parseEspayDatetime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = RQ_DATETIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(utc);
  // Date.UTC rolls 2025-02-30 over to March: a date that does not round-trip was no date.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || back.getUTCHours() !== hour)
    return undefined;
  if (minute > 59 || second > 59) return undefined;
  return utc - WIB_OFFSET_MS;
}

/**
 * Whether `rq_datetime` lies within `windowMs` of `nowMs` (either way). `stale` / `future` name the side it
 * fell off; `invalid` means it is no date at all.
 */
export function espayRqDatetimeFreshness(
  text: unknown,
  nowMs: number,
  windowMs: number = ESPAY_RQ_DATETIME_WINDOW_MS,
): 'fresh' | 'stale' | 'future' | 'invalid' {
  const at = parseEspayDatetime(text);
  if (at === undefined) return 'invalid';
  if (at < nowMs - windowMs) return 'stale';
  if (at > nowMs + windowMs) return 'future';
  return 'fresh';
}
