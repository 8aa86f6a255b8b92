/** The parameters and typed results of the Espay operations (`operations.ts`). */
import type { BillerkitError, Classification, ConfirmedPayment, Minor, PollOptions } from '@billerkit/core';
import type {
  GetBalanceSuccess,
  GetRegisteredProductsSuccess,
  GetTransactionInfoSuccess,
  InquiryTransactionSuccess,
  PaymentReportSuccess,
} from './generated/types.gen.js';

/** An answer as received. Tolerant validation admits numbers where the contract says digit strings. */
export type Wire<T> = { [K in keyof T]?: T[K] extends string | undefined ? T[K] | number : T[K] } & Record<string, unknown>;

export interface ResultBase<W> {
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

export interface TransactionInfoParams {
  refId: string;
  rqUuid?: string;
  signal?: AbortSignal;
}

export interface ToolParams {
  rqUuid?: string;
  signal?: AbortSignal;
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
