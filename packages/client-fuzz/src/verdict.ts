import { FUZZ } from './settings.js';

/** The error type the verdict accepts: the clients' typed errors (`BillerkitError` and its subclasses). */
interface TypedError extends Error {
  providerMessage: string | null;
  rawBody: string | null;
  request: unknown;
}

export type Verdict =
  | { kind: 'result' }
  | { kind: 'typed'; error: TypedError }
  | { kind: 'untyped'; error: unknown }
  | { kind: 'late'; ms: number };

/** A watchdog that fires this much after it was due saw the event loop stalled, not the call. */
const STALL_MS = 250;
/** How many times a stalled watchdog re-arms before it calls the call late anyway. */
const MAX_REARMS = 4;

/**
 * Runs a call with a watchdog. A rejection is `typed` when `isTyped` says so, else `untyped`; a call that
 * has not settled by `deadlineMs + slackMs` is `late`.
 */
export async function judge(
  call: () => Promise<unknown>,
  deadlineMs: number,
  isTyped: (error: unknown) => error is TypedError,
  slackMs: number = FUZZ.slackMs,
): Promise<Verdict> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let settledYet = false;
  // The watchdog shares the event loop with the call: when the loop itself stalled (a busy machine), the
  // watchdog fires late too, and the call's own timeout fired in the same turn without its I/O having run.
  // So a late-firing watchdog first lets pending I/O run, then re-arms for one more slack; only a watchdog
  // that fires on time (the loop was free) and still finds the call pending calls it late.
  const watchdog = new Promise<Verdict>((resolve) => {
    const arm = (dueAt: number, rearmsLeft: number) => {
      timer = setTimeout(
        () =>
          setImmediate(() => {
            if (settledYet) return;
            const now = performance.now();
            const stalled = now - dueAt > STALL_MS;
            if (stalled && rearmsLeft > 0) arm(now + slackMs, rearmsLeft - 1);
            else resolve({ kind: 'late', ms: now - started });
          }),
        Math.max(0, dueAt - performance.now()),
      );
    };
    arm(started + deadlineMs + slackMs, MAX_REARMS);
  });
  const settled = Promise.resolve()
    .then(call)
    .then(
      (): Verdict => ({ kind: 'result' }),
      (error: unknown): Verdict => (isTyped(error) ? { kind: 'typed', error } : { kind: 'untyped', error }),
    )
    .finally(() => {
      settledYet = true;
    });
  const verdict = await Promise.race([settled, watchdog]);
  clearTimeout(timer);
  return verdict;
}

/** One prepared call: what it is (for failure messages), the call, the deadline it promises. */
export interface FuzzCase {
  label: string;
  call: () => Promise<unknown>;
  deadlineMs: number;
  /** Groups the call is also counted in, as `<group> <verdict kind>` (e.g. `unvalidated` for a client without validators). */
  groups?: readonly string[];
  /** Run after the verdict, e.g. to forget the call's scenario. */
  done?: () => void;
}

export interface FuzzTally {
  ran: number;
  /** One line per call that ended untyped, late, or with a secret in its error. */
  failures: string[];
  /** Calls by outcome: `result`, the error class name, and `<group> <verdict kind>` per group of the call. */
  kinds: Map<string, number>;
}

/**
 * Runs `prepare(i)` for i = 0 … count-1 with `concurrency` workers until done or `budgetMs` has passed,
 * judging each call; an error that shows any of `secrets` in its message, provider message, raw body or
 * request summary is a failure too.
 */
export async function runFuzzCases(options: {
  count: number;
  prepare: (index: number) => FuzzCase;
  isTyped: (error: unknown) => error is TypedError;
  secrets: readonly string[];
  concurrency?: number;
  budgetMs?: number;
}): Promise<FuzzTally> {
  const budgetMs = options.budgetMs ?? FUZZ.budgetMs;
  const tally: FuzzTally = { ran: 0, failures: [], kinds: new Map() };
  const count = (name: string) => tally.kinds.set(name, (tally.kinds.get(name) ?? 0) + 1);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < options.count && performance.now() - started < budgetMs) {
      const index = next++;
      const fuzzCase = options.prepare(index);
      const verdict = await judge(fuzzCase.call, fuzzCase.deadlineMs, options.isTyped);
      fuzzCase.done?.();
      tally.ran += 1;
      const label = `#${index} ${fuzzCase.label}`;
      if (verdict.kind === 'untyped')
        tally.failures.push(`${label}: untyped ${String((verdict.error as Error)?.stack ?? verdict.error).slice(0, 500)}`);
      if (verdict.kind === 'late')
        tally.failures.push(`${label}: still pending after ${Math.round(verdict.ms)} ms (deadline ${fuzzCase.deadlineMs} ms)`);
      if (verdict.kind === 'typed') {
        const name = verdict.error.constructor.name;
        count(name);
        const shown = `${verdict.error.message} ${verdict.error.providerMessage ?? ''} ${verdict.error.rawBody ?? ''} ${JSON.stringify(verdict.error.request)}`;
        if (options.secrets.some((secret) => shown.includes(secret))) tally.failures.push(`${label}: a secret appears in ${name}`);
      }
      if (verdict.kind === 'result') count('result');
      for (const group of fuzzCase.groups ?? []) count(`${group} ${verdict.kind}`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? FUZZ.concurrency }, worker));
  return tally;
}
