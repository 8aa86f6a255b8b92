/**
 * Spec validation of requests and responses through the precompiled validators of `@billerkit/validators`
 * (ajv standalone code made at build time: the verdicts of its ajv root, without the ajv compiler or the
 * OpenAPI documents in a client bundle).
 * `strict` checks the documented contract, `tolerant` (default) accepts what providers are known to
 * really send, `off` skips the check.
 */
import type { ProviderValidators } from '@billerkit/validators';
import { espayValidators } from '@billerkit/validators/espay';
import { iakValidators } from '@billerkit/validators/iak';
import { type Provider, type RequestSummary, ValidationError } from './errors.js';
import type { Redactor } from './redact.js';

export type ValidateMode = 'strict' | 'tolerant' | 'off';

export const DEFAULT_VALIDATE_MODE: ValidateMode = 'tolerant';

const bothProviders: Record<Provider, ProviderValidators> = { espay: espayValidators, iak: iakValidators };

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

function check(direction: 'request' | 'response', options: CheckOptions, validators: ProviderValidators): void {
  const mode = options.mode ?? DEFAULT_VALIDATE_MODE;
  if (mode === 'off') return;
  if (mode !== 'strict' && mode !== 'tolerant') {
    throw new TypeError(`validate must be 'strict', 'tolerant' or 'off', got ${JSON.stringify(mode)}`);
  }
  if (validators.provider !== options.provider) {
    throw new TypeError(`${options.provider} data cannot be checked with the ${validators.provider} validators`);
  }
  const result = validators.validate(options.component, mode, options.data);
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

/**
 * Throws ValidationError (direction `response`) when a parsed response fails its component.
 * Carries the schemas of both providers; a client should use its own `specChecks`.
 */
export function checkResponse(options: CheckOptions): void {
  check('response', options, bothProviders[options.provider]);
}

/** Throws ValidationError (direction `request`) when an outgoing body fails its component (both providers' schemas, as checkResponse). */
export function checkRequest(options: CheckOptions): void {
  check('request', options, bothProviders[options.provider]);
}

export interface SpecChecks {
  checkRequest(options: CheckOptions): void;
  checkResponse(options: CheckOptions): void;
}

/**
 * checkRequest/checkResponse bound to one provider's validators (`@billerkit/validators/espay` or `/iak`),
 * so that a bundle of one client does not carry the other provider's schemas.
 */
export function specChecks(validators: ProviderValidators): SpecChecks {
  return {
    checkRequest: (options) => check('request', options, validators),
    checkResponse: (options) => check('response', options, validators),
  };
}
