/**
 * HTTP over `fetch` with the guarantees both clients need:
 * - a per-attempt timeout AND a total deadline, combined with the caller's AbortSignal;
 * - a response size cap that holds whatever the server declares, and timeouts that also bound the body,
 *   so neither a huge nor a slow-drip body can hold a caller past the deadline;
 * - network failures → ConnectionError, timeouts → TimeoutError (with the phase they hit);
 * - retries with capped exponential backoff + jitter ONLY for calls the caller marks idempotent.
 *   Payments are never retried here; see `confirmPayment` for the safe way.
 */
import { setMaxListeners } from 'node:events';
import {
  type BillerkitError,
  ConnectionError,
  MalformedResponseError,
  type Provider,
  RequestAbortedError,
  type RequestSummary,
  TimeoutError,
} from './errors.js';
import { createRedactor, createSafeLogger, type Logger, type Redactor } from './redact.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_TOTAL_TIMEOUT_MS = 90_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_DELAY_MS = 4000;
/** Listener options shared by every abort listener (one object, not one per call). */
const ONCE = { once: true } as const;

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface RetryOptions {
  /** Retries after the first attempt, for idempotent calls only. Default 2. */
  maxRetries?: number;
  /** First backoff delay; doubles per retry. Default 250 ms. */
  baseDelayMs?: number;
  /** Cap of a single backoff delay. Default 4000 ms. */
  maxDelayMs?: number;
}

export interface TransportOptions {
  provider: Provider;
  /** Injectable fetch; defaults to the global one. */
  fetch?: FetchLike;
  /** Per-attempt timeout (headers + body). Default 30 s. */
  timeoutMs?: number;
  /** Deadline across all attempts and backoff sleeps. Default 90 s. */
  totalTimeoutMs?: number;
  /** Larger responses fail with MalformedResponseError. Default 5 MiB. */
  maxResponseBytes?: number;
  retry?: RetryOptions;
  logger?: Logger;
  /** Redactor with the client's secrets; every log line goes through it. */
  redactor?: Redactor;
  /** Jitter source in [0, 1); injectable for tests. */
  random?: () => number;
}

export interface TransportRequest {
  /** Operation name for logs and errors. */
  operation: string;
  method?: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /**
   * True only for calls that are safe to send twice (inquiries, status, balance, price lists).
   * Non-idempotent calls get exactly one attempt.
   */
  idempotent: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  totalTimeoutMs?: number;
  /** Caller references for error summaries (rq_uuid, order_id …). */
  references?: Record<string, string>;
}

export interface TransportResponse {
  status: number;
  headers: Headers;
  /** Body decoded as UTF-8 (invalid sequences replaced). */
  body: string;
  bytes: number;
  contentType: string;
  url: string;
  /** Number of attempts made, 1 when no retry happened. */
  attempts: number;
  durationMs: number;
  request: RequestSummary;
}

export interface Transport {
  readonly provider: Provider;
  send(request: TransportRequest): Promise<TransportResponse>;
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

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function errnoOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (current as { errors?: unknown }).errors; // AggregateError from happy-eyeballs
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = errnoOf(errors[0]);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** undici's rejection of a redirect under `redirect: 'error'`. */
function isRefusedRedirect(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return error instanceof TypeError && cause instanceof Error && cause.message === 'unexpected redirect';
}

function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Why an attempt's own controller was aborted by the transport (a caller's abort is told apart by its signal). */
type Limit = 'attempt' | 'deadline';

/**
 * Attempts without a caller signal share one AbortController per {@link SHARED_TIMEOUT_STEP_MS} of deadline.
 * Creating an AbortController (Node makes every AbortSignal transferable) was the largest single cost of
 * the transport in the client-overhead profiles; under load, tens of attempts fall in one step and share
 * one controller and one timer. The shared timer fires at the end of its step, so an attempt is aborted at
 * its limit or at most one step later, never earlier; the entry is dropped as soon as its last attempt ends.
 */
export const SHARED_TIMEOUT_STEP_MS = 10;

interface SharedTimeout {
  readonly key: number;
  readonly controller: AbortController;
  timer: ReturnType<typeof setTimeout> | undefined;
  attempts: number;
}

const sharedTimeouts = new Map<number, SharedTimeout>();

function joinSharedTimeout(abortAt: number): SharedTimeout {
  const key = Math.ceil(abortAt / SHARED_TIMEOUT_STEP_MS);
  let entry = sharedTimeouts.get(key);
  if (entry === undefined) {
    const controller = new AbortController();
    // Every attempt's fetch listens on this signal; the listener count is bounded by the attempts of one step.
    // (A finite limit: undici's getMaxListeners check throws, and it catches, for a limit of 0.)
    setMaxListeners(10_000, controller.signal);
    entry = { key, controller, attempts: 0, timer: undefined };
    entry.timer = setTimeout(fireSharedTimeout, Math.max(0, key * SHARED_TIMEOUT_STEP_MS - Date.now()), entry);
    sharedTimeouts.set(key, entry);
  }
  entry.attempts += 1;
  return entry;
}

function fireSharedTimeout(entry: SharedTimeout): void {
  entry.timer = undefined;
  if (sharedTimeouts.get(entry.key) === entry) sharedTimeouts.delete(entry.key);
  entry.controller.abort(timeoutReason());
}

function leaveSharedTimeout(entry: SharedTimeout): void {
  entry.attempts -= 1;
  if (entry.attempts > 0) return;
  if (entry.timer !== undefined) clearTimeout(entry.timer);
  entry.timer = undefined;
  if (sharedTimeouts.get(entry.key) === entry) sharedTimeouts.delete(entry.key);
}

/** Shared timeout entries alive now (tests: none may be left behind once every call has ended). */
export function sharedTimeoutsInUse(): number {
  return sharedTimeouts.size;
}

/**
 * One attempt's abort state, under whichever limit comes first (its own timeout or the call's deadline).
 * Without a caller signal it joins a shared timeout; with one, it gets its own controller and timer, and the
 * caller-signal listener is removed when the attempt ends, so a long-lived caller signal does not collect
 * one listener per call. (AbortSignal.timeout + AbortSignal.any per attempt were 7–9% of a call's CPU.)
 */
class AttemptAbort {
  readonly limit: Limit;
  readonly limitMs: number;
  readonly signal: AbortSignal;
  private shared: SharedTimeout | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly caller: AbortSignal | undefined;
  private readonly onCallerAbort: (() => void) | undefined;

  constructor(perAttemptMs: number, deadlineAt: number, caller: AbortSignal | undefined) {
    const now = Date.now();
    const remaining = deadlineAt - now;
    this.limit = remaining <= perAttemptMs ? 'deadline' : 'attempt';
    this.limitMs = Math.max(0, Math.min(remaining, perAttemptMs));
    this.caller = caller;
    if (caller === undefined && this.limitMs > 0) {
      this.shared = joinSharedTimeout(now + this.limitMs);
      this.signal = this.shared.controller.signal;
      return;
    }
    const controller = new AbortController();
    this.signal = controller.signal;
    if (caller?.aborted) {
      controller.abort(caller.reason);
      return;
    }
    if (this.limitMs === 0) {
      controller.abort(timeoutReason());
      return;
    }
    this.timer = setTimeout(abortForTimeout, this.limitMs, controller);
    if (caller) {
      this.onCallerAbort = () => controller.abort(caller.reason);
      caller.addEventListener('abort', this.onCallerAbort, ONCE);
    }
  }

  /** Stops the timer (or leaves the shared one) and unhooks the caller's signal; safe to call twice. */
  release(): void {
    if (this.shared !== undefined) leaveSharedTimeout(this.shared);
    this.shared = undefined;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.onCallerAbort) this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}

function timeoutReason(): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

function abortForTimeout(controller: AbortController): void {
  controller.abort(timeoutReason());
}

export function createTransport(options: TransportOptions): Transport {
  const provider = options.provider;
  // The global fetch is undici's, whose body streams honour a cancel; an injected fetch promises nothing,
  // so its bodies are also raced chunk by chunk against the signal.
  const raceChunks = options.fetch !== undefined;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const redactor = options.redactor ?? createRedactor();
  // Undefined without a logger: `log?.debug(…)` then skips building the metadata of every line.
  const log = options.logger ? createSafeLogger(options.logger, redactor) : undefined;
  const cap = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const random = options.random ?? Math.random;
  const maxRetries = options.retry?.maxRetries ?? 2;
  const attemptMsDefault = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const totalMsDefault = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;

  async function attemptOnce(req: TransportRequest, summary: RequestSummary, deadlineAt: number, perAttemptMs: number, totalMs: number) {
    const abort = new AttemptAbort(perAttemptMs, deadlineAt, req.signal);
    let phase: 'before-response' | 'during-body' = 'before-response';
    const started = log ? Date.now() : 0;
    log?.debug(`${provider} ${req.operation} request`, {
      provider,
      operation: req.operation,
      method: summary.method,
      url: req.url,
      attempt: summary.attempt,
      body: req.body,
    });
    try {
      const response = await fetchImpl(req.url, {
        method: summary.method,
        headers: req.headers,
        body: req.body,
        signal: abort.signal,
        // Neither API redirects, so a redirect is an anomaly to report, never to follow. 'error' rather than
        // 'manual' also spares undici a copy of every request (it tees the body of any request it might
        // have to re-send to a redirect target).
        redirect: 'error',
      });
      phase = 'during-body';
      const { text, bytes } = await readBody(response, abort.signal, cap, provider, summary, raceChunks);
      const contentType = response.headers.get('content-type') ?? '';
      log?.debug(`${provider} ${req.operation} response`, {
        provider,
        operation: req.operation,
        status: response.status,
        attempt: summary.attempt,
        durationMs: Date.now() - started,
        contentType,
        body: text.length > 4000 ? `${text.slice(0, 4000)}…` : text,
      });
      return { response, text, bytes, contentType };
    } catch (error) {
      const mapped = mapError(error, phase, req, summary, abort, totalMs);
      log?.debug(`${provider} ${req.operation} failed`, {
        provider,
        operation: req.operation,
        attempt: summary.attempt,
        durationMs: Date.now() - started,
        error: mapped.name,
        message: mapped.message,
      });
      throw mapped;
    } finally {
      abort.release();
    }
  }

  function mapError(
    error: unknown,
    phase: 'before-response' | 'during-body',
    req: TransportRequest,
    summary: RequestSummary,
    abort: AttemptAbort,
    totalMs: number,
  ): BillerkitError {
    const base = { provider, request: summary, redactor, cause: error };
    if (error instanceof MalformedResponseError) return error;
    const where = phase === 'before-response' ? 'before any response arrived' : 'while reading the response body';
    if (req.signal?.aborted) {
      return new RequestAbortedError({ ...base, message: `${provider} ${req.operation}: aborted by the caller ${where}` });
    }
    if (abort.signal.aborted) {
      if (abort.limit === 'deadline') {
        return new TimeoutError({
          ...base,
          phase,
          limit: 'deadline',
          timeoutMs: totalMs,
          message: `${provider} ${req.operation}: total deadline of ${totalMs} ms passed ${where}`,
        });
      }
      return new TimeoutError({
        ...base,
        phase,
        limit: 'attempt',
        timeoutMs: abort.limitMs,
        message: `${provider} ${req.operation}: no complete answer within ${abort.limitMs} ms (${where})`,
      });
    }
    if (isRefusedRedirect(error)) {
      // The server answered, so a payment may have been received: an answer we cannot use, like any other.
      return new MalformedResponseError({ ...base, message: `${provider} ${req.operation}: answered with an HTTP redirect, which it never sends (is baseUrl right, https rather than http?); not followed` });
    }
    const errno = errnoOf(error);
    const detail = errno ?? (error instanceof Error ? error.message : String(error));
    return new ConnectionError({
      ...base,
      phase,
      errno,
      requestMaybeReceived: phase === 'during-body' || errno === undefined || !NOT_SENT_CODES.has(errno),
      message: `${provider} ${req.operation}: connection failed ${where} (${detail})`,
    });
  }

  async function send(req: TransportRequest): Promise<TransportResponse> {
    const perAttemptMs = req.timeoutMs ?? attemptMsDefault;
    const totalMs = req.totalTimeoutMs ?? totalMsDefault;
    const started = Date.now();
    const deadlineAt = started + totalMs;
    const retries = req.idempotent ? maxRetries : 0;
    for (let attempt = 1; ; attempt++) {
      const summary: RequestSummary = {
        operation: req.operation,
        method: req.method ?? 'POST',
        url: req.url,
        attempt,
        ...(req.references ? { references: req.references } : {}),
      };
      let delay: number | undefined;
      try {
        const { response, text, bytes, contentType } = await attemptOnce(req, summary, deadlineAt, perAttemptMs, totalMs);
        if (attempt <= retries && isRetryableStatus(response.status)) {
          const hinted = retryAfterMs(response.headers);
          delay = hinted !== undefined && hinted <= (options.retry?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS) ? hinted : backoffDelay(attempt, options.retry, random);
          if (Date.now() + delay - started >= totalMs) delay = undefined;
        }
        if (delay === undefined) {
          return {
            status: response.status,
            headers: response.headers,
            body: text,
            bytes,
            contentType,
            url: req.url,
            attempts: attempt,
            durationMs: Date.now() - started,
            request: summary,
          };
        }
        log?.debug(`${provider} ${req.operation} retrying after HTTP ${response.status}`, { attempt, delayMs: delay });
      } catch (error) {
        if (attempt > retries || !isRetryableError(error)) throw error;
        delay = backoffDelay(attempt, options.retry, random);
        if (Date.now() + delay - started >= totalMs) throw error;
        log?.debug(`${provider} ${req.operation} retrying after ${(error as Error).name}`, { attempt, delayMs: delay });
      }
      // A retry is only scheduled when its delay ends before the deadline, so only the caller can end this sleep
      // early; a deadline that passes anyway (a late timer) ends the next attempt before it sends.
      try {
        await sleep(delay, req.signal);
      } catch {
        throw new RequestAbortedError({ provider, redactor, request: { ...summary }, message: `${provider} ${req.operation}: aborted by the caller between retries` });
      }
    }
  }

  return { provider, send };
}

const utf8 = new TextDecoder('utf-8');

/**
 * Reads a body as UTF-8 (invalid sequences replaced, a leading BOM dropped) within the byte cap; a declared
 * Content-Length over the cap fails before reading anything. Bytes are counted as they come and the read
 * ends when the signal aborts. The abort cancels the read itself: undici errors a body for an aborted signal
 * only while the Request it built internally is alive, and once the garbage collector has taken that Request
 * a stalled body would wait forever (seen in the client fuzz tests); cancelling through the reader ends the
 * pending read at once and makes undici drop the connection. An injected fetch promises nothing about its
 * streams, so with `raceChunks` every chunk is also raced against the signal: a stream that ignores the
 * cancel, dripping one byte at a time, still ends on time.
 */
async function readBody(
  response: Response,
  signal: AbortSignal,
  cap: number,
  provider: Provider,
  summary: RequestSummary,
  raceChunks: boolean,
): Promise<{ text: string; bytes: number }> {
  const length = response.headers.get('content-length');
  if (length !== null && Number(length) > cap) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(provider, summary, cap, response.status);
  }
  if (!response.body) return { text: '', bytes: 0 };
  const reader = response.body.getReader();
  let rejectAborted: ((reason: unknown) => void) | undefined;
  const aborted = raceChunks
    ? new Promise<never>((_, reject) => {
        rejectAborted = reject;
      })
    : undefined;
  aborted?.catch(() => {});
  const onAbort = () => {
    reader.cancel(signal.reason).catch(() => {});
    rejectAborted?.(signal.reason);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, ONCE);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = aborted ? await Promise.race([reader.read(), aborted]) : await reader.read();
      if (signal.aborted) throw signal.reason;
      if (done) break;
      total += value.byteLength;
      if (total > cap) throw tooLarge(provider, summary, cap, response.status);
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return decoded(chunks, total);
}

function decoded(chunks: Uint8Array[], total: number): { text: string; bytes: number } {
  if (chunks.length === 1) return { text: utf8.decode(chunks[0]), bytes: total };
  const all = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { text: utf8.decode(all), bytes: total };
}

function tooLarge(provider: Provider, summary: RequestSummary, cap: number, status: number): MalformedResponseError {
  return new MalformedResponseError({
    provider,
    request: summary,
    httpStatus: status,
    message: `${provider} ${summary.operation}: response body larger than ${cap} bytes`,
  });
}
