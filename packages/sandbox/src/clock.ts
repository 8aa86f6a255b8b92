import { createHash, randomInt } from 'node:crypto';
import type { IdSource, SandboxClock } from './types.js';

/** The instant a deterministic sandbox starts at when no clock is given: 2025-01-01 10:00:00 WIB. */
export const DETERMINISTIC_EPOCH = '2025-01-01T03:00:00.000Z';

/**
 * The instants the sandbox clock can show: 1970-01-01 to 9999-12-31 UTC. Every date in it has a four-digit
 * year, so every timestamp the providers' formats hold (`YYYY-MM-DD HH:MM:SS`, `YmdHis`) can be written.
 */
export const CLOCK_RANGE = Object.freeze({ min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) });

/** How a caller may supply time: a function read on every use, or a fixed start that only moves when advanced. */
export type ClockOption = (() => Date) | { start: Date | string | number };

/**
 * A clock whose base is either the system clock, a caller's function or a frozen start, plus an offset
 * that `advance` and `set` move. The offset works for every base, so a test can jump past a settle
 * deadline or the 5-minute duplicate window without waiting.
 */
export class AdjustableClock implements SandboxClock {
  private offsetMs = 0;
  private readonly base: () => number;

  constructor(option: ClockOption | undefined, deterministic: boolean) {
    if (typeof option === 'function') {
      this.base = () => {
        const value = option();
        const ms = value instanceof Date ? value.getTime() : Number.NaN;
        if (!Number.isFinite(ms)) throw new TypeError('sandbox clock: the clock function must return a valid Date');
        return ms;
      };
    } else if (option !== undefined || deterministic) {
      const start = new Date(option?.start ?? DETERMINISTIC_EPOCH).getTime();
      if (!Number.isFinite(start) || start < CLOCK_RANGE.min || start > CLOCK_RANGE.max)
        throw new TypeError('sandbox clock: clock.start must be a valid date from 1970 to 9999');
      this.base = () => start;
    } else {
      this.base = () => Date.now();
    }
  }

  now(): Date {
    return new Date(this.clamp(this.base() + this.offsetMs));
  }

  /** Moves the clock forward; refuses (and changes nothing) when the result would leave {@link CLOCK_RANGE}. */
  advance(ms: number): Date {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
      throw new RangeError('sandbox clock: advance(ms) needs a finite, non-negative number');
    const target = this.now().getTime() + ms;
    if (target > CLOCK_RANGE.max)
      throw new RangeError(`sandbox clock: advancing by ${ms} ms would pass ${new Date(CLOCK_RANGE.max).toISOString()}`);
    this.offsetMs += ms;
    return this.now();
  }

  /** Sets the clock; refuses (and changes nothing) a value that is no date or lies outside {@link CLOCK_RANGE}. */
  set(to: Date | string | number): Date {
    const target = to instanceof Date || typeof to === 'string' || typeof to === 'number' ? new Date(to).getTime() : Number.NaN;
    if (!Number.isFinite(target)) throw new TypeError('sandbox clock: set() needs a valid date');
    if (target < CLOCK_RANGE.min || target > CLOCK_RANGE.max) {
      throw new RangeError(
        `sandbox clock: set() needs a date from ${new Date(CLOCK_RANGE.min).toISOString()} to ${new Date(CLOCK_RANGE.max).toISOString()}`,
      );
    }
    this.offsetMs = target - this.base();
    return this.now();
  }

  /** A live base keeps moving after a set/advance near the edge: the reading stays inside the range anyway. */
  private clamp(ms: number): number {
    return Math.min(CLOCK_RANGE.max, Math.max(CLOCK_RANGE.min, ms));
  }

  /** Back to the base time (used by reset, so that a deterministic run can be repeated on one server). */
  rewind(): void {
    this.offsetMs = 0;
  }
}

const ID_DIGITS = 12;

/**
 * Deterministic ids are the prefix plus a per-prefix counter mixed with the seed, so two runs with the
 * same seed and the same request sequence give the same references, and each provider's prefixes count
 * independently (an IAK call between two Espay calls does not shift Espay's ids).
 * Random ids are the prefix plus 12 digits not starting with 0, never repeated within one server.
 */
export class SandboxIds implements IdSource {
  private readonly counters = new Map<string, number>();
  private readonly issued = new Set<string>();
  private readonly seedOffset: number;

  constructor(private readonly seed: string | undefined) {
    // A seed moves the counter's starting point, so different seeds give visibly different ids.
    this.seedOffset = seed === undefined ? 0 : createHash('sha256').update(seed).digest().readUInt32BE(0) % 1_000_000;
  }

  get deterministic(): boolean {
    return this.seed !== undefined;
  }

  next(prefix: string): string {
    if (typeof prefix !== 'string') throw new TypeError('sandbox ids: prefix must be a string');
    if (this.seed !== undefined) {
      const n = (this.counters.get(prefix) ?? 0) + 1;
      this.counters.set(prefix, n);
      // Leading 1 keeps the digits a fixed width even when read as an integer (IAK tr_id is numeric).
      return `${prefix}1${String(this.seedOffset * 100_000 + n).padStart(ID_DIGITS - 1, '0')}`;
    }
    for (;;) {
      const id = `${prefix}${randomInt(1, 10)}${String(randomInt(0, 100_000)).padStart(5, '0')}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }

  reset(): void {
    this.counters.clear();
  }
}

/**
 * Small seeded PRNG (mulberry32) for per-run fault probabilities: deterministic runs draw the same
 * sequence; other runs are seeded from the OS.
 */
export function seededRandom(seed: string | undefined): () => number {
  let state = seed === undefined ? randomInt(0, 2 ** 32 - 1) : createHash('sha256').update(`faults:${seed}`).digest().readUInt32BE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
