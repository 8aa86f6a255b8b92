/**
 * Espay interaction builders: requests and answers of every operation in `espayOperationTable`, with
 * matchers derived from the spec components. The app passes its own values; the pact keeps placeholders
 * where credentials or signatures go (see {@link PLACEHOLDERS}).
 */
import { type EspayOperationId, espayOperationTable } from '@billerkit/signing';
import { MatchersV3, type V3Request, type V3Response } from '@pact-foundation/pact';
import { PLACEHOLDERS } from './credentials.js';
import type { BillerInteraction } from './interaction.js';
import { specMatchers } from './spec-matchers.js';
import type { ProviderState } from './states.js';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** The example time in every request and answer; matched by the spec's pattern, so any time passes. */
export const EXAMPLE_ESPAY_DATETIME = '2025-01-01 10:00:00';

export interface EspayRequestOptions {
  /** The interaction is about a wrong signature (or wrong Basic credentials): the pact holds the `wrong…` placeholder, which verification leaves alone. */
  wrongSignature?: boolean;
  wrongBasic?: boolean;
  /** Business fields matched by their schema rather than by value (e.g. the `data` JSON string of a payment). */
  loose?: readonly string[];
}

/**
 * The request of an Espay operation: the envelope fields (rq_uuid, rq_datetime, sender_id, password,
 * signature) by pattern or type, the business fields the app passes by exact value unless named in `loose`.
 */
export function espayRequest(
  operation: EspayOperationId,
  rqUuid: string,
  fields: Readonly<Record<string, string>>,
  options: EspayRequestOptions = {},
): V3Request {
  const row = espayOperationTable[operation];
  const example = {
    rq_uuid: rqUuid,
    rq_datetime: EXAMPLE_ESPAY_DATETIME,
    sender_id: PLACEHOLDERS.espaySenderId,
    password: PLACEHOLDERS.espayPassword,
    ...fields,
    signature: options.wrongSignature ? PLACEHOLDERS.wrongEspaySignature : PLACEHOLDERS.espaySignature,
  };
  const loose = new Set(options.loose ?? []);
  const exact = Object.keys(fields).filter((key) => !loose.has(key));
  return {
    method: row.method,
    path: row.path,
    headers: {
      'Content-Type': FORM,
      Authorization: MatchersV3.regex(
        '^Basic [A-Za-z0-9+/=]+$',
        options.wrongBasic ? PLACEHOLDERS.wrongEspayBasic : PLACEHOLDERS.espayBasic,
      ),
    },
    contentType: FORM,
    body: specMatchers('espay', row.requestComponent, example, { exact }) as V3Request['body'],
  };
}

export interface EspayAnswerOptions {
  status?: number;
  /** Fields matched by value; `error_code` and the echoed `rq_uuid` always are, unless named in `loose`. */
  exact?: readonly string[];
  loose?: readonly string[];
}

/** An Espay answer, matched through the operation's response component (success and failure alike). */
export function espayAnswer(
  operation: EspayOperationId,
  body: Readonly<Record<string, unknown>>,
  options: EspayAnswerOptions = {},
): V3Response {
  const loose = new Set(options.loose ?? []);
  const exact = ['error_code', 'rq_uuid', ...(options.exact ?? [])].filter((key) => !loose.has(key));
  const component = espayOperationTable[operation].responseComponent;
  return {
    status: options.status ?? 200,
    headers: { 'Content-Type': JSON_TYPE },
    contentType: JSON_TYPE,
    body: specMatchers('espay', component, body, { exact }) as V3Response['body'],
  };
}

/** Espay's 401 for wrong Basic credentials (the `UnauthorizedResponse` component). */
export function espayUnauthorized(): V3Response {
  return {
    status: 401,
    headers: { 'Content-Type': JSON_TYPE },
    contentType: JSON_TYPE,
    body: specMatchers('espay', 'UnauthorizedResponse', { error_code: '401', error_desc: 'Unauthorized' }) as V3Response['body'],
  };
}

/** A three- or four-digit Espay code other than `0000` (the Pact core's regexes have no lookahead). */
const ESPAY_FAILURE_CODE = '^([1-9][0-9]{2,3}|0[1-9][0-9]{1,2}|00[1-9][0-9]?|000[1-9])$';

const envelope = (rqUuid: string, code: string, desc: string) => ({
  rq_uuid: rqUuid,
  rs_datetime: EXAMPLE_ESPAY_DATETIME,
  error_code: code,
  error_desc: desc,
});

/** The bill data Espay returns with an inquiry and echoes with a payment. */
export interface EspayBillData {
  [field: string]: string;
}

/** The documented answers, with the app's values. Amounts are strings of digits with two implied decimals. */
export const espayAnswers = {
  inquirySuccess: (p: { rqUuid: string; orderId: string; amount: string; billAmount: string; adminFee: string; data: EspayBillData }) =>
    espayAnswer(
      'inquiryTransaction',
      {
        ...envelope(p.rqUuid, '0000', 'Success'),
        order_id: p.orderId,
        amount: p.amount,
        bill_amount: p.billAmount,
        admin_fee: p.adminFee,
        data: p.data,
      },
      // The bill of a documented test order is part of the contract, to the sen: a swapped or reworked amount is a drift.
      { exact: ['order_id', 'amount', 'bill_amount', 'admin_fee'] },
    ),
  /** A payment answer: `pending` is Espay's `0000` + `Inproses`. */
  paymentSuccess: (p: {
    rqUuid: string;
    orderId: string;
    refId: string;
    data: EspayBillData;
    pending?: boolean;
    extra?: Record<string, unknown>;
  }) =>
    espayAnswer(
      'paymentReport',
      {
        ...envelope(p.rqUuid, '0000', p.pending ? 'Inproses' : 'Success'),
        order_id: p.orderId,
        ref_id: p.refId,
        data: p.data,
        ...(p.extra ?? {}),
      },
      { exact: ['order_id', 'error_desc'] },
    ),
  transactionInfo: (p: {
    rqUuid: string;
    refId: string;
    orderId: string;
    productCode: string;
    amount: string;
    pending?: boolean;
    data?: EspayBillData;
  }) =>
    espayAnswer(
      'getTransactionInfo',
      {
        ...envelope(p.rqUuid, '0000', p.pending ? 'Inproses' : 'Success'),
        ref_id: p.refId,
        order_id: p.orderId,
        product_code: p.productCode,
        amount: p.amount,
        ...(p.data ? { data: p.data } : {}),
      },
      { exact: ['ref_id', 'order_id', 'product_code', 'error_desc'] },
    ),
  balance: (p: { rqUuid: string; balance: string }) =>
    espayAnswer('getBalance', { ...envelope(p.rqUuid, '0000', 'Success'), balance: p.balance }),
  registeredProducts: (p: { rqUuid: string; products: readonly string[] }) =>
    espayAnswer('getRegisteredProducts', { ...envelope(p.rqUuid, '0000', 'Success'), product: [...p.products] }),
  /**
   * A documented failure: `exactCode: false` matches any failure code (for codes Espay leaves open), but
   * never `0000`: a refusal answered with success is a provider that stopped refusing.
   */
  failure: (operation: EspayOperationId, p: { rqUuid: string; code: string; desc: string; orderId?: string; exactCode?: boolean }) => {
    const answer = espayAnswer(
      operation,
      { ...envelope(p.rqUuid, p.code, p.desc), ...(p.orderId !== undefined ? { order_id: p.orderId } : {}) },
      { exact: p.orderId !== undefined ? ['order_id'] : [], ...(p.exactCode === false ? { loose: ['error_code'] } : {}) },
    );
    if (p.exactCode === false) (answer.body as Record<string, unknown>)['error_code'] = MatchersV3.regex(ESPAY_FAILURE_CODE, p.code);
    return answer;
  },
  unauthorized: espayUnauthorized,
};

export interface EspayInteractionInput {
  operation: EspayOperationId;
  description: string;
  state: ProviderState;
  rqUuid: string;
  /** Business fields of the request, as the app's client sends them. */
  fields?: Readonly<Record<string, string>>;
  request?: EspayRequestOptions;
  response: V3Response;
}

/** One Espay interaction: {@link espayRequest} plus an answer (from {@link espayAnswers}). */
export function espayInteraction(input: EspayInteractionInput): BillerInteraction {
  return {
    provider: 'espay',
    operation: input.operation,
    description: input.description,
    state: input.state,
    request: espayRequest(input.operation, input.rqUuid, input.fields ?? {}, input.request),
    response: input.response,
  };
}
