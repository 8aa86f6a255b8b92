/** Reads a non-negative integer from the environment, `fallback` when unset. */
export function envInt(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer`);
  return parsed;
}

/**
 * The bounds of a client fuzz run: BILLERKIT_CLIENT_FUZZ_RUNS calls (default 3000) within a wall-clock
 * budget, seeded (BILLERKIT_FUZZ_SEED replays a run), with client limits small enough that a hostile answer
 * costs well under a second.
 */
export const FUZZ = {
  runs: envInt('BILLERKIT_CLIENT_FUZZ_RUNS', 3_000),
  seed: envInt('BILLERKIT_FUZZ_SEED', Math.floor(Math.random() * 2 ** 31)),
  budgetMs: 40_000,
  concurrency: 32,
  timeoutMs: 300,
  totalTimeoutMs: 900,
  maxResponseBytes: 64 * 1024,
  /** A call may take its deadline plus this much (event-loop lag on a busy two-core machine). */
  slackMs: 1_500,
} as const;
