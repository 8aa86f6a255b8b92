/**
 * Mapping what went wrong in an attempt to the typed errors callers handle: the caller's abort →
 * RequestAbortedError; the transport's own timer → TimeoutError (attempt or deadline, with the phase);
 * a refused redirect or an over-cap body → MalformedResponseError (the server did answer); anything else →
 * ConnectionError, which says whether the request may have reached the provider.
 */
import {
  type BillerkitError,
  ConnectionError,
  MalformedResponseError,
  type Provider,
  RequestAbortedError,
  type RequestSummary,
  TimeoutError,
} from './errors.js';
import type { Redactor } from './redact.js';
import type { AttemptAbort } from './transport-abort.js';

export type Phase = 'before-response' | 'during-body';

/** Thrown inside an attempt when the body (as declared, or as counted while read) exceeds the cap. */
export class BodyTooLarge extends Error {
  constructor(readonly status: number) {
    super('response body over the size cap');
  }
}

/** Thrown inside an attempt when the server answers with a redirect, which the transport never follows. */
export class RedirectRefused extends Error {
  constructor(readonly status: number) {
    super('unexpected redirect');
  }
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export function errnoOf(error: unknown): string | undefined {
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

/** undici's rejection of a redirect under `redirect: 'error'` (the fetch transport). */
function isFetchRefusedRedirect(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return error instanceof TypeError && cause instanceof Error && cause.message === 'unexpected redirect';
}

export interface FailedAttempt {
  provider: Provider;
  redactor: Redactor;
  operation: string;
  summary: RequestSummary;
  phase: Phase;
  abort: AttemptAbort;
  callerSignal: AbortSignal | undefined;
  totalMs: number;
  cap: number;
}

export function mapAttemptError(error: unknown, at: FailedAttempt): BillerkitError {
  const { provider, operation, phase, abort, totalMs } = at;
  const base = { provider, request: at.summary, redactor: at.redactor, cause: error };
  if (error instanceof MalformedResponseError) return error;
  const where = phase === 'before-response' ? 'before any response arrived' : 'while reading the response body';
  if (at.callerSignal?.aborted) {
    return new RequestAbortedError({ ...base, message: `${provider} ${operation}: aborted by the caller ${where}` });
  }
  if (abort.timedOut) {
    if (abort.limit === 'deadline') {
      const message = `${provider} ${operation}: total deadline of ${totalMs} ms passed ${where}`;
      return new TimeoutError({ ...base, phase, limit: 'deadline', timeoutMs: totalMs, message });
    }
    const message = `${provider} ${operation}: no complete answer within ${abort.limitMs} ms (${where})`;
    return new TimeoutError({ ...base, phase, limit: 'attempt', timeoutMs: abort.limitMs, message });
  }
  if (error instanceof BodyTooLarge) {
    return new MalformedResponseError({
      ...base,
      httpStatus: error.status,
      message: `${provider} ${operation}: response body larger than ${at.cap} bytes`,
    });
  }
  if (error instanceof RedirectRefused || isFetchRefusedRedirect(error)) {
    // The server answered, so a payment may have been received: an answer we cannot use, like any other.
    return new MalformedResponseError({
      ...base,
      ...(error instanceof RedirectRefused ? { httpStatus: error.status } : {}),
      message: `${provider} ${operation}: answered with an HTTP redirect, which it never sends (is baseUrl right, https rather than http?); not followed`,
    });
  }
  const errno = errnoOf(error);
  const detail = errno ?? (error instanceof Error ? error.message : String(error));
  return new ConnectionError({
    ...base,
    phase,
    errno,
    requestMaybeReceived: phase === 'during-body' || errno === undefined || !NOT_SENT_CODES.has(errno),
    message: `${provider} ${operation}: connection failed ${where} (${detail})`,
  });
}
