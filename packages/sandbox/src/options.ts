/** The options of `startSandbox`, their defaults and their checks. */
import type { ClockOption } from './clock.js';
import type { SandboxCredentialsOverride } from './credentials.js';
import type { FaultPlan } from './faults.js';
import type { SandboxRetention } from './types.js';
import type { RequestProfile } from './request-check.js';

export interface SandboxLogger {
  error(message: string, details?: Record<string, unknown>): void;
}

export interface SandboxOptions {
  /** Interface to listen on; loopback unless set explicitly. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  credentials?: SandboxCredentialsOverride;
  /**
   * Seeded ids and a frozen clock (2025-01-01 10:00 WIB unless `clock` says otherwise): two runs with the
   * same requests give the same ids and timestamps. `true` uses the seed `"billerkit"`.
   */
  deterministic?: boolean | { seed: string };
  /** A function read on every use, or a fixed start that moves only through `advanceClock` / `setClock`. */
  clock?: ClockOption;
  /** Pending payments settle after this many status checks or this many milliseconds, whichever comes first. */
  settle?: { afterChecks?: number; afterMs?: number };
  /** Which generation of IAK's published test numbers is active. */
  iakTestNumberGeneration?: 'seed' | 'newer';
  /** Starting deposit balances in minor units (sen); bigint or a digit string. */
  initialBalances?: { espay?: bigint | string; iak?: bigint | string };
  /** Per-run faults: a function of the request or a probability list. A request's `x-sandbox-fault` header wins. */
  faults?: FaultPlan;
  /** Upper bound of any injected latency (default 10 000 ms). */
  maxLatencyMs?: number;
  /** Largest accepted request body (default 64 KiB); a longer one is read to its end (up to 4 MiB) and refused. */
  maxBodyBytes?: number;
  /** Time allowed for receiving a whole request and for a provider to answer it (default 30 000 ms). */
  requestTimeoutMs?: number;
  /**
   * How Espay request bodies are checked: `provider` by default (the documented contract plus what Espay is
   * evidenced to accept), `strict` or `tolerant` (see {@link RequestProfile}).
   */
  espayRequestProfile?: RequestProfile;
  /** Same for IAK request bodies. */
  iakRequestProfile?: RequestProfile;
  /** Where unexpected exceptions are reported; defaults to stderr. Never receives request bodies. */
  logger?: SandboxLogger;
  /**
   * A connection with no traffic either way for this long is closed: a client that stops reading its
   * answer, or sends nothing (default 15 000 ms; always longer than `maxLatencyMs`).
   */
  idleTimeoutMs?: number;
  /**
   * How far an Espay `rq_datetime` may lie from the sandbox clock, either way (default 5 minutes with the
   * system clock). `false` turns the check off; it is off by default when the clock is frozen or the
   * caller's (deterministic mode, `clock`), since the clients' clocks then disagree with the sandbox's.
   */
  espayRqDatetimeWindowMs?: number | false;
  /** How much state is kept before the oldest is forgotten (see {@link DEFAULT_RETENTION}). */
  retention?: Partial<SandboxRetention>;
  /**
   * IAK's test host answers a test number the same way every time, paid or not. By default the sandbox
   * remembers payments, so a paid bill answers "already paid" (`01`) until reset; `true` restores the
   * stateless behaviour.
   */
  iakStatelessTestNumbers?: boolean;
  /** Host names (besides `localhost` and IP literals) under which `/__sandbox/*` may be reached, e.g. a container name. */
  allowedHosts?: readonly string[];
  /**
   * Keep the providers' state (deposits, payments, used request ids, IAK inquiries) in this JSON file across
   * restarts; written atomically after every provider request, before its answer. Default: memory only.
   */
  stateFile?: string;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  maxLatencyMs: 10_000,
  // Real requests of either provider are a few hundred bytes; Espay payments with bill data a few kB.
  maxBodyBytes: 64 * 1024,
  /** Past this much (or 8 × maxBodyBytes) an over-long body is not drained but the connection closed. */
  minDrainBytes: 4 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  settleAfterChecks: 2,
  settleAfterMs: 60_000,
  initialBalanceMinor: 1_000_000_000n, // Rp 10,000,000.00
  closeGraceMs: 1_000,
  idleTimeoutMs: 15_000,
};

export const stderrLogger: SandboxLogger = {
  error(message, details) {
    console.error(`[billerkit-sandbox] ${message}`, details ?? '');
  },
};

export function balanceOption(value: bigint | string | undefined, name: string): bigint {
  if (value === undefined) return DEFAULTS.initialBalanceMinor;
  if (typeof value === 'bigint' && value >= 0n) return value;
  if (typeof value === 'string' && /^[0-9]{1,30}$/.test(value)) return BigInt(value);
  throw new TypeError(`startSandbox: initialBalances.${name} must be a non-negative bigint or digit string (minor units)`);
}

export function positiveInt(value: number | undefined, fallback: number, name: string, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1))
    throw new TypeError(`startSandbox: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
  return value;
}
