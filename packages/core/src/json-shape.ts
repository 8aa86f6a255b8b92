/**
 * A linear scan of JSON text that bounds nesting and member count before any parser runs. `JSON.parse`
 * takes seconds on a few megabytes of deeply nested arrays or of hundreds of thousands of distinct keys;
 * this scan stops at the first limit, so refusing such a body costs as much as its first few kilobytes.
 * Used on answers by the clients (`parseJsonBody`) and on requests by the sandbox.
 */

export interface JsonShapeLimits {
  /** Deepest nesting of objects and arrays allowed. */
  maxDepth: number;
  /** Most object members (`:` outside strings) plus array items allowed, each counted separately. */
  maxMembers: number;
}

export type JsonShapeVerdict = { ok: true } | { ok: false; reason: string };

const OK: JsonShapeVerdict = { ok: true };

/**
 * Checks text or UTF-8 bytes. Bytes work as well as characters: every byte of a multi-byte UTF-8 sequence
 * is >= 0x80, so none looks like JSON syntax. Malformed JSON passes when within the limits (the parser
 * that follows says what is wrong with it).
 */
export function jsonShape(input: string | Uint8Array, limits: JsonShapeLimits): JsonShapeVerdict {
  const text = typeof input === 'string';
  let members = 0;
  let items = 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < input.length; i++) {
    const c = text ? (input as string).charCodeAt(i) : ((input as Uint8Array)[i] as number);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x3a) {
      if (++members > limits.maxMembers) return { ok: false, reason: `has more than ${limits.maxMembers} fields` };
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limits.maxDepth) return { ok: false, reason: `nests deeper than ${limits.maxDepth} levels` };
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2c && ++items > limits.maxMembers) return { ok: false, reason: `has more than ${limits.maxMembers} items` };
  }
  return OK;
}

/**
 * Limits for a provider's answer: both providers' answers nest under ten levels; the largest (IAK's full
 * price list) has a few thousand members. Within these, parsing the 5 MiB a client accepts at most takes
 * a few tens of milliseconds, not seconds past the call's deadline.
 */
export const ANSWER_SHAPE_LIMITS: Readonly<JsonShapeLimits> = Object.freeze({ maxDepth: 64, maxMembers: 50_000 });
