import { type JsonShapeVerdict, jsonShape } from '@billerkit/core';

/**
 * Bounds on the work one request can cause. Both providers' requests are a dozen short fields, so a body
 * with hundreds of members is refused by a linear scan that stops at the limit, before any parser, the
 * signature check or the schema check sees it; and an answer names at most {@link MAX_REPORTED_ISSUES}
 * problems, with a count of the rest.
 */

/** Most members (fields, at any depth) a request may carry; the largest real request has about 12. */
export const MAX_REQUEST_MEMBERS = 64;
/** Deepest nesting of objects/arrays (or XML elements) a request may have; real requests nest 2 deep. */
export const MAX_REQUEST_DEPTH = 8;
/** Problems named in one error answer; the rest are counted. */
export const MAX_REPORTED_ISSUES = 20;

export type ShapeVerdict = JsonShapeVerdict;

const OK: ShapeVerdict = { ok: true };
const tooMany: ShapeVerdict = { ok: false, reason: `has more than ${MAX_REQUEST_MEMBERS} fields` };

/** A JSON request body: at most {@link MAX_REQUEST_MEMBERS} members, {@link MAX_REQUEST_DEPTH} levels. */
export function jsonRequestShape(bytes: Uint8Array): ShapeVerdict {
  return jsonShape(bytes, { maxDepth: MAX_REQUEST_DEPTH, maxMembers: MAX_REQUEST_MEMBERS });
}

/** Counts XML tags (`<`); every element has two, the declaration one. */
export function xmlShape(bytes: Buffer): ShapeVerdict {
  let tags = 0;
  let from = 0;
  for (;;) {
    const at = bytes.indexOf(0x3c, from);
    if (at === -1) return OK;
    if (++tags > MAX_REQUEST_MEMBERS * 2 + 2) return tooMany;
    from = at + 1;
  }
}

/** Counts form pairs (`&`-separated). */
export function formShape(bytes: Buffer): ShapeVerdict {
  let pairs = 1;
  let from = 0;
  for (;;) {
    const at = bytes.indexOf(0x26, from);
    if (at === -1) return OK;
    if (++pairs > MAX_REQUEST_MEMBERS) return tooMany;
    from = at + 1;
  }
}

/**
 * Characters no field of either provider may hold: C0/C1 controls (NUL included) and the Unicode
 * bidirectional controls (a right-to-left override makes `order_id` display as something it is not).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this pattern is for
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
/** The same, minus tab, line feed and carriage return: what JSON text fields (Espay `data`) may hold. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this pattern is for
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/**
 * Names of the string fields (at any depth, as `a.b`) that hold an unsafe character, at most
 * {@link MAX_REPORTED_ISSUES}. Top-level fields named in `textFields` may hold whitespace controls.
 */
export function fieldsWithUnsafeCharacters(
  value: unknown,
  textFields: ReadonlySet<string> = new Set(),
  prefix = '',
  found: string[] = [],
): string[] {
  if (found.length >= MAX_REPORTED_ISSUES) return found;
  if (typeof value === 'string') {
    if ((textFields.has(prefix) ? UNSAFE_IN_TEXT : UNSAFE_CHARACTERS).test(value)) found.push(prefix || 'body');
  } else if (value !== null && typeof value === 'object') {
    for (const [name, item] of Object.entries(value))
      fieldsWithUnsafeCharacters(item, textFields, prefix ? `${prefix}.${name}` : name, found);
  }
  return found;
}

/** The first {@link MAX_REPORTED_ISSUES} items, and how many were left out. */
export function capIssues<T>(issues: readonly T[]): { shown: T[]; omitted: number } {
  return { shown: issues.slice(0, MAX_REPORTED_ISSUES), omitted: Math.max(0, issues.length - MAX_REPORTED_ISSUES) };
}
