/**
 * The IAK postpaid client: inquiry → pay → checkstatus, the price list and receipts, in JSON or
 * `<mp>` XML, over core's transport (timeouts, size cap, redacted logs) with core's typed errors,
 * outcome catalogue, money helpers and safe-payment engine.
 */
import {
  type BillerkitError,
  type Classification,
  type ConfirmedPayment,
  classifyIak,
  classifyIakStatus,
  confirmPayment,
  createRedactor,
  createTransport,
  errorFromClassification,
  MalformedResponseError,
  normaliseCode,
  type PollOptions,
  ProviderError,
  type Redactor,
  type RequestSummary,
  type Transport,
  type TransportOptions,
  type TransportResponse,
  ValidationError,
  type ValidationIssue,
} from '@billerkit/core';
import { IAK_DEFAULT_TIMEOUT_MS, IAK_PATHS, type IakClientOptions, type IakEnvironment, type IakFormat, resolveConfig } from './config.js';
import { downloadReceipt, type IakReceipt, type IakReceiptFormat } from './receipt.js';
import {
  buildCheckStatusBody,
  buildInquiryBody,
  buildPayBody,
  buildPricelistBody,
  type IakCheckStatusInput,
  type IakInquiryInput,
  type IakPayInput,
  type IakPricelistInput,
  normaliseTrId,
} from './requests.js';
import {
  billFields,
  type IakCheckStatusResult,
  type IakInquiryResult,
  type IakPaymentStatus,
  type IakPayResult,
  type IakPricelistResult,
  isRecord,
  paymentFields,
  productOf,
  smallInt,
  text,
  type WireData,
} from './results.js';
import { decodeAnswer, encodeBody } from './wire.js';

/** Per-call options. */
export interface IakCallOptions {
  signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout for this call. */
  timeoutMs?: number;
  /** Overrides the client's total deadline for this call. */
  totalTimeoutMs?: number;
}

/** What a payment answer said, failed ones included (the engine needs to see those too). */
export type IakPayAnswer =
  | IakPayResult
  | (Omit<IakPayResult, 'outcome'> & {
      outcome: 'failed';
      error: BillerkitError;
    });

export interface IakReceiptInput {
  trId: string | number | bigint;
  format?: IakReceiptFormat;
}

/** What identifies the payment for reconciliation by hand. */
export interface IakPaymentReferences {
  trId: string;
  refId: string;
}

export type IakConfirmedPayment = ConfirmedPayment<IakPayAnswer, IakCheckStatusResult, IakPaymentReferences>;

export interface IakPayAndConfirmInput {
  /** `tr_id` from the inquiry. */
  trId: string | number | bigint;
  /** `ref_id` of the inquiry: checkstatus finds the payment by it. */
  refId: string;
}

export interface IakPayAndConfirmOptions {
  signal?: AbortSignal;
  /** Deadline for the payment and all status checks. Default 120 s. */
  deadlineMs?: number;
  /** Status polling; defaults start at 1 s and cap at 15 s. */
  poll?: PollOptions;
  /**
   * A "not received" status (code 42) seen sooner than this after the ambiguous payment is not
   * trusted: the payment may still be in flight inside IAK. Default {@link IAK_DEFAULT_REPOST_GRACE_MS}.
   */
  rePostGraceMs?: number;
  /** Allow the single re-post after a trusted "not received". Default true. */
  allowRePost?: boolean;
}

export interface IakClient {
  readonly baseUrl: string;
  readonly environment: IakEnvironment | 'custom';
  readonly format: IakFormat;
  /** `inq-pasca`: looks up the open bill. Throws a typed error unless IAK answers `00`. */
  inquiry(input: IakInquiryInput, options?: IakCallOptions): Promise<IakInquiryResult>;
  /**
   * `pay-pasca`: pays an inquiry's tr_id, exactly one POST, never retried. `pending` results must be
   * settled with {@link IakClient.checkStatus}; prefer {@link IakClient.payAndConfirm}.
   */
  pay(input: IakPayInput, options?: IakCallOptions): Promise<IakPayResult>;
  /**
   * `checkstatus`: the state of the payment of the inquiry with this ref_id. A failed or missing
   * payment is an answer (`outcome` `failed` / `not_found`), not an exception; a refused request throws.
   */
  checkStatus(input: IakCheckStatusInput, options?: IakCallOptions): Promise<IakCheckStatusResult>;
  /** `pricelist-pasca`: products with admin fee and commission, optionally of one type. */
  pricelist(input?: IakPricelistInput, options?: IakCallOptions): Promise<IakPricelistResult>;
  /**
   * The receipt of a paid transaction: the PDF (`GET /api/v1/download/{tr_id}`, default) or its
   * printed lines as data (`format: 'data'`, `GET /api/v1/download/{tr_id}/1`, as IAK's SDKs use).
   */
  receipt(input: IakReceiptInput, options?: IakCallOptions): Promise<IakReceipt>;
  /**
   * Pays and settles the outcome safely: an ambiguous or pending payment is resolved with checkstatus,
   * never by posting again blind; one re-post happens only when checkstatus positively says IAK never
   * received the payment (response code 42 / status 0). `unknown` results carry the references to
   * reconcile by hand; they are never reported as failed.
   */
  payAndConfirm(input: IakPayAndConfirmInput, options?: IakPayAndConfirmOptions): Promise<IakConfirmedPayment>;
}

/**
 * IAK suggests allowing 30 s for a postpaid answer, so a payment that timed out on our side may
 * still be processed for that long; "not received" is trusted only after this much time.
 */
export const IAK_DEFAULT_REPOST_GRACE_MS = 30_000;

type Operation = 'inq-pasca' | 'pay-pasca' | 'checkstatus' | 'pricelist-pasca';

const COMPONENTS: Record<Operation, { request: string; json: string; xml: string }> = {
  'inq-pasca': { request: 'InqPascaRequest', json: 'InqPascaResponse', xml: 'InqPascaResult' },
  'pay-pasca': { request: 'PayPascaRequest', json: 'PayPascaResponse', xml: 'PayPascaResult' },
  checkstatus: { request: 'CheckStatusRequest', json: 'CheckStatusResponse', xml: 'CheckStatusResult' },
  'pricelist-pasca': { request: 'PricelistPascaRequest', json: 'PricelistPascaResponse', xml: 'PricelistPascaXmlResponse' },
};

interface Answer {
  res: TransportResponse;
  parsed: Record<string, unknown>;
  data: WireData;
  responseCode: string | null;
  message: string | null;
}

export function createIakClient(options: IakClientOptions): IakClient {
  const config = resolveConfig(options);
  const redactor: Redactor = createRedactor({ secrets: [config.apiKey] });
  const transportOptions: TransportOptions = {
    provider: 'iak',
    redactor,
    timeoutMs: options.timeoutMs ?? IAK_DEFAULT_TIMEOUT_MS,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.totalTimeoutMs === undefined ? {} : { totalTimeoutMs: options.totalTimeoutMs }),
    ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  };
  const transport: Transport = createTransport(transportOptions);
  const credentials = { username: config.username, apiKey: config.apiKey };
  const validation = config.validation;

  function errorContext(res: TransportResponse) {
    return { provider: 'iak' as const, httpStatus: res.status, rawBody: res.body, request: res.request, redactor };
  }

  /** Amount parsing etc. may throw a bare MalformedResponseError; give it the answer's context. */
  function withContext<T>(res: TransportResponse, build: () => T): T {
    try {
      return build();
    } catch (error) {
      if (error instanceof MalformedResponseError && error.rawBody === null) {
        throw new MalformedResponseError({ ...errorContext(res), cause: error, message: `iak ${res.request.operation}: ${error.message}` });
      }
      throw error;
    }
  }

  /** A tr_id IAK sent back is the answer's fault when malformed, not the caller's: a typed error. */
  function answerTrId(res: TransportResponse, value: unknown): string {
    try {
      return normaliseTrId(value, `iak ${res.request.operation} answer`);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      throw new MalformedResponseError({ ...errorContext(res), cause: error, message: error.message });
    }
  }

  async function exchange(
    operation: Operation,
    path: string,
    body: Record<string, unknown>,
    call: IakCallOptions | undefined,
    idempotent: boolean,
    references: Record<string, string>,
  ): Promise<Answer> {
    const components = COMPONENTS[operation];
    const url = config.baseUrl + path;
    if (validation) {
      const request: RequestSummary = { operation, method: 'POST', url, references };
      validation.checkRequest({ provider: 'iak', component: components.request, data: body, request, redactor });
    }
    const encoded = encodeBody(body, config.format);
    const res = await transport.send({
      operation,
      method: 'POST',
      url,
      headers: encoded.headers,
      body: encoded.body,
      idempotent,
      references,
      ...(call?.signal ? { signal: call.signal } : {}),
      ...(call?.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs }),
      ...(call?.totalTimeoutMs === undefined ? {} : { totalTimeoutMs: call.totalTimeoutMs }),
    });
    const decoded = decodeAnswer(res, redactor);
    const responseCode = normaliseCode(decoded.data['response_code']);
    const message = text(decoded.data['message']) ?? null;

    // HTTP 400: IAK refused the request before processing; `error_details` says why, field by field.
    if (res.status === 400 && (responseCode === null || isRecord(decoded.data['error_details']))) {
      throw new ValidationError({
        ...errorContext(res),
        code: responseCode,
        providerMessage: message,
        direction: 'request',
        issues: badRequestIssues(decoded.data),
        message: `iak ${operation}: HTTP 400, request refused${message ? `: ${message}` : ''}`,
      });
    }
    if ((res.status < 200 || res.status > 299) && responseCode === null) {
      throw new ProviderError({ ...errorContext(res), code: null, message: `iak ${operation}: HTTP ${res.status} without a response code` });
    }
    if (validation && res.status >= 200 && res.status <= 299) {
      const xml = decoded.format === 'xml';
      const component = xml ? components.xml : components.json;
      const data = xml && operation !== 'pricelist-pasca' ? decoded.data : decoded.parsed;
      // XML text carries no types, so the strict profile (the documented JSON types) cannot hold for
      // it; the tolerant profile's patches exist for exactly that, and XML answers use them.
      const profile = xml && validation.mode === 'strict' ? 'tolerant' : validation.mode;
      validation.checkResponse({ provider: 'iak', component, mode: profile, data, rawBody: res.body, httpStatus: res.status, request: res.request, redactor });
    }
    return { res, parsed: decoded.parsed, data: decoded.data, responseCode, message };
  }

  function failure(answer: Answer, c: Classification): BillerkitError {
    return errorFromClassification(c, { ...errorContext(answer.res), providerMessage: answer.message });
  }

  function base(answer: Answer) {
    return { responseCode: answer.responseCode, message: answer.message, httpStatus: answer.res.status, raw: answer.parsed };
  }

  async function inquiry(input: IakInquiryInput, call?: IakCallOptions): Promise<IakInquiryResult> {
    const body = buildInquiryBody(credentials, input);
    // An inquiry moves no money, but a retried one could meet "duplicate ref_id"; one attempt only.
    const answer = await exchange('inq-pasca', IAK_PATHS.billCheck, body, call, false, { ref_id: input.refId });
    const c = classifyIak(answer.responseCode);
    if (c.outcome !== 'success') {
      throw errorFromClassification(c, {
        ...errorContext(answer.res),
        providerMessage: answer.message,
        ...(c.outcome === 'pending' ? { message: `iak inq-pasca ${c.code}: inquiry did not complete (${answer.message ?? c.meaning}); inquire again with a new ref_id` } : {}),
      });
    }
    return withContext(answer.res, (): IakInquiryResult => {
      const fields = billFields(answer.data);
      const { trId, nominal, admin, price, sellingPrice } = fields;
      if (trId === undefined || nominal === undefined || admin === undefined || price === undefined || sellingPrice === undefined) {
        const missing = (['trId', 'nominal', 'admin', 'price', 'sellingPrice'] as const).filter((k) => fields[k] === undefined);
        throw new MalformedResponseError({ ...errorContext(answer.res), message: `iak inq-pasca: successful inquiry without ${missing.join(', ')}` });
      }
      // Written out rather than spread from base() and the fields: every inquiry builds one, and a literal of
      // fixed shape is several times cheaper to make than a merge of spreads. Same keys, same order.
      return {
        responseCode: answer.responseCode,
        message: answer.message,
        httpStatus: answer.res.status,
        raw: answer.parsed,
        trId: answerTrId(answer.res, trId),
        refId: fields.refId ?? input.refId,
        code: fields.code,
        hp: fields.hp,
        trName: fields.trName,
        period: fields.period,
        nominal,
        admin,
        price,
        sellingPrice,
        desc: fields.desc,
        bills: fields.bills,
        outcome: 'success',
      };
    });
  }

  async function payOnce(trId: string, call: IakCallOptions | undefined): Promise<IakPayAnswer> {
    const body = buildPayBody(credentials, { trId });
    const answer = await exchange('pay-pasca', IAK_PATHS.billCheck, body, call, false, { tr_id: trId });
    const c = classifyIak(answer.responseCode);
    const fields = withContext(answer.res, () => ({ ...billFields(answer.data), ...paymentFields(answer.data) }));
    if (c.outcome === 'failed') return { ...base(answer), ...fields, outcome: 'failed', error: failure(answer, c) };
    return { ...base(answer), ...fields, outcome: c.outcome };
  }

  async function pay(input: IakPayInput, call?: IakCallOptions): Promise<IakPayResult> {
    if (typeof input !== 'object' || input === null) throw new TypeError('iak.pay: input must be an object');
    const answer = await payOnce(normaliseTrId(input.trId, 'iak.pay'), call);
    if (answer.outcome === 'failed') throw answer.error;
    return answer;
  }

  async function checkStatus(input: IakCheckStatusInput, call?: IakCallOptions): Promise<IakCheckStatusResult> {
    const body = buildCheckStatusBody(credentials, input);
    const answer = await exchange('checkstatus', IAK_PATHS.billCheck, body, call, true, { ref_id: input.refId });
    const status = smallInt(answer.data['status']);
    const rc = classifyIak(answer.responseCode);
    const outcome = paymentStatus(answer.responseCode, rc, status);
    if (outcome === undefined) throw failure(answer, rc);
    const fields = withContext(answer.res, () => ({ ...billFields(answer.data), ...paymentFields(answer.data) }));
    const result: IakCheckStatusResult = { ...base(answer), ...fields, outcome, status };
    if (outcome === 'failed') result.error = failure(answer, rc);
    return result;
  }

  async function pricelist(input: IakPricelistInput = {}, call?: IakCallOptions): Promise<IakPricelistResult> {
    const body = buildPricelistBody(credentials, input);
    const path = input.type === undefined ? IAK_PATHS.billCheck : IAK_PATHS.pricelist(input.type);
    const answer = await exchange('pricelist-pasca', path, body, call, true, input.type === undefined ? {} : { type: input.type });
    const pasca = answer.data['pasca'];
    if (pasca === undefined) {
      const c = classifyIak(answer.responseCode);
      if (c.outcome !== 'success') throw failure(answer, c);
    }
    const entries = Array.isArray(pasca) ? pasca : pasca === undefined || pasca === '' ? [] : [pasca];
    return withContext(answer.res, () => ({
      ...base(answer),
      outcome: 'success' as const,
      products: entries.map((p, i) => {
        if (!isRecord(p)) throw new MalformedResponseError({ ...errorContext(answer.res), message: `iak pricelist-pasca: pasca[${i}] is not an object` });
        return productOf(p);
      }),
    }));
  }

  async function receipt(input: IakReceiptInput, call?: IakCallOptions): Promise<IakReceipt> {
    if (typeof input !== 'object' || input === null) throw new TypeError('iak.receipt: input must be an object');
    const trId = normaliseTrId(input.trId, 'iak.receipt');
    const format = input.format ?? 'pdf';
    if (format !== 'pdf' && format !== 'data') throw new TypeError(`iak.receipt: format must be 'pdf' or 'data', got ${JSON.stringify(format)}`);
    return downloadReceipt({ transportOptions, redactor, baseUrl: config.baseUrl, trId, format, validation, ...(call ? { call } : {}) });
  }

  async function payAndConfirm(input: IakPayAndConfirmInput, opts: IakPayAndConfirmOptions = {}): Promise<IakConfirmedPayment> {
    if (typeof input !== 'object' || input === null) throw new TypeError('iak.payAndConfirm: input must be an object');
    const trId = normaliseTrId(input.trId, 'iak.payAndConfirm');
    // Validates the ref_id before anything is sent.
    buildCheckStatusBody(credentials, { refId: input.refId });
    const refId = input.refId;
    return confirmPayment<IakPayAnswer, IakCheckStatusResult, IakPaymentReferences>({
      references: { trId, refId },
      async pay({ rePost, signal }) {
        const answer = await payOnce(trId, { signal });
        // On the re-post, "already paid" means the first attempt was recorded after all: settle it by status.
        if (answer.outcome === 'failed' && rePost && answer.error.kind === 'already_paid') return { outcome: 'pending', value: answer };
        return answer.outcome === 'failed' ? { outcome: 'failed', value: answer, error: answer.error } : { outcome: answer.outcome, value: answer };
      },
      async checkStatus({ signal }) {
        const status = await checkStatus({ refId }, { signal });
        if (status.trId !== undefined && status.trId !== trId) {
          return { outcome: 'unavailable', reason: `checkstatus for ref_id ${refId} describes tr_id ${status.trId}, not ${trId}` };
        }
        if (status.outcome === 'not_found') return { outcome: 'not_found', value: status };
        return status.error ? { outcome: status.outcome, value: status, error: status.error } : { outcome: status.outcome, value: status };
      },
      ...(opts.deadlineMs === undefined ? {} : { deadlineMs: opts.deadlineMs }),
      ...(opts.poll ? { poll: opts.poll } : {}),
      rePostGraceMs: opts.rePostGraceMs ?? IAK_DEFAULT_REPOST_GRACE_MS,
      ...(opts.allowRePost === undefined ? {} : { allowRePost: opts.allowRePost }),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  return Object.freeze({
    baseUrl: config.baseUrl,
    environment: config.environment,
    format: config.format,
    inquiry,
    pay,
    checkStatus,
    pricelist,
    receipt,
    payAndConfirm,
  });
}

/**
 * The payment state a checkstatus answer describes, or undefined when the answer is a refusal of
 * the status request itself (bad signature, unknown ref_id …) and must be thrown.
 *
 * `status` (0 not received, 1 paid, 2 failed, 3 in process) and `response_code` normally agree
 * (1/00, 3/39, 0/42, 2/37). When both are present and disagree the answer is treated as pending,
 * so the payment is checked again rather than settled on a contradiction.
 */
export function paymentStatus(code: string | null, rc: Classification, status: number | undefined): IakPaymentStatus | undefined {
  const fromCode: IakPaymentStatus | undefined = code === '42' ? 'not_found' : status === undefined && rc.outcome === 'failed' ? undefined : rc.outcome;
  if (status === undefined) return fromCode;
  let fromStatus: IakPaymentStatus;
  if (status === 0) fromStatus = 'not_found';
  else {
    const s = classifyIakStatus(status);
    // An undocumented status value says nothing certain: keep checking.
    fromStatus = s.known ? s.outcome : 'pending';
  }
  if (code === null) return fromStatus;
  return fromStatus === fromCode ? fromStatus : 'pending';
}

function badRequestIssues(data: WireData): ValidationIssue[] {
  const details = data['error_details'];
  const issues: ValidationIssue[] = [];
  if (isRecord(details)) {
    for (const [field, messages] of Object.entries(details)) {
      const list = Array.isArray(messages) ? messages : [messages];
      for (const m of list) issues.push({ path: `/${field}`, keyword: 'provider', message: text(m) ?? 'invalid' });
    }
  }
  if (issues.length === 0) issues.push({ path: '', keyword: 'provider', message: 'request refused (HTTP 400)' });
  return issues;
}
