export {
  createEspayClient,
  ESPAY_BASE_URLS,
  type EspayBalanceResult,
  type EspayClient,
  type EspayClientOptions,
  type EspayConfirmedPayment,
  type EspayInquiryResult,
  type EspayPaymentResult,
  type EspayProductsResult,
  type EspayReferences,
  type EspayTransactionInfoResult,
  type InquiryParams,
  type PayAndConfirmParams,
  type PayParams,
  type Wire,
} from './client.js';
export { ESPAY_FORM_ORDER, type EspayOperation, encodeEspayForm, espayBodySerializer } from './form.js';
export type * from './generated/types.gen.js';
// Errors, money and outcome helpers come from core; re-exported so applications need one import.
export {
  AuthenticationError,
  BillerkitError,
  ConnectionError,
  DuplicateRequestError,
  formatIdr,
  InsufficientBalanceError,
  isBillerkitError,
  MalformedResponseError,
  ProviderError,
  RequestAbortedError,
  rupiah,
  SignatureError,
  TimeoutError,
  ValidationError,
} from '@billerkit/core';
