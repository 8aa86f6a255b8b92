import { isBillerkitError } from '@billerkit/core';
import { type FetchLike, recordingFetch } from '../capture.js';
import type { Check, Exchange, Provider } from '../model.js';
import { exchangeIssues } from '../echo.js';
import { operationOfExchange, validateExchange } from '../validate-exchange.js';

/** Thrown by a scenario step whose answer was not the one the test data promises. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

/** Thrown when the target cannot take part (e.g. its deposit ran out); the check is skipped with this reason. */
export class ScenarioSkip extends Error {
  override readonly name = 'ScenarioSkip';
}

export interface ScenarioResult {
  /** The operation the scenario ended on, when it is not the one it was declared with. */
  operation?: string;
}

export interface ScenarioSpec {
  provider: Provider;
  name: string;
  /** Operation named in the report (the matrix rows end on the inquiry or the payment). */
  operation: string;
  run(fetch: FetchLike): Promise<ScenarioResult | undefined>;
  /** Only a target answering the sandbox state API can take part. */
  needsState?: boolean;
}

/** The spec's verdict on an exchange, and whether the answer is about this request, in the request's format. */
function checkExchange(provider: Provider, exchange: Exchange): string[] {
  return [...validateExchange(provider, exchange), ...exchangeIssues(provider, exchange)];
}

/**
 * Runs one scenario through its own recording fetch: the real client talks real HTTP to the target,
 * every exchange is kept and checked against the spec (strict), and a failing check carries its
 * exchanges so the report can show the request and response.
 */
export async function runScenario(spec: ScenarioSpec): Promise<Check> {
  const recorder = recordingFetch();
  const started = performance.now();
  let operation = spec.operation;
  const problems: string[] = [];
  try {
    const result = await spec.run(recorder.fetch);
    if (result?.operation) operation = result.operation;
  } catch (error) {
    if (error instanceof ScenarioSkip) {
      // Exchanges so far are still checked: a skip never hides a spec violation.
      const issues = recorder.exchanges.flatMap((exchange) => checkExchange(spec.provider, exchange));
      if (issues.length === 0) return { name: spec.name, provider: spec.provider, operation, status: 'skipped', message: error.message };
    }
    problems.push(
      `${spec.provider} ${operation}: ${error instanceof Error ? `${error.name === 'ScenarioError' ? '' : `${error.name}: `}${error.message}` : String(error)}`,
    );
  }
  for (const exchange of recorder.exchanges) {
    const issues = checkExchange(spec.provider, exchange);
    if (issues.length > 0) {
      exchange.issues = issues;
      problems.push(...issues.map((issue) => `${spec.provider} ${issue}`));
    }
  }
  const base = {
    name: spec.name,
    provider: spec.provider,
    operation,
    durationMs: performance.now() - started,
    ...(spec.needsState ? { needsState: true } : {}),
  };
  if (recorder.exchanges.length === 0 && problems.length === 0)
    problems.push(`${spec.provider} ${operation}: the scenario sent no request`);
  if (problems.length === 0) return { ...base, status: 'passed' };
  return { ...base, status: 'failed', message: problems.join('\n'), exchanges: recorder.exchanges };
}

/**
 * A refusal check: the call must fail with a billerkit error of this kind (signature, auth, duplicate …).
 * Success fails the check, and so does silence: a timeout or a transport error is no refusal.
 */
export async function expectRefusal(call: Promise<unknown>, kind: string, what: string): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (isBillerkitError(error) && error.kind === kind) return;
    const got = isBillerkitError(error)
      ? `${error.name} (kind ${error.kind}, code ${error.code ?? 'none'}): ${error.message}`
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
    throw new ScenarioError(`${what}: expected a ${kind} refusal, got ${got}`);
  }
  throw new ScenarioError(`${what}: expected a ${kind} refusal, it succeeded`);
}

/** Runs `tasks` with at most `limit` in flight, keeping their order in the result. */
export async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

export { operationOfExchange };
