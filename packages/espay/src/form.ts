/**
 * The Espay form body, written by hand on purpose.
 *
 * The generated SDK would serialise bodies with hey-api's `urlSearchParamsBodySerializer`, which
 * follows the object's key order, JSON-stringifies non-strings and drops nulls silently. Espay's
 * samples always list the fields in one order per operation, and the signature covers exact strings,
 * so each operation gets a serializer that:
 * - writes the documented fields in the documented order (independent of how the object was built),
 * - refuses non-string values and unknown fields instead of converting or dropping them,
 * - percent-encodes with encodeURIComponent (space → `%20`, as in the sandbox samples), so every byte
 *   is predictable and the body is sent exactly once, in one encoding.
 * The client sends its output as is; `espayBodySerializer` offers the same encoding to the generated SDK
 * (its `bodySerializer` option), which is how the parity test proves both send the same request.
 */

export type EspayOperation = 'inquiryTransaction' | 'paymentReport' | 'getTransactionInfo' | 'getBalance' | 'getRegisteredProducts';

/** Field order per operation, as in the docs' tables and samples. */
export const ESPAY_FORM_ORDER = {
  inquiryTransaction: ['rq_uuid', 'rq_datetime', 'sender_id', 'password', 'order_id', 'product_code', 'signature', 'additional_data'],
  paymentReport: ['rq_uuid', 'rq_datetime', 'sender_id', 'password', 'order_id', 'product_code', 'amount', 'signature', 'data'],
  getTransactionInfo: ['rq_uuid', 'rq_datetime', 'sender_id', 'password', 'signature', 'ref_id'],
  getBalance: ['rq_uuid', 'rq_datetime', 'sender_id', 'password', 'signature'],
  getRegisteredProducts: ['rq_uuid', 'rq_datetime', 'sender_id', 'password', 'signature'],
} as const satisfies Record<EspayOperation, readonly string[]>;

/** Encodes one operation's body in its documented field order. Absent (undefined) optional fields are skipped. */
export function encodeEspayForm(operation: EspayOperation, body: object): string {
  const order: readonly string[] = ESPAY_FORM_ORDER[operation];
  if (!order) throw new TypeError(`encodeEspayForm: unknown operation ${JSON.stringify(operation)}`);
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!order.includes(key) && fields[key] !== undefined) {
      throw new TypeError(`encodeEspayForm: ${operation} has no field ${JSON.stringify(key)}`);
    }
  }
  const pairs: string[] = [];
  for (const key of order) {
    const value = fields[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw new TypeError(`encodeEspayForm: ${operation}.${key} must be a string, got ${value === null ? 'null' : typeof value}`);
    }
    pairs.push(`${key}=${encodeURIComponent(value)}`);
  }
  return pairs.join('&');
}

/** A hey-api `bodySerializer` for one operation. */
export function espayBodySerializer(operation: EspayOperation): (body: unknown) => string {
  return (body) => {
    if (body === null || typeof body !== 'object') throw new TypeError(`encodeEspayForm: ${operation} body must be an object`);
    return encodeEspayForm(operation, body);
  };
}
