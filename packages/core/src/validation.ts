/**
 * Spec validation of requests and responses through the precompiled validators of `@billerkit/validators`
 * (ajv standalone code made at build time: the verdicts of its ajv root, without the ajv compiler or the
 * OpenAPI documents in a client bundle).
 * `strict` checks the documented contract, `tolerant` accepts what providers are known to really send,
 * `off` skips the check. A client validates only when it is given its provider's validators
 * (`@billerkit/validators/espay` or `/iak`): they are the larger part of a client's code, so an
 * application that does not want them does not ship them.
 */
import type { ProviderValidators } from '@billerkit/validators';
import { type Provider, type RequestSummary, ValidationError } from './errors.js';
import type { Redactor } from './redact.js';

export type ValidateMode = 'strict' | 'tolerant' | 'off';

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

function check(direction: 'request' | 'response', options: CheckOptions, validators: ProviderValidators, defaultMode: ValidateMode): void {
  const mode = options.mode ?? defaultMode;
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

export interface SpecChecks {
  checkRequest(options: CheckOptions): void;
  checkResponse(options: CheckOptions): void;
}

/**
 * checkRequest/checkResponse bound to one provider's validators (`@billerkit/validators/espay` or `/iak`),
 * so that a bundle of one client does not carry the other provider's schemas. `defaultMode` applies when a
 * check names no mode.
 */
export function specChecks(validators: ProviderValidators, defaultMode: ValidateMode = 'tolerant'): SpecChecks {
  return {
    checkRequest: (options) => check('request', options, validators, defaultMode),
    checkResponse: (options) => check('response', options, validators, defaultMode),
  };
}

/** A client's validation: its provider's checks, which run in `mode` unless a check names another. */
export interface ClientValidation extends SpecChecks {
  readonly mode: 'strict' | 'tolerant';
}

/**
 * Resolves a client's `validators` and `validate` options. Without validators the default is `off`; with
 * them, `tolerant`. Asking for a check without the validators to run it, or with the other provider's, is
 * a TypeError at construction rather than a silently unchecked client.
 */
export function clientValidation(
  client: string,
  provider: Provider,
  options: { validators?: ProviderValidators | undefined; validate?: ValidateMode | undefined },
): ClientValidation | undefined {
  const validators = options.validators;
  const mode = options.validate ?? (validators === undefined ? 'off' : 'tolerant');
  if (mode !== 'strict' && mode !== 'tolerant' && mode !== 'off') {
    throw new TypeError(`${client}: validate must be 'strict', 'tolerant' or 'off', got ${JSON.stringify(mode)}`);
  }
  if (validators === undefined) {
    if (mode === 'off') return undefined;
    throw new TypeError(
      `${client}: validate '${mode}' needs the validators: pass \`validators\` from '@billerkit/validators/${provider}' (import { ${provider}Validators })`,
    );
  }
  if (validators === null || typeof validators !== 'object' || typeof validators.validate !== 'function') {
    throw new TypeError(`${client}: validators must be the ${provider}Validators object of '@billerkit/validators/${provider}'`);
  }
  if (validators.provider !== provider) {
    throw new TypeError(`${client}: validators are for ${String(validators.provider)}, not ${provider}`);
  }
  if (mode === 'off') return undefined;
  return { mode, ...specChecks(validators, mode) };
}
