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
    throw new TypeError(`${caller}: unknown service ${JSON.stringify(service)}; expected one of ${Object.keys(ESPAY_SIGNATURE_FIELDS).join(', ')}`);
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
