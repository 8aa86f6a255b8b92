/**
 * @billerkit/iak: typed, money-safe client for the IAK (MobilePulsa) postpaid API.
 *
 * Amounts are bigint minor units (sen); every result carries `outcome` and the raw wire answer;
 * failures are @billerkit/core's typed errors. `src/generated/` is produced from the spec by
 * @hey-api/openapi-ts and exposed as the `IakWire` type namespace.
 *
 * Two ways in: `createIakClient(options)`, an object with every operation, or the modular API,
 * `inquiry(createIakConnection(options), input)` …, whose bundle holds only the operations imported.
 * Each export comes from its own module so that a bundler drops what is not used.
 */
export { createIakClient, type IakClient } from './lib/client.js';
export { checkStatus, paymentStatus } from './lib/check-status.js';
export {
  IAK_BASE_URLS,
  IAK_DEFAULT_TIMEOUT_MS,
  IAK_PATHS,
  type IakClientOptions,
  type IakEnvironment,
  type IakFormat,
} from './lib/config.js';
export { createIakConnection, type IakConnection, type IakConnectionOptions } from './lib/connection.js';
export type { IakCallOptions } from './lib/exchange.js';
export { inquiry } from './lib/inquiry.js';
export { type IakPayAnswer, pay } from './lib/pay.js';
export {
  IAK_DEFAULT_REPOST_GRACE_MS,
  type IakConfirmedPayment,
  type IakPayAndConfirmInput,
  type IakPayAndConfirmOptions,
  type IakPaymentReferences,
  payAndConfirm,
} from './lib/pay-and-confirm.js';
export { pricelist } from './lib/pricelist.js';
export {
  type IakReceipt,
  type IakReceiptData,
  type IakReceiptFormat,
  type IakReceiptInput,
  type IakReceiptPdf,
  receipt,
} from './lib/receipt.js';
export { type IakXmlCodec, iakXml } from './lib/xml.js';
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
