/**
 * An Espay connection: the checked options, credentials, transport and redactor that every operation
 * needs, and the one path every operation's request and answer take (`sendEspay`).
 *
 * The operations are separate functions (`operations.ts`) that take a connection, so a bundler keeps only
 * the ones an application imports; `createEspayClient` binds all of them to one connection. The
 * connection itself exposes only its base URL: the secrets live in a module-private WeakMap, where neither
 * `console.log` nor `JSON.stringify` of the object can reach them.
 */
import {
  assertAnswerFits,
  type BillerkitError,
  type Classification,
  type ClientValidation,
  classifyEspay,
  clientValidation,
  createRedactor,
  createTransport,
  errorFromClassification,
  type FetchLike,
  jakartaDateTime,
  type Logger,
  MalformedResponseError,
  ProviderError,
  parseBaseUrl,
  parseJsonBody,
  type Redactor,
  type RetryOptions,
  type Transport,
  type TransportResponse,
  uniqueId,
  type ValidateMode,
} from '@billerkit/core';
import type { Agent as HttpAgent } from 'node:http';
import type { ProviderValidators } from '@billerkit/validators';
import { type EspayOperation, encodeEspayForm } from './form.js';
import type {
  GetBalanceData,
  GetRegisteredProductsData,
  GetTransactionInfoData,
  InquiryTransactionData,
  PaymentReportData,
} from './generated/types.gen.js';

export const ESPAY_BASE_URLS = {
  sandbox: 'https://sandbox-api.espay.id',
  production: 'https://api.espay.id',
} as const;

export interface EspayClientOptions {
  /** Selects the documented host; ignored when `baseUrl` is given. Default `sandbox`. */
  environment?: 'sandbox' | 'production';
  /** Overrides the host, e.g. the embedded sandbox's URL. */
  baseUrl?: string;
  senderId: string;
  /** The `password` form field. */
  password: string;
  /** The API key that signs requests. */
  signatureKey: string;
  /** HTTP Basic credentials (separate from `senderId`/`password`). */
  basicAuth: { username: string; password: string };
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
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number;
  /** Deadline of one call including retries of idempotent calls. Default 90 s. */
  totalTimeoutMs?: number;
  /** Retries for inquiries, status, balance and product list. Payments are never retried. */
  retry?: RetryOptions;
  maxResponseBytes?: number;
  logger?: Logger;
  /**
   * The precompiled validators that check requests and answers against the spec:
   * `import { espayValidators } from '@billerkit/validators/espay'`. Without them nothing is checked
   * against the spec (the answer's fields are still read defensively: a malformed one is a typed error),
   * and the client's bundle is several times smaller.
   */
  validators?: ProviderValidators;
  /** Spec validation mode: `tolerant` (default with `validators`), `strict`, or `off` (default without). */
  validate?: ValidateMode;
  /** rq_uuid generator; default `senderId` + Jakarta time + counter + random hex. */
  generateRqUuid?: () => string;
  /** Clock for rq_datetime; default now. */
  now?: () => Date;
}

/** Type-only brand: a look-alike object (an IAK connection, a client, a literal) is not an EspayConnection. */
declare const ESPAY_CONNECTION: unique symbol;

/** What `createEspayConnection` returns: pass it to the operations (`inquiry(connection, …)`). */
export interface EspayConnection {
  readonly baseUrl: string;
  readonly [ESPAY_CONNECTION]: true;
}

/** The generated SDK's path of each operation (its `…Data['url']` literal types). */
interface GeneratedPaths {
  inquiryTransaction: InquiryTransactionData['url'];
  paymentReport: PaymentReportData['url'];
  getTransactionInfo: GetTransactionInfoData['url'];
  getBalance: GetBalanceData['url'];
  getRegisteredProducts: GetRegisteredProductsData['url'];
}

/**
 * Per operation: the path (checked against the generated types by `satisfies`) and the spec components of
 * its request and answer. Every operation is a form POST with Basic auth, as the generated SDK sends it.
 */
const ESPAY_OPERATIONS = {
  inquiryTransaction: {
    path: '/rest/biller/inquirytransaction',
    request: 'InquiryTransactionRequest',
    response: 'InquiryTransactionResponse',
  },
  paymentReport: { path: '/rest/biller/paymentreport', request: 'PaymentReportRequest', response: 'PaymentReportResponse' },
  getTransactionInfo: {
    path: '/rest/billertools/gettransactioninfo',
    request: 'GetTransactionInfoRequest',
    response: 'GetTransactionInfoResponse',
  },
  getBalance: { path: '/rest/billertools/getbalance', request: 'GetBalanceRequest', response: 'GetBalanceResponse' },
  getRegisteredProducts: {
    path: '/rest/billertools/getregisteredproducts',
    request: 'GetRegisteredProductsRequest',
    response: 'GetRegisteredProductsResponse',
  },
} as const satisfies { [K in EspayOperation]: { path: GeneratedPaths[K]; request: string; response: string } };

/** What the operations of one connection share; never exposed outside the package. */
export interface EspayInternals {
  readonly senderId: string;
  readonly password: string;
  readonly signatureKey: string;
  readonly redactor: Redactor;
  readonly transport: Transport;
  readonly validation: ClientValidation | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly urls: Readonly<Record<EspayOperation, string>>;
  readonly logger: Logger | undefined;
  readonly now: () => Date;
  readonly nextRqUuid: () => string;
}

const internals = new WeakMap<EspayConnection, EspayInternals>();

/** The state behind a connection; a TypeError for anything `createEspayConnection` did not make. */
export function espayInternals(connection: EspayConnection): EspayInternals {
  const found = typeof connection === 'object' && connection !== null ? internals.get(connection) : undefined;
  if (found === undefined) throw new TypeError('espay: expected a connection from createEspayConnection (or use createEspayClient)');
  return found;
}

/**
 * Checks the options and builds the transport; the operations are the functions of `operations.ts`
 * (`inquiry(connection, …)`), and a bundle keeps only those it imports.
 */
export function createEspayConnection(options: EspayClientOptions): EspayConnection {
  return connectEspay(options, 'createEspayConnection');
}

/** `caller` names the function the application called, in the TypeErrors about its options. */
export function connectEspay(options: EspayClientOptions, caller: string): EspayConnection {
  const requireString = (value: unknown, name: string): string => {
    if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${caller}: ${name} must be a non-empty string`);
    return value;
  };
  if (!options || typeof options !== 'object') throw new TypeError(`${caller}: options are required`);
  const senderId = requireString(options.senderId, 'senderId');
  const password = requireString(options.password, 'password');
  const signatureKey = requireString(options.signatureKey, 'signatureKey');
  const basicUser = requireString(options.basicAuth?.username, 'basicAuth.username');
  const basicPassword = requireString(options.basicAuth?.password, 'basicAuth.password');
  if (basicUser.includes(':')) throw new TypeError(`${caller}: basicAuth.username cannot contain ":"`);
  const environment = options.environment ?? 'sandbox';
  if (!(environment in ESPAY_BASE_URLS)) throw new TypeError(`${caller}: environment must be 'sandbox' or 'production'`);
  const requestedBaseUrl = options.baseUrl ?? ESPAY_BASE_URLS[environment];
  parseBaseUrl(caller, requestedBaseUrl);
  const baseUrl = requestedBaseUrl.replace(/\/+$/, '');
  const validation = clientValidation(caller, 'espay', options);
  const rqUuidOptions = { prefix: senderId };

  const basicToken = `${basicUser}:${basicPassword}`;
  const basicBase64 = Buffer.from(basicToken, 'utf8').toString('base64');
  const redactor = createRedactor({ secrets: [password, signatureKey, basicPassword, basicToken, basicBase64] });
  const transport = createTransport({
    provider: 'espay',
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.agent ? { agent: options.agent } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.totalTimeoutMs === undefined ? {} : { totalTimeoutMs: options.totalTimeoutMs }),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
    ...(options.logger ? { logger: options.logger } : {}),
    redactor,
  });
  // Normalised as a Request would (lower-case host, default port dropped), so logs and error summaries
  // show the URL exactly as sent.
  const urls = {} as Record<EspayOperation, string>;
  for (const operation of Object.keys(ESPAY_OPERATIONS) as EspayOperation[])
    urls[operation] = new URL(baseUrl + ESPAY_OPERATIONS[operation].path).href;

  const connection = Object.freeze({ baseUrl }) as EspayConnection;
  internals.set(connection, {
    senderId,
    password,
    signatureKey,
    redactor,
    transport,
    validation,
    // What the generated SDK sends for every operation (hey-api's merged headers, names lowercased as a
    // `Headers` object lists them): its client config's Accept, the operation's form Content-Type and the
    // basicAuth security scheme as `Basic base64(user:pass)`. One frozen object, shared by all calls.
    headers: Object.freeze({
      accept: '*/*',
      authorization: `Basic ${basicBase64}`,
      'content-type': 'application/x-www-form-urlencoded',
    }),
    urls,
    logger: options.logger,
    now: options.now ?? (() => new Date()),
    nextRqUuid: options.generateRqUuid ?? (() => uniqueId(rqUuidOptions)),
  });
  return connection;
}

export interface EspayAnswer {
  res: TransportResponse;
  wire: Record<string, unknown>;
  classification: Classification;
  desc: string | null;
  code: string;
}

export function optionalText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Sends one operation through the core transport; returns the parsed, validated, classified answer. */
export async function sendEspay(
  c: EspayInternals,
  operation: EspayOperation,
  body: object,
  call: { idempotent: boolean; signal: AbortSignal | undefined; references: Record<string, string> },
): Promise<EspayAnswer> {
  const components = ESPAY_OPERATIONS[operation];
  const redactor = c.redactor;
  const form = encodeEspayForm(operation, body);
  // Check our own request against the contract before it leaves: a failure here is certainly not sent. The
  // body object is what the form decodes to (the encoder took every field as a string, refused unknown ones,
  // and percent-encoding round-trips), so it is checked without parsing the form back.
  c.validation?.checkRequest({ provider: 'espay', component: components.request, data: body, redactor });
  const res = await c.transport.send({
    operation,
    method: 'POST',
    url: c.urls[operation],
    headers: c.headers,
    body: form,
    idempotent: call.idempotent,
    references: call.references,
    ...(call.signal ? { signal: call.signal } : {}),
  });
  const data = parseJsonBody(res, { provider: 'espay', redactor }) as Record<string, unknown>;
  const rawCode = data['error_code'];
  if ((res.status < 200 || res.status > 299) && rawCode === undefined) {
    throw new ProviderError({
      provider: 'espay',
      message: `espay ${operation}: HTTP ${res.status} without a result code`,
      httpStatus: res.status,
      rawBody: res.body,
      request: res.request,
      redactor,
    });
  }
  c.validation?.checkResponse({
    provider: 'espay',
    component: components.response,
    data,
    rawBody: res.body,
    httpStatus: res.status,
    request: res.request,
    redactor,
  });
  const desc = optionalText(data['error_desc']) ?? optionalText(data['error_message']) ?? null;
  const classification = classifyEspay(rawCode, desc);
  if (classification.code === null) {
    throw new MalformedResponseError({
      provider: 'espay',
      message: `espay ${operation}: answer has no usable error_code`,
      httpStatus: res.status,
      rawBody: res.body,
      request: res.request,
      redactor,
    });
  }
  return { res, wire: data, classification, desc, code: classification.code };
}

/** The typed error of a failed answer. */
export function espayFailure(c: EspayInternals, answer: EspayAnswer): BillerkitError {
  return errorFromClassification(answer.classification, {
    provider: 'espay',
    providerMessage: answer.desc,
    httpStatus: answer.res.status,
    rawBody: answer.res.body,
    request: answer.res.request,
    redactor: c.redactor,
  });
}

/** Throws a ResponseMismatchError unless the cross-check of a success answer found nothing. */
export function assertEspayFits(c: EspayInternals, answer: EspayAnswer, problems: readonly string[]): void {
  assertAnswerFits(problems, answer.res, { provider: 'espay', redactor: c.redactor });
}

/** The fields every request starts with. */
/**
 * The fields every request starts with, under the rules the receiving side checks: an rq_uuid of printable
 * characters (it is compared upper-cased, as the signature sees it, so ids that differ only in case are the
 * same id), and an rq_datetime read from the clock now, at the moment of building the request, which Espay's
 * side accepts only within `ESPAY_RQ_DATETIME_WINDOW_MS` of its own clock.
 */
export function commonFields(c: EspayInternals, rqUuid: string) {
  if (typeof rqUuid !== 'string' || rqUuid.length === 0 || rqUuid.length > 255)
    throw new TypeError('espay: rqUuid must be 1 to 255 characters');
  if (!PRINTABLE_RQ_UUID.test(rqUuid))
    throw new TypeError('espay: rqUuid must be printable ASCII without spaces (no control or bidirectional characters)');
  const now = c.now();
  if (!(now instanceof Date) || !Number.isFinite(now.getTime()))
    throw new TypeError('espay: the now() option must return a valid Date (it dates rq_datetime)');
  return { rq_uuid: rqUuid, rq_datetime: jakartaDateTime(now), sender_id: c.senderId, password: c.password };
}

/** rq_uuid characters: printable ASCII, no space (what every documented rq_uuid uses). */
const PRINTABLE_RQ_UUID = /^[\x21-\x7e]+$/;
