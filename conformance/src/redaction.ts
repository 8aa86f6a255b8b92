import { createRedactor, type Redactor, redactValue } from '@billerkit/core';
import type { SuiteResult } from './model.js';

/**
 * The conformance suite redacts with core's redactor, the same one the clients log through: by field
 * name (password, signature, sign, api keys, Authorization) and by the target's secret values in every
 * spelling, so a secret echoed into an unexpected place is still caught.
 */
export function redactorFor(secrets: readonly string[]): Redactor {
  return createRedactor({ secrets });
}

export function redactSuite(result: SuiteResult, secrets: readonly string[]): SuiteResult {
  return redactValue(result, redactorFor(secrets)) as SuiteResult;
}
