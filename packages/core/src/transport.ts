/**
 * HTTP with the guarantees both clients need:
 * - a per-attempt timeout AND a total deadline, combined with the caller's AbortSignal (`transport-abort.ts`);
 * - a response size cap that holds whatever the server declares, and timeouts that also bound the body,
 *   so neither a huge nor a slow-drip body can hold a caller past the deadline (`transport-body.ts`);
 * - network failures → ConnectionError, timeouts → TimeoutError (with the phase they hit), redirects
 *   refused (`transport-errors.ts`);
 * - retries with capped exponential backoff + jitter ONLY for calls the caller marks idempotent
 *   (`transport-retry.ts`). Payments are never retried here; see `confirmPayment` for the safe way.
 * The HTTP stack is node:http with keep-alive agents by default (`transport-http.ts`), or an injected
 * fetch (`transport-fetch.ts`).
 */
import type { Agent } from 'node:http';
import { type Provider, RequestAbortedError, type RequestSummary } from './errors.js';
import { createRedactor, createSafeLogger, type Logger, type Redactor } from './redact.js';
import { AttemptAbort } from './transport-abort.js';
import { mapAttemptError } from './transport-errors.js';
import type { AttemptProgress, Exchange, Exchanged } from './transport-exchange.js';
import { type FetchLike, fetchExchange } from './transport-fetch.js';
import { httpExchange } from './transport-http.js';
import {
  delayAfterStatus,
  isRetryableError,
  isRetryableStatus,
  type RetryOptions,
  type RetryPolicy,
  backoffDelay,
  sleep,
} from './transport-retry.js';

export { backoffDelay, isRetryableError, isRetryableStatus, type RetryOptions, sleep } from './transport-retry.js';
export type { FetchLike } from './transport-fetch.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_TOTAL_TIMEOUT_MS = 90_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

export interface TransportOptions {
  provider: Provider;
  /**
   * Send through this fetch instead of node:http (proxies, test doubles, runtimes without node:http).
   * Every guarantee holds the same; node:http costs several times less CPU per call.
   */
  fetch?: FetchLike;
  /**
   * Your own node:http(s) Agent for the default transport: a connection pool with other limits, or a proxy
   * agent. Default: keep-alive agents shared by the process. Not with `fetch` (give the fetch a dispatcher).
   */
  agent?: Agent;
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
  headers?: Readonly<Record<string, string>>;
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
  /** Also return the body's bytes (`bodyBytes`), for binary answers such as a PDF. */
  keepBytes?: boolean;
}

export interface TransportResponse {
  status: number;
  /** The response headers (built when first read). */
  readonly headers: Headers;
  /** Body decoded as UTF-8 (invalid sequences replaced). */
  body: string;
  bytes: number;
  /** The body's bytes after content decoding; only for requests with `keepBytes`. */
  bodyBytes?: Uint8Array;
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

function responseOf(
  req: TransportRequest,
  answer: Exchanged,
  attempts: number,
  started: number,
  summary: RequestSummary,
): TransportResponse {
  let headers: Headers | undefined;
  return {
    status: answer.status,
    get headers() {
      headers ??= answer.headers();
      return headers;
    },
    body: answer.text,
    bytes: answer.bytes,
    ...(answer.raw ? { bodyBytes: answer.raw } : {}),
    contentType: answer.contentType,
    url: req.url,
    attempts,
    durationMs: Date.now() - started,
    request: summary,
  };
}

export function createTransport(options: TransportOptions): Transport {
  const provider = options.provider;
  if (options.fetch !== undefined && options.agent !== undefined) {
    throw new TypeError('pass either fetch or agent, not both (give the fetch its own dispatcher instead)');
  }
  const exchange: Exchange = options.fetch ? fetchExchange(options.fetch) : httpExchange(options.agent);
  const redactor = options.redactor ?? createRedactor();
  // Undefined without a logger: `log?.debug(…)` then skips building the metadata of every line.
  const log = options.logger ? createSafeLogger(options.logger, redactor) : undefined;
  const cap = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const policy: RetryPolicy = { maxRetries: options.retry?.maxRetries ?? 2, options: options.retry, random: options.random ?? Math.random };
  const attemptMsDefault = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const totalMsDefault = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;

  async function attemptOnce(
    req: TransportRequest,
    summary: RequestSummary,
    deadlineAt: number,
    perAttemptMs: number,
    totalMs: number,
  ): Promise<Exchanged> {
    const abort = new AttemptAbort(perAttemptMs, deadlineAt, req.signal);
    const progress: AttemptProgress = { phase: 'before-response' };
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
      // Ended before it began (the caller's signal had fired, or no time was left): nothing is sent.
      if (abort.ended) throw abort.reason;
      const request = {
        method: req.method ?? 'POST',
        url: req.url,
        headers: req.headers,
        body: req.body,
        keepBytes: req.keepBytes === true,
      };
      const answer = await exchange(request, abort, cap, progress);
      log?.debug(`${provider} ${req.operation} response`, {
        provider,
        operation: req.operation,
        status: answer.status,
        attempt: summary.attempt,
        durationMs: Date.now() - started,
        contentType: answer.contentType,
        body: answer.text.length > 4000 ? `${answer.text.slice(0, 4000)}…` : answer.text,
      });
      return answer;
    } catch (error) {
      const at = {
        provider,
        redactor,
        operation: req.operation,
        summary,
        phase: progress.phase,
        abort,
        callerSignal: req.signal,
        totalMs,
        cap,
      };
      const mapped = mapAttemptError(error, at);
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

  async function send(req: TransportRequest): Promise<TransportResponse> {
    const perAttemptMs = req.timeoutMs ?? attemptMsDefault;
    const totalMs = req.totalTimeoutMs ?? totalMsDefault;
    const started = Date.now();
    const deadlineAt = started + totalMs;
    const retries = req.idempotent ? policy.maxRetries : 0;
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
        const answer = await attemptOnce(req, summary, deadlineAt, perAttemptMs, totalMs);
        if (attempt <= retries && isRetryableStatus(answer.status)) {
          delay = delayAfterStatus(policy, attempt, answer.header('retry-after'));
          if (Date.now() + delay - started >= totalMs) delay = undefined;
        }
        if (delay === undefined) return responseOf(req, answer, attempt, started, summary);
        log?.debug(`${provider} ${req.operation} retrying after HTTP ${answer.status}`, { attempt, delayMs: delay });
      } catch (error) {
        if (attempt > retries || !isRetryableError(error)) throw error;
        delay = backoffDelay(attempt, policy.options, policy.random);
        if (Date.now() + delay - started >= totalMs) throw error;
        log?.debug(`${provider} ${req.operation} retrying after ${(error as Error).name}`, { attempt, delayMs: delay });
      }
      // A retry is only scheduled when its delay ends before the deadline, so only the caller can end this sleep
      // early; a deadline that passes anyway (a late timer) ends the next attempt before it sends.
      try {
        await sleep(delay, req.signal);
      } catch {
        throw new RequestAbortedError({
          provider,
          redactor,
          request: { ...summary },
          message: `${provider} ${req.operation}: aborted by the caller between retries`,
        });
      }
    }
  }

  return { provider, send };
}
