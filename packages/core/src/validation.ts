/**
 * Spec validation of requests and responses through `@billerkit/validators` (ajv, compiled once).
 * `strict` checks the documented contract, `tolerant` (default) accepts what providers are known to
 * really send, `off` skips the check.
 */
import { validate } from '@billerkit/validators';
import { type Provider, type RequestSummary, ValidationError } from './errors.js';
import type { Redactor } from './redact.js';

export type ValidateMode = 'strict' | 'tolerant' | 'off';

export const DEFAULT_VALIDATE_MODE: ValidateMode = 'tolerant';

export interface CheckOptions {
  provider: Provider;
  /** Component name in the spec, e.g. `InquiryTransactionResponse`. */
  component: string;
  mode?: ValidateMode;
  data: unknown;
  /** Raw text the data came from, kept (redacted) on the error. */
  rawBody?: string;
  httpStatus?: number;
  request?: RequestSummary;
  redactor?: Redactor;
}

function check(direction: 'request' | 'response', options: CheckOptions): void {
  const mode = options.mode ?? DEFAULT_VALIDATE_MODE;
  if (mode === 'off') return;
  if (mode !== 'strict' && mode !== 'tolerant') {
    throw new TypeError(`validate must be 'strict', 'tolerant' or 'off', got ${JSON.stringify(mode)}`);
  }
  const result = validate(options.provider, options.component, mode, options.data);
  if (result.valid) return;
  const first = result.issues[0];
  const summary = first ? `${first.path || '(root)'} ${first.message}` : 'invalid';
  const more = result.issues.length > 1 ? ` (+${result.issues.length - 1} more)` : '';
  throw new ValidationError({
    provider: options.provider,
    direction,
    component: options.component,
    issues: result.issues,
    message: `${options.provider}: ${direction} failed ${options.component} (${mode}): ${summary}${more}`,
    ...(options.rawBody === undefined ? {} : { rawBody: options.rawBody }),
    ...(options.httpStatus === undefined ? {} : { httpStatus: options.httpStatus }),
    ...(options.request ? { request: options.request } : {}),
    ...(options.redactor ? { redactor: options.redactor } : {}),
  });
}

/** Throws ValidationError (direction `response`) when a parsed response fails its component. */
export function checkResponse(options: CheckOptions): void {
  check('response', options);
}

/** Throws ValidationError (direction `request`) when an outgoing body fails its component. */
export function checkRequest(options: CheckOptions): void {
  check('request', options);
}
