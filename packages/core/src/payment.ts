/**
 * The safe payment engine used by both clients.
 *
 * Rules, in order of importance:
 * 1. A payment whose result is ambiguous (timeout, connection lost after sending, malformed or
 *    unparseable answer, gateway 5xx, or a `pending` answer) is NEVER re-posted blind. The engine
 *    asks the provider for the status of that same payment instead.
 * 2. Pending payments are polled with capped exponential backoff until final or the deadline.
 * 3. A re-post happens only when a status check positively says nothing was recorded (the
 *    provider-specific `not_found` answer), no sooner than `rePostGraceMs` after the ambiguous
 *    attempt (so a payment still in flight is not mistaken for a missing one), and at most once.
 * 4. When the truth cannot be established, the result is `unknown` with the references needed
 *    to reconcile by hand. It is never reported as failed.
 */
import {
  BillerkitError,
  ConnectionError,
  DuplicateRequestError,
  MalformedResponseError,
  ProviderError,
  RequestAbortedError,
  ResponseMismatchError,
  TimeoutError,
  ValidationError,
} from './errors.js';
import { createRedactor, createSafeLogger, type Logger, type Redactor } from './redact.js';
import { sleep as defaultSleep } from './transport.js';

/** What one payment POST produced, as the client classified it. */
export interface PayStep<P> {
  outcome: 'success' | 'failed' | 'pending';
  value: P;
  /** For `failed`: the typed error describing why. */
  error?: BillerkitError;
}

/** What one status check produced. */
export type StatusStep<S> =
  | { outcome: 'success' | 'failed' | 'pending'; value: S; error?: BillerkitError }
  /** The provider positively says it has no such payment. */
  | { outcome: 'not_found'; value?: S }
  /** There is no way to look this payment up (e.g. Espay timed out before returning a ref_id). */
  | { outcome: 'unavailable'; reason: string };

export interface PayContext<P> {
  /** 1 for the first POST, 2 for the single re-post. */
  attempt: 1 | 2;
  rePost: boolean;
  /** The first attempt's answer, if any (a re-post may reuse its references). */
  previous: P | undefined;
  signal: AbortSignal;
}

export interface StatusContext<P> {
  /** 1-based number of this status check. */
  check: number;
  /** Number of payment POSTs made so far (1 or 2). */
  payments: number;
  /** The latest pay answer (pending or unparsed), undefined when the pay produced none. */
  lastPay: P | undefined;
  /** The error the latest pay threw, if it threw. */
  lastPayError: BillerkitError | undefined;
  signal: AbortSignal;
}

export interface PollOptions {
  /** Wait before the first status check and first poll step. Default 1000 ms. */
  initialDelayMs?: number;
  /** Cap of one wait. Default 15 000 ms. */
  maxDelayMs?: number;
  /** Growth per poll. Default 2. */
  factor?: number;
}

export interface EngineState<P, S> {
  payments: number;
  statusChecks: number;
  rePosted: boolean;
  lastPay: P | undefined;
  lastStatus: S | undefined;
  lastError: BillerkitError | undefined;
}

export interface ConfirmPaymentOptions<P, S, R> {
  pay(context: PayContext<P>): Promise<PayStep<P>>;
  checkStatus(context: StatusContext<P>): Promise<StatusStep<S>>;
  /** What a human needs to reconcile the payment; computed when the result is built. */
  references: R | ((state: EngineState<P, S>) => R);
  /** Overall deadline for pay + status polling. Default 120 000 ms. */
  deadlineMs?: number;
  poll?: PollOptions;
  /** A `not_found` within this time after the ambiguous attempt is not trusted. Default 10 000 ms. */
  rePostGraceMs?: number;
  /** Allow the single re-post on `not_found`. Default true. */
  allowRePost?: boolean;
  signal?: AbortSignal;
  logger?: Logger;
  /** The client's redactor (its secrets); every log line goes through it. Default: field-name patterns only. */
  redactor?: Redactor;
  /** Injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

/** What every {@link ConfirmedPayment} carries, whatever its outcome. */
export interface ConfirmedPaymentBase<P, S, R> {
  references: R;
  payment: P | undefined;
  status: S | undefined;
  payments: number;
  statusChecks: number;
  rePosted: boolean;
}

export type ConfirmedPayment<P, S, R> =
  | (ConfirmedPaymentBase<P, S, R> & { outcome: 'success'; via: 'pay' | 'status' })
  | (ConfirmedPaymentBase<P, S, R> & { outcome: 'failed'; via: 'pay' | 'status'; error: BillerkitError | undefined })
  | (ConfirmedPaymentBase<P, S, R> & { outcome: 'unknown'; reason: string; lastError: BillerkitError | undefined });

/**
 * True when a payment POST that threw this error may still have been recorded by the provider,
 * so the only safe next step is a status check.
 */
export function isAmbiguousPaymentError(error: unknown, rePost = false): boolean {
  if (!(error instanceof BillerkitError)) return false;
  if (error instanceof ConnectionError) return error.requestMaybeReceived;
  if (error instanceof TimeoutError || error instanceof MalformedResponseError || error instanceof RequestAbortedError) return true;
  if (error instanceof ValidationError) return error.direction === 'response';
  // On the re-post, "duplicate" means the first attempt was recorded after all.
  if (error instanceof DuplicateRequestError) return rePost;
  if (error instanceof ProviderError) return error.code === null && (error.httpStatus ?? 0) >= 500;
  return false;
}

/** Status-check errors worth another try: the check itself failed, not the payment. */
function isTransientStatusError(error: BillerkitError): boolean {
  if (error instanceof ConnectionError || error instanceof TimeoutError || error instanceof MalformedResponseError) return true;
  if (error instanceof ValidationError) return error.direction === 'response';
  if (error instanceof ProviderError) return (error.httpStatus ?? 0) >= 500 || error.kind === 'throttled' || error.kind === 'timeout';
  return false;
}

export async function confirmPayment<P, S, R>(options: ConfirmPaymentOptions<P, S, R>): Promise<ConfirmedPayment<P, S, R>> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const log = createSafeLogger(options.logger, options.redactor ?? createRedactor());
  const deadlineMs = options.deadlineMs ?? 120_000;
  const initialDelay = options.poll?.initialDelayMs ?? 1000;
  const maxDelay = options.poll?.maxDelayMs ?? 15_000;
  const factor = options.poll?.factor ?? 2;
  const grace = options.rePostGraceMs ?? 10_000;
  const allowRePost = options.allowRePost ?? true;

  const started = now();
  const deadline = AbortSignal.timeout(deadlineMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;

  const state: EngineState<P, S> = {
    payments: 0,
    statusChecks: 0,
    rePosted: false,
    lastPay: undefined,
    lastStatus: undefined,
    lastError: undefined,
  };
  let lastPayError: BillerkitError | undefined;
  let ambiguousSince = started;

  const common = (): ConfirmedPaymentBase<P, S, R> => ({
    references: typeof options.references === 'function' ? (options.references as (s: EngineState<P, S>) => R)(state) : options.references,
    payment: state.lastPay,
    status: state.lastStatus,
    payments: state.payments,
    statusChecks: state.statusChecks,
    rePosted: state.rePosted,
  });
  const unknown = (reason: string): ConfirmedPayment<P, S, R> => {
    log.debug('payment outcome unknown', { reason, payments: state.payments, statusChecks: state.statusChecks });
    return { ...common(), outcome: 'unknown', reason, lastError: state.lastError };
  };

  /** Returns a final result, or undefined when the status must be checked. */
  async function doPay(rePost: boolean): Promise<ConfirmedPayment<P, S, R> | undefined> {
    if (state.payments >= 2) throw new Error('confirmPayment: internal error, a third payment POST was about to be sent');
    state.payments++;
    let step: PayStep<P>;
    try {
      step = await options.pay({ attempt: state.payments as 1 | 2, rePost, previous: state.lastPay, signal });
    } catch (error) {
      if (!(error instanceof BillerkitError)) throw error;
      state.lastError = error;
      lastPayError = error;
      if (!isAmbiguousPaymentError(error, rePost)) {
        return { ...common(), outcome: 'failed', via: 'pay', error };
      }
      log.debug('payment result ambiguous, checking status', { error: error.name, message: error.message });
      ambiguousSince = now();
      return undefined;
    }
    lastPayError = undefined;
    state.lastPay = step.value;
    if (step.outcome === 'success') return { ...common(), outcome: 'success', via: 'pay' };
    if (step.outcome === 'failed') {
      if (step.error) state.lastError = step.error;
      return { ...common(), outcome: 'failed', via: 'pay', error: step.error };
    }
    ambiguousSince = now();
    return undefined;
  }

  const first = await doPay(false);
  if (first) return first;

  let delay = initialDelay;
  for (;;) {
    if (options.signal?.aborted) return unknown('aborted by the caller before the payment status was known');
    const remaining = deadlineMs - (now() - started);
    if (remaining <= 0 || deadline.aborted) return unknown(`deadline of ${deadlineMs} ms passed before the payment status was final`);
    try {
      await sleep(Math.min(delay, remaining), signal);
    } catch {
      return options.signal?.aborted
        ? unknown('aborted by the caller before the payment status was known')
        : unknown(`deadline of ${deadlineMs} ms passed before the payment status was final`);
    }
    delay = Math.min(maxDelay, Math.round(delay * factor * (0.75 + 0.5 * random())));
    state.statusChecks++;
    let step: StatusStep<S>;
    try {
      step = await options.checkStatus({
        check: state.statusChecks,
        payments: state.payments,
        lastPay: state.lastPay,
        lastPayError,
        signal,
      });
    } catch (error) {
      if (!(error instanceof BillerkitError)) throw error;
      state.lastError = error;
      if (deadline.aborted) return unknown(`deadline of ${deadlineMs} ms passed before the payment status was final`);
      if (options.signal?.aborted) return unknown('aborted by the caller before the payment status was known');
      if (error instanceof RequestAbortedError) return unknown(`status check aborted: ${error.message}`);
      // An answer about another payment, or missing what identifies it, settles nothing; asking again is no better.
      if (error instanceof ResponseMismatchError) return unknown(`status answer does not fit the payment: ${error.message}`);
      if (!isTransientStatusError(error)) return unknown(`status check failed: ${error.message}`);
      log.debug('status check failed, will retry', { error: error.name, message: error.message });
      continue;
    }
    if (step.outcome === 'unavailable') return unknown(step.reason);
    if (step.value !== undefined) state.lastStatus = step.value;
    if (step.outcome === 'success') return { ...common(), outcome: 'success', via: 'status' };
    if (step.outcome === 'failed') {
      if (step.error) state.lastError = step.error;
      return { ...common(), outcome: 'failed', via: 'status', error: step.error };
    }
    if (step.outcome === 'not_found') {
      if (!allowRePost || state.rePosted) {
        log.debug('status says not found; no re-post allowed, polling on', { rePosted: state.rePosted });
        continue;
      }
      if (now() - ambiguousSince < grace) {
        log.debug('status says not found within the grace period, polling on', {});
        continue;
      }
      state.rePosted = true;
      log.debug('status says not recorded: re-posting once', {});
      const second = await doPay(true);
      if (second) return second;
      delay = initialDelay;
    }
    // pending (or not_found handled above): poll on
  }
}
