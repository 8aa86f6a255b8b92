/**
 * Time and id helpers. Asia/Jakarta is UTC+7 all year (no DST), so wall-clock time is computed
 * by offset: the result never depends on the machine's TZ or its tz database.
 */
import { randomBytes, randomFillSync } from 'node:crypto';

export const JAKARTA_OFFSET_MINUTES = 7 * 60;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

// Every request stamps the time and most stamp the same second as the one before: the last second's text
// is kept (the texts depend on the whole second only).
let cachedSecond = Number.NaN;
let cachedText = '';
let cachedCompactSecond = Number.NaN;
let cachedCompact = '';

/** `YYYY-MM-DD HH:MM:SS` in Asia/Jakarta, e.g. `2019-09-26 21:03:33`. */
export function jakartaDateTime(date: Date = new Date()): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('jakartaDateTime: invalid Date');
  const second = Math.floor(ms / 1000);
  if (second === cachedSecond) return cachedText;
  const local = new Date(second * 1000 + JAKARTA_OFFSET_MINUTES * 60_000);
  const text =
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  cachedSecond = second;
  cachedText = text;
  return text;
}

/** `YYYYMMDDHHMMSS` in Asia/Jakarta, handy inside references. */
export function jakartaCompact(date: Date = new Date()): string {
  const text = jakartaDateTime(date);
  if (cachedCompactSecond === cachedSecond) return cachedCompact;
  cachedCompact = text.replace(/[- :]/g, '');
  cachedCompactSecond = cachedSecond;
  return cachedCompact;
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

// Random bytes for ids are drawn from a pool refilled 4 KiB at a time: one CSPRNG call per ~680 ids instead
// of one per id. Each byte is handed out once.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** Upper-case hex of every byte value, so an id's random part is a few string joins, not toString + toUpperCase. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).toUpperCase().padStart(2, '0'));

function randomHex(bytes: number): string {
  if (bytes > POOL_BYTES) return randomBytes(bytes).toString('hex').toUpperCase();
  if (poolOffset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let hex = '';
  for (let i = poolOffset; i < poolOffset + bytes; i++) hex += HEX[pool[i]!];
  poolOffset += bytes;
  return hex;
}

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
  const random = randomHex(options.randomBytes ?? 6);
  return `${options.prefix ?? ''}${jakartaCompact(options.now)}${pad(counter, 3)}${random}`;
}
