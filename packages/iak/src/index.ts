/**
 * @billerkit/iak: typed, money-safe client for the IAK (MobilePulsa) postpaid API.
 *
 * Amounts are bigint minor units (sen); every result carries `outcome` and the raw wire answer;
 * failures are @billerkit/core's typed errors. `src/generated/` is produced from the spec by
 * @hey-api/openapi-ts and exposed as the `IakWire` type namespace.
 */
export {
  createIakClient,
  IAK_DEFAULT_REPOST_GRACE_MS,
  type IakCallOptions,
  type IakClient,
  type IakConfirmedPayment,
  type IakPayAndConfirmInput,
  type IakPayAndConfirmOptions,
  type IakPayAnswer,
  type IakPaymentReferences,
  type IakReceiptInput,
  paymentStatus,
} from './lib/client.js';
export { IAK_BASE_URLS, IAK_DEFAULT_TIMEOUT_MS, IAK_PATHS, type IakClientOptions, type IakEnvironment, type IakFormat } from './lib/config.js';
export type { IakReceipt, IakReceiptData, IakReceiptFormat, IakReceiptPdf } from './lib/receipt.js';
export {
  buildCheckStatusBody,
  buildInquiryBody,
  buildPayBody,
  buildPricelistBody,
  type IakCheckStatusInput,
  type IakCredentials,
  type IakInquiryExtras,
  type IakInquiryInput,
  type IakJsonBody,
  type IakPayInput,
  type IakPricelistInput,
  type IakPricelistStatus,
} from './lib/requests.js';
export type {
  IakBill,
  IakBillFields,
  IakCheckStatusResult,
  IakInquiryResult,
  IakPaymentFields,
  IakPaymentStatus,
  IakPayResult,
  IakPricelistResult,
  IakProduct,
  IakResultBase,
  WireData,
} from './lib/results.js';
/** Wire types generated from specs/iak/openapi.yaml (JSON form of every request and answer). */
export type * as IakWire from './generated/types.gen.js';
