/**
 * Hosts, paths and option checking for the IAK postpaid API.
 *
 * Postpaid has only the two legacy mobilepulsa.net hosts: no iak.id/iak.dev host exists for
 * postpaid in any IAK source. The host decides the environment; the API keys differ per host.
 */
import {
  type ClientValidation,
  clientValidation,
  type FetchLike,
  parseBaseUrl,
  type Logger,
  type RetryOptions,
  type ValidateMode,
} from '@billerkit/core';
import type { Agent as HttpAgent } from 'node:http';
import type { ProviderValidators } from '@billerkit/validators';

export type IakEnvironment = 'development' | 'production';
export type IakFormat = 'json' | 'xml';

export const IAK_BASE_URLS: Readonly<Record<IakEnvironment, string>> = Object.freeze({
  development: 'https://testpostpaid.mobilepulsa.net',
  production: 'https://mobilepulsa.net',
});

/** IAK suggests a 30 s timeout for postpaid calls. */
export const IAK_DEFAULT_TIMEOUT_MS = 30_000;

/** Every postpaid command is a POST here; its own constant so that an inquiry's bundle needs no other path. */
export const IAK_BILL_CHECK_PATH = '/api/v1/bill/check';

export const IAK_PATHS = /* @__PURE__ */ Object.freeze({
  billCheck: IAK_BILL_CHECK_PATH,
  pricelist: (type: string) => `/api/v1/bill/check/${encodeURIComponent(type)}`,
  receipt: (trId: string) => `/api/v1/download/${encodeURIComponent(trId)}`,
});

export interface IakClientOptions {
  /** Picks the host; default `development` (no real money moves there). Ignored when `baseUrl` is set. */
  environment?: IakEnvironment;
  /** Overrides the host, e.g. the embedded sandbox's URL. */
  baseUrl?: string;
  /** The registered phone number IAK calls `username`. */
  username: string;
  /** The API key of the chosen environment. Only ever used inside `sign`; never logged. */
  apiKey: string;
  /** Wire format; `xml` sends and reads IAK's `<mp>` documents. Default `json`. */
  format?: IakFormat;
  /**
   * Send through this fetch instead of node:http (proxies, test doubles, runtimes without node:http).
   * Same guarantees; node:http (the default) costs several times less CPU per call.
   */
  fetch?: FetchLike;
  /**
   * Your own node:http(s) Agent: a connection pool with other limits, or a proxy agent. Default: keep-alive
   * agents shared by the process. Not together with `fetch`.
   */
  agent?: HttpAgent;
  /** Per-attempt timeout, default 30 s as IAK suggests. */
  timeoutMs?: number;
  /** Deadline of one call across its attempts, default 90 s. */
  totalTimeoutMs?: number;
  /** Debug logger; everything it receives is redacted first. */
  logger?: Logger;
  /**
   * The precompiled validators that check requests and answers against the spec:
   * `import { iakValidators } from '@billerkit/validators/iak'`. Without them nothing is checked against
   * the spec (the answer's fields are still read defensively: a malformed one is a typed error), and the
   * client's bundle is several times smaller.
   */
  validators?: ProviderValidators;
  /** Spec validation mode: `tolerant` (default with `validators`), `strict`, or `off` (default without). */
  validate?: ValidateMode;
  /** Retries of idempotent calls (checkstatus, pricelist, receipt). Payments are never retried. */
  retry?: RetryOptions;
  /** Larger responses are refused. Default 5 MiB. */
  maxResponseBytes?: number;
}

export interface ResolvedIakConfig {
  baseUrl: string;
  environment: IakEnvironment | 'custom';
  username: string;
  apiKey: string;
  format: IakFormat;
  /** Undefined when nothing is checked against the spec. */
  validation: ClientValidation | undefined;
}

function requireText(value: unknown, name: string, caller: string): string {
  if (typeof value !== 'string') {
    throw new TypeError(`${caller}: ${name} must be a string, got ${value === null ? 'null' : typeof value}`);
  }
  if (value.length === 0) throw new TypeError(`${caller}: ${name} must not be empty`);
  return value;
}

/** Checks and resolves the options; `caller` (`createIakClient`, `createIakConnection`) starts every error message. */
export function resolveConfig(options: IakClientOptions, caller = 'createIakClient'): ResolvedIakConfig {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${caller}: options must be an object`);
  const username = requireText(options.username, 'username', caller);
  const apiKey = requireText(options.apiKey, 'apiKey', caller);
  const format = options.format ?? 'json';
  if (format !== 'json' && format !== 'xml')
    throw new TypeError(`${caller}: format must be 'json' or 'xml', got ${JSON.stringify(format)}`);
  const validation = clientValidation(caller, 'iak', options);
  let baseUrl: string;
  let environment: IakEnvironment | 'custom';
  if (options.baseUrl !== undefined) {
    baseUrl = parseBaseUrl(caller, options.baseUrl).toString().replace(/\/+$/, '');
    environment = 'custom';
  } else {
    environment = options.environment ?? 'development';
    if (environment !== 'development' && environment !== 'production') {
      throw new TypeError(`${caller}: environment must be 'development' or 'production', got ${JSON.stringify(environment)}`);
    }
    baseUrl = IAK_BASE_URLS[environment];
  }
  for (const name of ['timeoutMs', 'totalTimeoutMs', 'maxResponseBytes'] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
      throw new TypeError(`${caller}: ${name} must be a positive number, got ${String(value)}`);
    }
  }
  return { baseUrl, environment, username, apiKey, format, validation };
}
