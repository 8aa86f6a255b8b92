import { timingSafeEqual } from 'node:crypto';

export function assertString(value: unknown, name: string, caller: string): string {
  if (typeof value !== 'string') {
    const got = value === null ? 'null' : typeof value;
    throw new TypeError(`${caller}: ${name} must be a string, got ${got}`);
  }
  return value;
}

const HEX = /^[0-9a-fA-F]*$/;

/**
 * Compares an expected lowercase hex digest with a received one without leaking timing.
 * Received hex is accepted in either case since providers do not state it.
 */
export function safeEqualHex(expected: string, received: unknown, length: number): boolean {
  if (typeof received !== 'string' || received.length !== length || !HEX.test(received)) return false;
  return timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(received.toLowerCase(), 'latin1'));
}
