import type { ErrorKind as CatalogueErrorKind } from '@billerkit/specs';
/**
 * Typed errors shared by both clients (openai-node / stripe-node style).
 *
 * `instanceof` must keep working when an application ends up with two copies of this module
 * (dual ESM/CJS installs, bundler duplicates, a query-string import in tests). Every instance
 * therefore carries a brand under `Symbol.for('billerkit.error')` listing the names of its
 * class chain, and each class answers `instanceof` by looking its own name up in that list.
 */
import { createRedactor, type Redactor } from './redact.js';

export type Provider = 'espay' | 'iak';

/** Catalogue kinds (ARCHITECTURE.md, defined once in @billerkit/specs) plus the transport-level kinds billerkit adds. */
export type ErrorKind = CatalogueErrorKind | 'connection' | 'malformed_response' | 'aborted';

/** What was being asked, without secrets: never a body, never headers. */
export interface RequestSummary {
  /** Operation name, e.g. `paymentReport`, `pay-pasca`. */
  operation?: string;
  method?: string;
  /** URL with any credentials or secret query values redacted. */
  url?: string;
  /** 1-based attempt number of the transport call that failed. */
  attempt?: number;
  /** Caller-side references that identify the request (rq_uuid, order_id, ref_id …). Redacted like everything else. */
  references?: Record<string, string>;
}

export interface ValidationIssue {
  path: string;
  message: string;
  keyword: string;
}

export interface BillerkitErrorOptions {
  provider: Provider;
  message: string;
  /** Provider result code as a string (`"210"`, `"0000"`, `"14"`), or null when none applies. */
  code?: string | null;
  /** The provider's own text (`error_desc`, `message`), redacted. */
  providerMessage?: string | null;
  httpStatus?: number | null;
  /** Raw response body, redacted and cut to {@link MAX_RAW_BODY_CHARS}. */
  rawBody?: string | null;
  kind?: ErrorKind;
  request?: RequestSummary;
  cause?: unknown;
  /** Extra secret values to remove from message, providerMessage, rawBody and request. */
  secrets?: readonly (string | undefined | null)[];
  /** A prepared redactor (a client's own); `secrets` is ignored when given. */
  redactor?: Redactor;
}

export const BILLERKIT_ERROR_BRAND: unique symbol = Symbol.for('billerkit.error') as never;
/** Raw bodies kept on errors are cut to this many characters. */
export const MAX_RAW_BODY_CHARS = 8192;

const defaultRedactor = createRedactor();

/** Characters past the kept part that are redacted with it, so that a secret straddling the cut is still found whole. */
const REDACTION_MARGIN = 1024;

/**
 * The kept part of a raw body, redacted. Only the kept part (plus a margin) goes through the redactor: a
 * multi-megabyte answer costs no more than an 8 kB one.
 */
function keptBody(text: string, r: Redactor): string {
  if (text.length <= MAX_RAW_BODY_CHARS) return r(text);
  const redacted = r(text.slice(0, MAX_RAW_BODY_CHARS + REDACTION_MARGIN)).slice(0, MAX_RAW_BODY_CHARS);
  return `${redacted}…[truncated ${text.length - MAX_RAW_BODY_CHARS} chars]`;
}

function brandNames(target: object): string[] {
  const names: string[] = [];
  let current: unknown = target;
  while (typeof current === 'function' && current !== Error && current !== Function.prototype) {
    if (Object.hasOwn(current, 'brand')) names.push((current as unknown as { brand: string }).brand);
    current = Object.getPrototypeOf(current);
  }
  return names;
}

export class BillerkitError extends Error {
  static readonly brand: string = 'BillerkitError';
  declare readonly [BILLERKIT_ERROR_BRAND]: readonly string[];
  readonly provider: Provider;
  readonly code: string | null;
  readonly providerMessage: string | null;
  readonly httpStatus: number | null;
  readonly rawBody: string | null;
  readonly kind: ErrorKind;
  readonly request: RequestSummary | undefined;

  constructor(options: BillerkitErrorOptions) {
    const r = options.redactor ?? (options.secrets?.length ? createRedactor({ secrets: options.secrets }) : defaultRedactor);
    super(r(options.message), options.cause === undefined ? undefined : { cause: options.cause });
    const ctor = new.target as unknown as { brand: string };
    Object.defineProperty(this, BILLERKIT_ERROR_BRAND, { value: Object.freeze(brandNames(new.target)), enumerable: false });
    Object.defineProperty(this, 'name', { value: ctor.brand, enumerable: false, configurable: true, writable: true });
    this.provider = options.provider;
    this.code = options.code ?? null;
    this.providerMessage = options.providerMessage == null ? null : r(options.providerMessage);
    this.httpStatus = options.httpStatus ?? null;
    this.rawBody = options.rawBody == null ? null : keptBody(options.rawBody, r);
    this.kind = options.kind ?? 'provider';
    this.request = options.request ? redactSummary(options.request, r) : undefined;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is whichever class is on the right of instanceof (a subclass inherits this method).
    // biome-ignore lint/complexity/noThisInStatic: the dispatch on the receiving subclass is the point
    const cls = this as unknown as { brand: string };
    // A subclass written by a user without its own brand falls back to the ordinary prototype check.
    if (!Object.hasOwn(cls, 'brand')) return Function.prototype[Symbol.hasInstance].call(cls, value);
    if (typeof value !== 'object' || value === null) return false;
    const names = (value as { [BILLERKIT_ERROR_BRAND]?: unknown })[BILLERKIT_ERROR_BRAND];
    if (!Array.isArray(names)) return false;
    return names.includes(cls.brand);
  }

  /** A JSON form for logs and reports; everything in it is already redacted. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      provider: this.provider,
      kind: this.kind,
      code: this.code,
      providerMessage: this.providerMessage,
      httpStatus: this.httpStatus,
      request: this.request,
    };
  }
}

function redactSummary(summary: RequestSummary, r: Redactor): RequestSummary {
  const out: RequestSummary = { ...summary };
  if (summary.url !== undefined) out.url = r(summary.url);
  if (summary.references) {
    out.references = Object.fromEntries(Object.entries(summary.references).map(([k, v]) => [k, r(String(v))]));
  }
  return out;
}

/** Options of the {@link BillerkitError} subclasses: `kind` defaults to the subclass's own kind. */
export type ErrorSubclassOptions = Omit<BillerkitErrorOptions, 'kind'> & { kind?: ErrorKind };

/** HTTP 401, bad password or Basic credentials, unknown sender/username. */
export class AuthenticationError extends BillerkitError {
  static override readonly brand: string = 'AuthenticationError';
  constructor(options: ErrorSubclassOptions) {
    super({ ...options, kind: options.kind ?? 'auth' });
  }
}

/** The provider rejected the request signature (or a response signature did not verify). */
export class SignatureError extends BillerkitError {
  static override readonly brand: string = 'SignatureError';
  constructor(options: ErrorSubclassOptions) {
    super({ ...options, kind: options.kind ?? 'signature' });
  }
}

export interface ValidationErrorOptions extends ErrorSubclassOptions {
  /** `request`: our request (or the provider said the request was invalid); `response`: the answer failed the spec. */
  direction: 'request' | 'response';
  issues: readonly ValidationIssue[];
  /** Component the data was checked against, e.g. `InquiryTransactionResponse`. */
  component?: string;
}

/** A request or response failed the spec (or the provider rejected the request as invalid). */
export class ValidationError extends BillerkitError {
  static override readonly brand: string = 'ValidationError';
  readonly direction: 'request' | 'response';
  readonly issues: readonly ValidationIssue[];
  readonly component: string | undefined;
  constructor(options: ValidationErrorOptions) {
    super({ ...options, kind: options.kind ?? 'validation' });
    const r = options.redactor ?? createRedactor({ secrets: options.secrets ?? [] });
    this.direction = options.direction;
    this.issues = Object.freeze(options.issues.map((i) => ({ path: i.path, keyword: i.keyword, message: r(i.message) })));
    this.component = options.component;
  }
}

/** The provider says this request id / reference was already used. */
export class DuplicateRequestError extends BillerkitError {
  static override readonly brand: string = 'DuplicateRequestError';
  constructor(options: ErrorSubclassOptions) {
    super({ ...options, kind: options.kind ?? 'duplicate' });
  }
}

/** The deposit balance does not cover the payment. */
export class InsufficientBalanceError extends BillerkitError {
  static override readonly brand: string = 'InsufficientBalanceError';
  constructor(options: ErrorSubclassOptions) {
    super({ ...options, kind: options.kind ?? 'insufficient_balance' });
  }
}

/**
 * Where a request was when it ran out of time:
 * - `before-response`: no response status/headers arrived (the provider may or may not have acted);
 * - `during-body`: the status arrived but the body did not finish (the provider did act on the request);
 * - `provider`: the provider itself reported a timeout as its result code.
 */
export type TimeoutPhase = 'before-response' | 'during-body' | 'provider';

export interface TimeoutErrorOptions extends ErrorSubclassOptions {
  phase: TimeoutPhase;
  /** Which limit fired: the per-attempt timeout or the total deadline across attempts. */
  limit?: 'attempt' | 'deadline' | 'provider';
  timeoutMs?: number;
}

export class TimeoutError extends BillerkitError {
  static override readonly brand: string = 'TimeoutError';
  readonly phase: TimeoutPhase;
  readonly limit: 'attempt' | 'deadline' | 'provider';
  readonly timeoutMs: number | undefined;
  constructor(options: TimeoutErrorOptions) {
    super({ ...options, kind: options.kind ?? 'timeout' });
    this.phase = options.phase;
    this.limit = options.limit ?? (options.phase === 'provider' ? 'provider' : 'attempt');
    this.timeoutMs = options.timeoutMs;
  }
}

export interface ConnectionErrorOptions extends ErrorSubclassOptions {
  phase: 'before-response' | 'during-body';
  /**
   * False only when the request certainly never reached the provider (connection refused, DNS
   * failure, unreachable host); a payment that failed that way was not recorded.
   */
  requestMaybeReceived: boolean;
  /** System error code from the cause chain, e.g. `ECONNREFUSED`, `ECONNRESET`. */
  errno?: string;
}

/** Network failure: refused, reset, DNS, TLS. */
export class ConnectionError extends BillerkitError {
  static override readonly brand: string = 'ConnectionError';
  readonly phase: 'before-response' | 'during-body';
  readonly requestMaybeReceived: boolean;
  readonly errno: string | undefined;
  constructor(options: ConnectionErrorOptions) {
    super({ ...options, kind: options.kind ?? 'connection' });
    this.phase = options.phase;
    this.requestMaybeReceived = options.requestMaybeReceived;
    this.errno = options.errno;
  }
}

/** The body is not JSON/XML, is truncated, too large, an HTML error page, or holds an impossible value. */
export class MalformedResponseError extends BillerkitError {
  static override readonly brand: string = 'MalformedResponseError';
  constructor(options: ErrorSubclassOptions) {
    super({ ...options, kind: options.kind ?? 'malformed_response' });
  }
}

export interface ResponseMismatchErrorOptions extends ErrorSubclassOptions {
  /** What does not fit, one line each (field names and the request's own references, never secrets). */
  problems: readonly string[];
}

/**
 * A well-formed answer that does not fit the request: an echoed reference (rq_uuid, order_id, ref_id,
 * tr_id) names another request, a required field is missing, or the amounts do not add up. It is never a
 * success; a payment that got one has an unknown outcome, to be settled by a status check.
 */
export class ResponseMismatchError extends MalformedResponseError {
  static override readonly brand: string = 'ResponseMismatchError';
  readonly problems: readonly string[];
  constructor(options: ResponseMismatchErrorOptions) {
    super(options);
    const r = options.redactor ?? createRedactor({ secrets: options.secrets ?? [] });
    this.problems = Object.freeze(options.problems.map((p) => r(p)));
  }
}

/** Any other failed outcome reported by the provider (unknown product, not found, throttled, already paid …). */
export class ProviderError extends BillerkitError {
  static override readonly brand: string = 'ProviderError';
  /** Seconds after which the provider allows the same transaction again (e.g. Espay 610). */
  readonly retryAfter: number | undefined;
  constructor(options: ErrorSubclassOptions & { retryAfter?: number }) {
    super({ ...options, kind: options.kind ?? 'provider' });
    this.retryAfter = options.retryAfter;
  }
}

/** The caller's AbortSignal fired. */
export class RequestAbortedError extends BillerkitError {
  static override readonly brand: string = 'RequestAbortedError';
  constructor(options: ErrorSubclassOptions) {
    super({ ...options, kind: options.kind ?? 'aborted' });
  }
}

/** True for any billerkit error, from this or any other copy of the module. */
export function isBillerkitError(value: unknown): value is BillerkitError {
  return value instanceof BillerkitError;
}
