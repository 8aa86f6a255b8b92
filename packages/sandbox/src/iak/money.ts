/**
 * IAK quotes money as plain rupiah numbers (`"nominal": 300000`, `"balance": 997586108`). The sandbox keeps
 * every amount as bigint sen and only turns it into text at the edge, so no amount ever passes through a float.
 */

const SEN_PER_RUPIAH = 100n;

/** A JSON number written out verbatim (exact decimal text), so bigint money never becomes a double on the way out. */
export class RawNumber {
  readonly text: string;
  constructor(text: string) {
    if (!/^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(text)) throw new TypeError(`RawNumber: not a decimal number: ${JSON.stringify(text)}`);
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

/** Rupiah (whole) to sen. */
export function rupiah(amount: number | bigint): bigint {
  if (typeof amount === 'number' && !Number.isSafeInteger(amount)) throw new TypeError(`rupiah: ${amount} is not a safe integer`);
  return BigInt(amount) * SEN_PER_RUPIAH;
}

/** Sen as IAK's rupiah text: `30000000n` → `300000`, `12345n` → `123.45`. */
export function senToRupiahText(sen: bigint): string {
  const negative = sen < 0n;
  const abs = negative ? -sen : sen;
  const whole = abs / SEN_PER_RUPIAH;
  const fraction = abs % SEN_PER_RUPIAH;
  const text = fraction === 0n ? whole.toString() : `${whole}.${fraction.toString().padStart(2, '0').replace(/0$/, '')}`;
  return negative ? `-${text}` : text;
}

/** Sen as an exact JSON number in rupiah. */
export function amount(sen: bigint): RawNumber {
  return new RawNumber(senToRupiahText(sen));
}

/** Sen as receipt text: `Rp 50.000` (Indonesian thousands separator, `,xx` only when there are sen). */
export function receiptRupiah(sen: bigint): string {
  const abs = sen < 0n ? -sen : sen;
  const whole = (abs / SEN_PER_RUPIAH).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const fraction = abs % SEN_PER_RUPIAH;
  return `${sen < 0n ? '-' : ''}Rp ${whole}${fraction === 0n ? '' : `,${fraction.toString().padStart(2, '0')}`}`;
}

/**
 * JSON text of a response value. Like JSON.stringify, plus {@link RawNumber} (written verbatim) and bigint
 * (written as an integer); `undefined` properties are dropped.
 */
export function toJson(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof RawNumber) return value.text;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('toJson: non-finite number');
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => toJson(item)).join(',')}]`;
      const parts: string[] = [];
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (item === undefined) continue;
        parts.push(`${JSON.stringify(key)}:${toJson(item)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`toJson: cannot serialise ${typeof value}`);
  }
}

/** The same value with RawNumber and bigint turned into plain strings, for the XML codec (XML text has no types). */
export function toXmlValue(value: unknown): unknown {
  if (value instanceof RawNumber) return value.text;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((item) => toXmlValue(item));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item !== undefined) out[key] = toXmlValue(item);
    }
    return out;
  }
  return value;
}
