/**
 * One attempt's early end: its own timeout, the call's deadline, or the caller's AbortSignal, whichever
 * comes first. The attempt registers how to stop (destroy the request, abort the fetch) with `onEnd`; the
 * timer and the caller-signal listener are removed by `release` when the attempt ends, so a long-lived
 * caller signal does not collect one listener per call.
 */
import { ONCE } from './transport-retry.js';

/** Which limit an attempt runs under: its own timeout, or the call's deadline when that is nearer. */
export type Limit = 'attempt' | 'deadline';

export function timeoutReason(): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

function onTimer(abort: AttemptAbort): void {
  abort.timedOut = true;
  abort.end(timeoutReason());
}

export class AttemptAbort {
  readonly limit: Limit;
  readonly limitMs: number;
  /** True once the transport's own timer (attempt timeout or deadline) ended the attempt. */
  timedOut = false;
  /** True once the attempt was ended early, by a timer or the caller. */
  ended = false;
  reason: unknown;
  private stop: ((reason: unknown) => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly caller: AbortSignal | undefined;
  private onCallerAbort: (() => void) | undefined;

  constructor(perAttemptMs: number, deadlineAt: number, caller: AbortSignal | undefined) {
    const remaining = deadlineAt - Date.now();
    this.limit = remaining <= perAttemptMs ? 'deadline' : 'attempt';
    this.limitMs = Math.max(0, Math.min(remaining, perAttemptMs));
    this.caller = caller;
    if (caller?.aborted) {
      this.end(caller.reason);
      return;
    }
    if (this.limitMs === 0) {
      onTimer(this);
      return;
    }
    this.timer = setTimeout(onTimer, this.limitMs, this);
    if (caller) {
      this.onCallerAbort = () => this.end(caller.reason);
      caller.addEventListener('abort', this.onCallerAbort, ONCE);
    }
  }

  /** Calls `stop` when the attempt ends early; at once when it already has. */
  onEnd(stop: (reason: unknown) => void): void {
    if (this.ended) stop(this.reason);
    else this.stop = stop;
  }

  end(reason: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.reason = reason;
    const stop = this.stop;
    this.stop = undefined;
    stop?.(reason);
  }

  /** Stops the timer and unhooks the caller's signal; safe to call twice. */
  release(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.stop = undefined;
    if (this.onCallerAbort) this.caller?.removeEventListener('abort', this.onCallerAbort);
    this.onCallerAbort = undefined;
  }
}
