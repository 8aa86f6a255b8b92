/**
 * The hand-written layer over the generated Espay SDK.
 *
 * The generated code (`src/generated`) is the typed contract: its request types shape every body, its
 * `url` types pin each operation's path (a moved path fails to compile), and a test proves that the
 * request sent here is byte for byte the one the generated SDK builds (URL, method, Basic auth, headers,
 * body). The request itself goes straight to core's transport with the body already serialised: going
 * through hey-api's runtime meant building a `Request`, reading its body back and answering with a dummy
 * `Response` for it to parse, a large share of each call's cost (benchmark section 1, packages/bench).
 * The transport owns timeouts, the response size cap, retries of idempotent calls and logging. The answer
 * is parsed, validated against the spec and classified here, because the generated client throws plain
 * parsed bodies rather than Errors and knows nothing of Espay's result codes.
 */
import {
  type BillerkitError,
  type Classification,
  type ConfirmedPayment,
  classifyEspay,
  confirmPayment,
  createRedactor,
  createTransport,
  errorFromClassification,
  type FetchLike,
  formatEspayAmount,
  jakartaDateTime,
  type Logger,
  type Minor,
  MalformedResponseError,
  ProviderError,
  type PollOptions,
  parseEspayAmount,
  parseJsonBody,
  parseRupiahDecimal,
  type Redactor,
  type RetryOptions,
  type StatusStep,
  type TransportResponse,
  uniqueId,
  type ValidateMode,
  clientValidation,
  parseBaseUrl,
} from '@billerkit/core';
import { espaySignature } from '@billerkit/signing';
import type { ProviderValidators } from '@billerkit/validators';
import { type EspayOperation, encodeEspayForm } from './form.js';
import type {
  GetBalanceData,
  GetBalanceRequest,
  GetBalanceSuccess,
  GetRegisteredProductsData,
  GetRegisteredProductsRequest,
  GetRegisteredProductsSuccess,
  GetTransactionInfoData,
  GetTransactionInfoRequest,
  GetTransactionInfoSuccess,
  InquiryTransactionData,
  InquiryTransactionRequest,
  InquiryTransactionSuccess,
  PaymentReportData,
  PaymentReportRequest,
  PaymentReportSuccess,
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
  fetch?: FetchLike;
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

/** An answer as received. Tolerant validation admits numbers where the contract says digit strings. */
export type Wire<T> = { [K in keyof T]?: T[K] extends string | undefined ? T[K] | number : T[K] } & Record<string, unknown>;

interface ResultBase<W> {
  /** `error_code` as a string (`210` → `"210"`). */
  errorCode: string;
  /** `error_desc`, or `error_message` when Espay used that name. */
  errorDesc: string | null;
  rqUuid: string;
  /** The answer as received (checked against the spec when the client has validators). */
  raw: Wire<W>;
  classification: Classification;
}

export interface EspayInquiryResult extends ResultBase<InquiryTransactionSuccess> {
  outcome: 'success';
  orderId: string;
  productCode: string;
  /** Total to pay (`amount`), minor units. Send it back as the payment amount. */
  amount: Minor;
  billAmount: Minor | undefined;
  adminFee: Minor | undefined;
  bankFee: Minor | undefined;
  description: string | undefined;
  /** The product `data` object, as received. */
  data: Record<string, unknown> | undefined;
  /** `data` serialised as JSON, what `pay()` sends back by default. */
  dataJson: string | undefined;
}

export interface EspayPaymentResult extends ResultBase<PaymentReportSuccess> {
  /** `pending` for `0000` + "Inproses" and `9999` (suspect): check with `transactionInfo` or use `payAndConfirm`. */
  outcome: 'success' | 'pending';
  orderId: string;
  productCode: string;
  /** The amount that was sent, minor units. */
  amount: Minor;
  /** Espay's reference, needed to look the payment up; may be missing from old-style answers. */
  refId: string | undefined;
  bankFee: Minor | undefined;
  data: unknown;
}

export interface EspayTransactionInfoResult extends ResultBase<GetTransactionInfoSuccess> {
  /** Status of the looked-up payment. */
  outcome: 'success' | 'pending' | 'failed';
  refId: string;
  /** For `failed`: the typed error describing why the payment failed. */
  error: BillerkitError | undefined;
  amount: Minor | undefined;
}

export interface EspayBalanceResult extends ResultBase<GetBalanceSuccess> {
  outcome: 'success';
  /** Deposit balance, minor units (Espay sends rupiah with decimals, e.g. `"16127451.00"`). */
  balance: Minor;
}

export interface EspayProductsResult extends ResultBase<GetRegisteredProductsSuccess> {
  outcome: 'success';
  /** Product codes, when the answer's `product` is a string or a list of strings/objects with a code. */
  products: string[];
  /** `product` as received: its shape is undocumented. */
  product: unknown;
}

export interface InquiryParams {
  productCode: string;
  orderId: string;
  /** Product-specific extra input (e.g. `{ amount: "10000000" }` for e-wallet top-ups): an object (JSON-encoded) or a JSON string. */
  additionalData?: Record<string, unknown> | string;
  rqUuid?: string;
  signal?: AbortSignal;
}

export interface PayParams {
  productCode?: string;
  orderId?: string;
  /** Amount in minor units (sen); defaults to the inquiry's `amount`. */
  amount?: Minor;
  /** `data` to send: object (JSON-encoded) or JSON string; defaults to the inquiry's `data`, unchanged. */
  data?: Record<string, unknown> | string;
  /** The inquiry this payment settles; supplies productCode, orderId, amount and data when not given. */
  inquiry?: EspayInquiryResult;
  rqUuid?: string;
  signal?: AbortSignal;
}

export interface PayAndConfirmParams extends PayParams {
  /** Deadline for the payment plus status polling. Default 120 s. */
  deadlineMs?: number;
  poll?: PollOptions;
}

export interface EspayReferences {
  rq_uuid: string;
  order_id: string;
  product_code: string;
  /** Wire amount (two implied decimals). */
  amount: string;
  /** Present when the payment answer carried one. */
  ref_id?: string;
}

export type EspayConfirmedPayment = ConfirmedPayment<EspayPaymentResult, EspayTransactionInfoResult, EspayReferences>;

export interface EspayClient {
  readonly baseUrl: string;
  inquiry(params: InquiryParams): Promise<EspayInquiryResult>;
  /** One payment POST, never retried. Throws typed errors for failures; `pending` must be confirmed. */
  pay(params: PayParams): Promise<EspayPaymentResult>;
  /** Pays and confirms: never re-posts; checks status by ref_id; `unknown` when it cannot tell. */
  payAndConfirm(params: PayAndConfirmParams): Promise<EspayConfirmedPayment>;
  transactionInfo(params: { refId: string; rqUuid?: string; signal?: AbortSignal }): Promise<EspayTransactionInfoResult>;
  balance(params?: { rqUuid?: string; signal?: AbortSignal }): Promise<EspayBalanceResult>;
  registeredProducts(params?: { rqUuid?: string; signal?: AbortSignal }): Promise<EspayProductsResult>;
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
  inquiryTransaction: { path: '/rest/biller/inquirytransaction', request: 'InquiryTransactionRequest', response: 'InquiryTransactionResponse' },
  paymentReport: { path: '/rest/biller/paymentreport', request: 'PaymentReportRequest', response: 'PaymentReportResponse' },
  getTransactionInfo: { path: '/rest/billertools/gettransactioninfo', request: 'GetTransactionInfoRequest', response: 'GetTransactionInfoResponse' },
  getBalance: { path: '/rest/billertools/getbalance', request: 'GetBalanceRequest', response: 'GetBalanceResponse' },
  getRegisteredProducts: { path: '/rest/billertools/getregisteredproducts', request: 'GetRegisteredProductsRequest', response: 'GetRegisteredProductsResponse' },
} as const satisfies { [K in EspayOperation]: { path: GeneratedPaths[K]; request: string; response: string } };

/** Status-check failures that concern the lookup itself, not the payment looked up. */
const REQUEST_LEVEL_KINDS = new Set(['auth', 'signature', 'validation', 'duplicate', 'throttled', 'timeout', 'not_found']);

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`createEspayClient: ${name} must be a non-empty string`);
  return value;
}

function optionalText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function jsonText(value: Record<string, unknown> | string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') throw new TypeError(`${name} must be an object or a JSON string`);
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

export function createEspayClient(options: EspayClientOptions): EspayClient {
  if (!options || typeof options !== 'object') throw new TypeError('createEspayClient: options are required');
  const senderId = requireString(options.senderId, 'senderId');
  const password = requireString(options.password, 'password');
  const signatureKey = requireString(options.signatureKey, 'signatureKey');
  const basicUser = requireString(options.basicAuth?.username, 'basicAuth.username');
  const basicPassword = requireString(options.basicAuth?.password, 'basicAuth.password');
  if (basicUser.includes(':')) throw new TypeError('createEspayClient: basicAuth.username cannot contain ":"');
  const environment = options.environment ?? 'sandbox';
  if (!(environment in ESPAY_BASE_URLS)) throw new TypeError(`createEspayClient: environment must be 'sandbox' or 'production'`);
  const requestedBaseUrl = options.baseUrl ?? ESPAY_BASE_URLS[environment];
  parseBaseUrl('createEspayClient', requestedBaseUrl);
  const baseUrl = requestedBaseUrl.replace(/\/+$/, '');
  const validation = clientValidation('createEspayClient', 'espay', options);
  const now = options.now ?? (() => new Date());
  const rqUuidOptions = { prefix: senderId };
  const nextRqUuid = options.generateRqUuid ?? (() => uniqueId(rqUuidOptions));

  const basicToken = `${basicUser}:${basicPassword}`;
  const basicBase64 = Buffer.from(basicToken, 'utf8').toString('base64');
  const redactor: Redactor = createRedactor({
    secrets: [password, signatureKey, basicPassword, basicToken, basicBase64],
  });
  const transport = createTransport({
    provider: 'espay',
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.totalTimeoutMs === undefined ? {} : { totalTimeoutMs: options.totalTimeoutMs }),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
    ...(options.logger ? { logger: options.logger } : {}),
    redactor,
  });
  // What the generated SDK sends for every operation (hey-api's merged headers, names lowercased as a
  // `Headers` object lists them): its client config's Accept, the operation's form Content-Type and the
  // basicAuth security scheme as `Basic base64(user:pass)`. One frozen object, shared by all calls.
  const headers: Readonly<Record<string, string>> = Object.freeze({
    accept: '*/*',
    authorization: `Basic ${basicBase64}`,
    'content-type': 'application/x-www-form-urlencoded',
  });
  // Normalised as a Request would (lower-case host, default port dropped), so logs and error summaries
  // show the URL exactly as sent.
  const urls = {} as Record<EspayOperation, string>;
  for (const operation of Object.keys(ESPAY_OPERATIONS) as EspayOperation[]) urls[operation] = new URL(baseUrl + ESPAY_OPERATIONS[operation].path).href;

  /** Sends one operation through the core transport; returns the parsed, validated, classified answer. */
  async function send(
    operation: EspayOperation,
    body: object,
    call: { idempotent: boolean; signal: AbortSignal | undefined; references: Record<string, string> },
  ): Promise<{ res: TransportResponse; wire: Record<string, unknown>; classification: Classification; desc: string | null; code: string }> {
    const components = ESPAY_OPERATIONS[operation];
    const form = encodeEspayForm(operation, body);
    // Check our own request against the contract before it leaves: a failure here is certainly not sent. The
    // body object is what the form decodes to (the encoder took every field as a string, refused unknown ones,
    // and percent-encoding round-trips), so it is checked without parsing the form back.
    validation?.checkRequest({ provider: 'espay', component: components.request, data: body, redactor });
    const res = await transport.send({
      operation,
      method: 'POST',
      url: urls[operation],
      headers,
      body: form,
      idempotent: call.idempotent,
      references: call.references,
      ...(call.signal ? { signal: call.signal } : {}),
    });
    const ctx = { provider: 'espay' as const, redactor };
    const data = parseJsonBody(res, ctx) as Record<string, unknown>;
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
    validation?.checkResponse({ provider: 'espay', component: components.response, data, rawBody: res.body, httpStatus: res.status, request: res.request, redactor });
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

  function failure(classification: Classification, desc: string | null, res: TransportResponse): BillerkitError {
    return errorFromClassification(classification, {
      provider: 'espay',
      providerMessage: desc,
      httpStatus: res.status,
      rawBody: res.body,
      request: res.request,
      redactor,
    });
  }

  function optionalAmount(value: unknown, field: string): Minor | undefined {
    if (value === undefined || value === null || value === '') return undefined;
    return parseEspayAmount(value, { field });
  }

  function common(rqUuid: string) {
    if (typeof rqUuid !== 'string' || rqUuid.length === 0 || rqUuid.length > 255) throw new TypeError('espay: rqUuid must be 1 to 255 characters');
    return { rq_uuid: rqUuid, rq_datetime: jakartaDateTime(now()), sender_id: senderId, password };
  }

  async function inquiry(params: InquiryParams): Promise<EspayInquiryResult> {
    const productCode = requireParam(params?.productCode, 'productCode');
    const orderId = requireParam(params?.orderId, 'orderId');
    const rqUuid = params.rqUuid ?? nextRqUuid();
    const additionalData = jsonText(params.additionalData, 'additionalData');
    const body: InquiryTransactionRequest = {
      ...common(rqUuid),
      order_id: orderId,
      product_code: productCode,
      signature: espaySignature('inquiry', { sender_id: senderId, order_id: orderId, product_code: productCode, rq_uuid: rqUuid }, signatureKey),
      ...(additionalData === undefined ? {} : { additional_data: additionalData }),
    };
    const { res, wire, classification, desc, code } = await send('inquiryTransaction', body, {
      idempotent: true,
      signal: params.signal,
      references: { rq_uuid: rqUuid, order_id: orderId, product_code: productCode },
    });
    if (classification.outcome !== 'success') throw failure(classification, desc, res);
    const dataValue = wire['data'];
    const data = dataValue !== null && typeof dataValue === 'object' && !Array.isArray(dataValue) ? (dataValue as Record<string, unknown>) : undefined;
    return {
      outcome: 'success',
      errorCode: code,
      errorDesc: desc,
      rqUuid,
      raw: wire as Wire<InquiryTransactionSuccess>,
      classification,
      orderId,
      productCode,
      amount: parseEspayAmount(wire['amount'], { field: 'amount' }),
      billAmount: optionalAmount(wire['bill_amount'], 'bill_amount'),
      adminFee: optionalAmount(wire['admin_fee'], 'admin_fee'),
      bankFee: optionalAmount(wire['bankFee'], 'bankFee'),
      description: optionalText(wire['description']),
      data,
      dataJson: data === undefined ? undefined : JSON.stringify(data),
    };
  }

  function payRequest(params: PayParams) {
    const productCode = requireParam(params?.productCode ?? params?.inquiry?.productCode, 'productCode');
    const orderId = requireParam(params.orderId ?? params.inquiry?.orderId, 'orderId');
    const amountMinor = params.amount ?? params.inquiry?.amount;
    if (typeof amountMinor !== 'bigint') throw new TypeError('pay: amount must be a bigint in minor units (sen), or pass the inquiry');
    const amount = formatEspayAmount(amountMinor);
    const data = params.data === undefined ? params.inquiry?.dataJson : jsonText(params.data, 'data');
    return { productCode, orderId, amountMinor, amount, data };
  }

  async function payOnce(
    req: ReturnType<typeof payRequest>,
    rqUuid: string,
    signal: AbortSignal | undefined,
  ): Promise<EspayPaymentResult> {
    const { productCode, orderId, amount, data, amountMinor } = req;
    const body: PaymentReportRequest = {
      ...common(rqUuid),
      order_id: orderId,
      product_code: productCode,
      amount,
      signature: espaySignature('payment', { sender_id: senderId, order_id: orderId, product_code: productCode, amount, rq_uuid: rqUuid }, signatureKey),
      ...(data === undefined ? {} : { data }),
    };
    const { res, wire, classification, desc, code } = await send('paymentReport', body, {
      idempotent: false,
      signal,
      references: { rq_uuid: rqUuid, order_id: orderId, product_code: productCode, amount },
    });
    if (classification.outcome === 'failed') throw failure(classification, desc, res);
    return {
      outcome: classification.outcome,
      errorCode: code,
      errorDesc: desc,
      rqUuid,
      raw: wire as Wire<PaymentReportSuccess>,
      classification,
      orderId,
      productCode,
      amount: amountMinor,
      refId: optionalText(wire['ref_id']),
      bankFee: optionalAmount(wire['bankFee'], 'bankFee'),
      data: wire['data'],
    };
  }

  async function pay(params: PayParams): Promise<EspayPaymentResult> {
    const req = payRequest(params);
    return payOnce(req, params.rqUuid ?? nextRqUuid(), params.signal);
  }

  async function transactionInfo(params: { refId: string; rqUuid?: string; signal?: AbortSignal }): Promise<EspayTransactionInfoResult> {
    const refId = requireParam(params?.refId, 'refId');
    const rqUuid = params.rqUuid ?? nextRqUuid();
    const body: GetTransactionInfoRequest = {
      ...common(rqUuid),
      signature: espaySignature('status', { sender_id: senderId, ref_id: refId, rq_uuid: rqUuid }, signatureKey),
      ref_id: refId,
    };
    const { res, wire, classification, desc, code } = await send('getTransactionInfo', body, {
      idempotent: true,
      signal: params.signal,
      references: { rq_uuid: rqUuid, ref_id: refId },
    });
    let error: BillerkitError | undefined;
    if (classification.outcome === 'failed') {
      error = failure(classification, desc, res);
      // Problems with the lookup itself are thrown; a failed payment is a result.
      if (REQUEST_LEVEL_KINDS.has(classification.kind ?? '')) throw error;
    }
    return {
      outcome: classification.outcome,
      errorCode: code,
      errorDesc: desc,
      rqUuid,
      raw: wire as Wire<GetTransactionInfoSuccess>,
      classification,
      refId,
      error,
      amount: optionalAmount(wire['amount'], 'amount'),
    };
  }

  async function balance(params: { rqUuid?: string; signal?: AbortSignal } = {}): Promise<EspayBalanceResult> {
    const rqUuid = params.rqUuid ?? nextRqUuid();
    const body: GetBalanceRequest = {
      ...common(rqUuid),
      signature: espaySignature('balance', { sender_id: senderId, rq_uuid: rqUuid }, signatureKey),
    };
    const { res, wire, classification, desc, code } = await send('getBalance', body, { idempotent: true, signal: params.signal, references: { rq_uuid: rqUuid } });
    if (classification.outcome !== 'success') throw failure(classification, desc, res);
    return {
      outcome: 'success',
      errorCode: code,
      errorDesc: desc,
      rqUuid,
      raw: wire as Wire<GetBalanceSuccess>,
      classification,
      balance: parseRupiahDecimal('espay', wire['balance'], { field: 'balance', allowNegative: true }),
    };
  }

  async function registeredProducts(params: { rqUuid?: string; signal?: AbortSignal } = {}): Promise<EspayProductsResult> {
    const rqUuid = params.rqUuid ?? nextRqUuid();
    // No recipe is documented for this call; the balance recipe is the spec's (unverified) assumption.
    const body: GetRegisteredProductsRequest = {
      ...common(rqUuid),
      signature: espaySignature('balance', { sender_id: senderId, rq_uuid: rqUuid }, signatureKey),
    };
    const { res, wire, classification, desc, code } = await send('getRegisteredProducts', body, {
      idempotent: true,
      signal: params.signal,
      references: { rq_uuid: rqUuid },
    });
    if (classification.outcome !== 'success') throw failure(classification, desc, res);
    const product = wire['product'];
    return {
      outcome: 'success',
      errorCode: code,
      errorDesc: desc,
      rqUuid,
      raw: wire as Wire<GetRegisteredProductsSuccess>,
      classification,
      product,
      products: productCodes(product),
    };
  }

  async function payAndConfirm(params: PayAndConfirmParams): Promise<EspayConfirmedPayment> {
    const req = payRequest(params);
    const rqUuid = params.rqUuid ?? nextRqUuid();
    let refId: string | undefined;
    return confirmPayment<EspayPaymentResult, EspayTransactionInfoResult, EspayReferences>({
      references: () => ({
        rq_uuid: rqUuid,
        order_id: req.orderId,
        product_code: req.productCode,
        amount: req.amount,
        ...(refId ? { ref_id: refId } : {}),
      }),
      ...(params.deadlineMs === undefined ? {} : { deadlineMs: params.deadlineMs }),
      ...(params.poll ? { poll: params.poll } : {}),
      ...(params.signal ? { signal: params.signal } : {}),
      ...(options.logger ? { logger: { debug: (m, meta) => options.logger?.debug(redactor(m), meta) } } : {}),
      // Espay hands out ref_id only in the payment answer, so a status lookup can never show that a
      // payment we sent was not recorded: a re-post is never justified.
      allowRePost: false,
      async pay({ signal }) {
        const result = await payOnce(req, rqUuid, signal);
        refId = result.refId;
        return { outcome: result.outcome, value: result };
      },
      async checkStatus({ signal }): Promise<StatusStep<EspayTransactionInfoResult>> {
        if (!refId) {
          return {
            outcome: 'unavailable',
            reason:
              'the payment answer carried no ref_id (lost, timed out or pending without one) and Espay documents no lookup by rq_uuid/order_id: reconcile by hand with the references',
          };
        }
        try {
          const info = await transactionInfo({ refId, signal });
          if (info.outcome === 'failed') return { outcome: 'failed', value: info, ...(info.error ? { error: info.error } : {}) };
          return { outcome: info.outcome, value: info };
        } catch (error) {
          if (error instanceof ProviderError && error.kind === 'not_found') return { outcome: 'not_found' };
          throw error;
        }
      },
    });
  }

  return { baseUrl, inquiry, pay, payAndConfirm, transactionInfo, balance, registeredProducts };
}

function requireParam(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`espay: ${name} must be a non-empty string`);
  return value;
}

function productCodes(product: unknown): string[] {
  if (typeof product === 'string') return product.length > 0 ? [product] : [];
  if (Array.isArray(product)) {
    return product.flatMap((item) => {
      if (typeof item === 'string') return [item];
      if (item && typeof item === 'object') {
        const code = (item as Record<string, unknown>)['product_code'] ?? (item as Record<string, unknown>)['code'];
        return typeof code === 'string' ? [code] : [];
      }
      return [];
    });
  }
  return [];
}
