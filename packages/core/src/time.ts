/**
 * Time and id helpers. Asia/Jakarta is UTC+7 all year (no DST), so wall-clock time is computed
 * by offset: the result never depends on the machine's TZ or its tz database.
 */
import { randomBytes } from 'node:crypto';

export const JAKARTA_OFFSET_MINUTES = 7 * 60;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD HH:MM:SS` in Asia/Jakarta, e.g. `2019-09-26 21:03:33`. */
export function jakartaDateTime(date: Date = new Date()): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('jakartaDateTime: invalid Date');
  const local = new Date(ms + JAKARTA_OFFSET_MINUTES * 60_000);
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`
  );
}

/** `YYYYMMDDHHMMSS` in Asia/Jakarta, handy inside references. */
export function jakartaCompact(date: Date = new Date()): string {
  return jakartaDateTime(date).replace(/[- :]/g, '');
}

/**
 * Parses `YYYY-MM-DD HH:MM:SS` as Asia/Jakarta wall time. Returns undefined for anything else
 * (providers send malformed stamps such as `2025-02-1414: 24: 22`; those are data, not errors).
 */
export function parseJakartaDateTime(text: unknown): Date | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s) - JAKARTA_OFFSET_MINUTES * 60_000;
  const back = new Date(utc);
  // Reject calendar overflow (2025-02-30) instead of silently rolling over.
  return jakartaDateTime(back) === text ? back : undefined;
}

let counter = 0;

export interface UniqueIdOptions {
  /** Prepended verbatim (Espay wants `sender_id + unique id`). */
  prefix?: string;
  /** Random bytes appended as uppercase hex; default 6. */
  randomBytes?: number;
  /** Clock used for the time part; default now. */
  now?: Date;
}

/**
 * A unique, sortable-ish id: prefix + Jakarta `YYYYMMDDHHMMSS` + 3-digit process counter + random hex.
 * Only `[0-9A-Za-z]` beyond the prefix, so it survives form encoding and Espay's uppercasing
 * of the signature input unchanged in meaning.
 */
export function uniqueId(options: UniqueIdOptions = {}): string {
  counter = (counter + 1) % 1000;
  const random = randomBytes(options.randomBytes ?? 6)
    .toString('hex')
    .toUpperCase();
  return `${options.prefix ?? ''}${jakartaCompact(options.now)}${pad(counter, 3)}${random}`;
}
