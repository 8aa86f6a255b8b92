/**
 * The transport's retry policy: which answers and failures an idempotent call may retry, how long it waits
 * (capped exponential backoff with jitter, or the server's Retry-After when it is within the cap), and the
 * abortable sleep between attempts. Non-idempotent calls never get here: they have one attempt.
 */
import { ConnectionError, TimeoutError } from './errors.js';

export const DEFAULT_MAX_DELAY_MS = 4000;
/** Listener options shared by every abort listener (one object, not one per call). */
export const ONCE = { once: true } as const;

export interface RetryOptions {
  /** Retries after the first attempt, for idempotent calls only. Default 2. */
  maxRetries?: number;
  /** First backoff delay; doubles per retry. Default 250 ms. */
  baseDelayMs?: number;
  /** Cap of a single backoff delay. Default 4000 ms. */
  maxDelayMs?: number;
}

/** Capped exponential backoff with jitter in [50%, 100%] of the step (retry numbers start at 1). */
export function backoffDelay(retry: number, options: RetryOptions = {}, random: () => number = Math.random): number {
  const base = options.baseDelayMs ?? 250;
  const max = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const step = Math.min(max, base * 2 ** Math.max(0, retry - 1));
  return Math.round(step * (0.5 + 0.5 * random()));
}

/** Sleeps, rejecting with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, ONCE);
  });
}

/** HTTP statuses an idempotent call may retry: request timeout, throttling, gateway/server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status === 502 || status === 503 || status === 504 || status === 500;
}

/** Transport errors an idempotent call may retry. A deadline or caller abort is final. */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  if (error instanceof TimeoutError) return error.limit === 'attempt';
  return false;
}

/** A Retry-After header (seconds or an HTTP date) in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** How one call retries: its options, resolved once per transport. */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly options: RetryOptions | undefined;
  readonly random: () => number;
}

/** The wait before retrying after a retryable status: the server's Retry-After when within the cap, else backoff. */
export function delayAfterStatus(policy: RetryPolicy, attempt: number, retryAfter: string | null): number {
  const hinted = retryAfterMs(retryAfter);
  const cap = policy.options?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  return hinted !== undefined && hinted <= cap ? hinted : backoffDelay(attempt, policy.options, policy.random);
}
